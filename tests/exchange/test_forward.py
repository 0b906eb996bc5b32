"""B2 (1-六-(二)-1-(1)-①): the residence township asks the spouses' hukou townships. When it knew
only the county, the request goes to the county, which forwards it to the township: recorded on
both messages, the county's part done on that day, the copy on its own clock, and the township's
answer going to the place that asked.

王军's hukou is 郑州市中原区, known only at county level; 林山寨街道 is a street of 中原区."""
import datetime

import pytest
from django.urls import reverse

from liudong.accounts.choices import Role
from liudong.accounts.models import AuditEvent, Staff
from liudong.divisions.models import Division
from liudong.errors import Invalid
from liudong.exchange import services, timeliness
from liudong.exchange.models import Kind, Message, State, Topic
from tests.people.api.conftest import ApiClient
from tests.cases.conftest import ZHONGYUAN, case_messages, couple, husband, open_birth  # noqa: F401  (fixtures)
from tests.conftest import NANTOU, SHEKOU, TONGJIANG_T, password

from .helpers import at

D = datetime.date
STREET = "410102001000"


def staff(username, role, code):
    s = Staff(username=username, role=role, division_id=code)
    s.set_password(password())
    s.save()
    return s


@pytest.fixture
def zhongyuan(world):
    Division.objects.get_or_create(code=STREET, defaults={"name": "林山寨街道", "level": 4, "parent_id": ZHONGYUAN})
    return {"county": staff("zhongyuan_officer", Role.COUNTY_OFFICER, ZHONGYUAN), "street": staff("linshanzhai_clerk", Role.TOWNSHIP_CLERK, STREET)}


@pytest.fixture
def to_county(world, couple):
    """B2 on Mon 2026-03-02: 南头 asks 中原区 (via_county) and 诺江镇; 15 working days: due 03-23."""
    woman, husband = couple
    case = open_birth(world["township_clerk"], woman, "2026-03-02", husband=husband)
    [request] = [m for m in case_messages(case, Kind.VERIFICATION) if m.receiver_id == ZHONGYUAN]
    assert request.reply_due_on == D(2026, 3, 23)
    return case, request


def test_B2_the_county_forwards_the_request_to_its_township_with_its_own_clock(world, zhongyuan, to_county):
    case, request = to_county
    copy = services.forward(actor=zhongyuan["county"], message_id=request, data={"receiver": STREET[:9], "note": "请林山寨街道核实后直接反馈"}, now=at("2026-03-05"))
    request.refresh_from_db()
    assert (request.state, request.answered_on, request.due_on) == (State.FORWARDED, D(2026, 3, 5), None)
    assert "转交林山寨街道" in request.close_reason
    assert (copy.sender_id, copy.receiver_id, copy.forwarded_from_id, copy.kind, copy.topic) == (ZHONGYUAN, STREET, request.pk, Kind.VERIFICATION, Topic.BIRTHS)
    assert (copy.case_type, copy.case_id, copy.person_id, copy.rules_on) == ("birth_registration", case.pk, request.person_id, D(2026, 3, 2))
    # Its own clock: 15 working days from its arrival on Thu 03-05 (not from the county's 03-02).
    assert (copy.arrived_on, copy.reply_due_on, copy.state) == (D(2026, 3, 5), D(2026, 3, 26), State.SENT)
    assert "请林山寨街道核实后直接反馈" in copy.body and copy.subject.startswith("转交：")
    assert AuditEvent.objects.filter(action="message.forward", object_id=str(request.pk)).exists()
    # The township's answer goes to the place that asked.
    answer = services.reply(actor=zhongyuan["street"], message_id=copy, data={"body": "经核实，王军初婚，未生育。"}, now=at("2026-03-10"))
    assert (answer.sender_id, answer.receiver_id, answer.in_reply_to_id) == (STREET, NANTOU, copy.pk)
    assert answer in case_messages(case)


def test_B2_forwarding_counts_for_the_county_and_the_copy_for_the_township(world, zhongyuan, to_county):
    _, request = to_county
    copy = services.forward(actor=zhongyuan["county"], message_id=request, data={"receiver": STREET}, now=at("2026-03-25"))   # after the county's 03-23
    services.reply(actor=zhongyuan["street"], message_id=copy, data={"body": "已核实"}, now=at("2026-03-26"))
    period = {"start": "2026-03-01", "end": "2026-03-31", "today": D(2026, 4, 10)}
    county = timeliness.figures(actor=zhongyuan["county"], **period)
    rows = {row["code"]: row for row in county["by_division"]}
    own = rows[ZHONGYUAN]["as_receiver"]     # the county's own office: forwarded after its 03-23
    assert (own["received"], own["answered"], own["late"]) == (1, 1, 1)
    street = rows[STREET]["as_receiver"]     # the township: its copy, answered on its own clock
    assert (street["received"], street["on_time"]) == (1, 1)
    assert (rows[ZHONGYUAN]["as_sender"]["requests"], rows[ZHONGYUAN]["as_sender"]["on_time"]) == (1, 1)
    # The asking township sees its request handled (forwarded) late by the county.
    asked = timeliness.figures(actor=world["township_clerk"], **period)["by_counterpart_province"]
    henan = {row["code"]: row for row in asked}["410000000000"]["as_sender"]
    assert (henan["requests"], henan["answered"], henan["late"]) == (1, 1, 1)


def test_B2_only_the_receiving_county_forwards_and_only_to_its_own_township(world, zhongyuan, to_county):
    _, request = to_county
    with pytest.raises(Invalid) as e:
        services.forward(actor=zhongyuan["county"], message_id=request, data={"receiver": SHEKOU}, now=at("2026-03-05"))
    assert "中原区" in e.value.errors["receiver"][0]
    with pytest.raises(Invalid) as e:
        services.forward(actor=zhongyuan["county"], message_id=request, data={"receiver": ZHONGYUAN}, now=at("2026-03-05"))
    assert "receiver" in e.value.errors
    tongjiang_request = Message.objects.get(receiver_id=TONGJIANG_T, kind=Kind.VERIFICATION)
    with pytest.raises(Invalid) as e:
        services.forward(actor=world["tongjiang_clerk"], message_id=tongjiang_request, data={"receiver": STREET}, now=at("2026-03-05"))
    assert "县级" in e.value.errors["message"][0]
    services.forward(actor=zhongyuan["county"], message_id=request, data={"receiver": STREET}, now=at("2026-03-05"))
    with pytest.raises(Invalid) as e:
        services.forward(actor=zhongyuan["county"], message_id=request, data={"receiver": STREET}, now=at("2026-03-06"))
    assert "已转交" in e.value.errors["message"][0]
    with pytest.raises(Invalid):
        services.reply(actor=zhongyuan["county"], message_id=request, data={"body": "x"}, now=at("2026-03-06"))
    assert Message.objects.filter(forwarded_from=request).count() == 1


def test_B2_forward_on_the_page_and_through_the_api(client, world, zhongyuan, to_county, clock):
    from liudong.accounts.tokens import issue_token

    _, request = to_county
    clock("2026-03-05")
    client.force_login(zhongyuan["county"])
    html = client.get(reverse("exchange_detail", args=[request.pk])).content.decode()
    assert "转交所属乡镇（街道）" in html and reverse("exchange_forward", args=[request.pk]) in html
    bad = client.post(reverse("exchange_forward", args=[request.pk]), {"receiver": SHEKOU})
    assert bad.status_code == 200 and "应转交本县" in bad.content.decode()
    api = ApiClient(issue_token(zhongyuan["county"]))
    r = api.post(f"/messages/{request.pk}/forward", {"receiver": STREET, "note": "请核实"})
    assert r.status_code == 201 and r.json()["forwarded_from"] == request.pk and r.json()["receiver"] == STREET
    assert api.get(f"/messages/{request.pk}").json()["forwarded_to"] == r.json()["id"]
    client.force_login(world["township_clerk"])
    html = client.get(reverse("exchange_detail", args=[request.pk])).content.decode()
    assert "已转交" in html and "林山寨街道" in html
