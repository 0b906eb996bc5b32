"""Issue 9, item 6 (X3): the inbox in deadline order (then the newest first), what needs an answer
apart from what only needs signing for (签收), with the count of each, on the page and in the query."""
import datetime

from django.urls import reverse

from liudong.accounts.models import AuditEvent
from liudong.exchange import queries, services
from tests.conftest import TONGJIANG_T

from .helpers import at

D = datetime.date


def _send(world, migrant, kind, subject, day, hour=10):
    return services.send_message(actor=world["township_clerk"], data={"kind": kind, "topic": "births", "receiver": TONGJIANG_T, "person": migrant.pk, "subject": subject},
                                 now=at(day, hour))


def _traffic(world, migrant):
    return {
        "early": _send(world, migrant, "verification", "核实甲", "2026-09-21"),          # answer due first
        "older": _send(world, migrant, "verification", "核实乙", "2026-09-28", 9),
        "newer": _send(world, migrant, "verification", "核实丙", "2026-09-28", 15),       # same deadline, arrived later
        "notice": _send(world, migrant, "notification", "通报甲", "2026-09-25"),
        "report": _send(world, migrant, "contraception_report", "避孕节育情况报告", "2026-09-26"),
    }


def test_X3_the_inbox_is_in_deadline_order_then_newest_first(world, migrant):
    m = _traffic(world, migrant)
    assert m["older"].due_on == m["newer"].due_on
    rows = queries.inbox(actor=world["tongjiang_clerk"], today=D(2026, 9, 29), part="answer").rows
    assert [r.pk for r in rows] == [m["early"].pk, m["newer"].pk, m["older"].pk]


def test_X3_to_answer_and_to_sign_for_are_apart_with_their_counts(world, migrant):
    m = _traffic(world, migrant)
    hukou = world["tongjiang_clerk"]
    both = queries.inbox(actor=hukou, today=D(2026, 9, 29))
    assert both.parts == {"answer": 3, "sign": 2} and both.count == 5
    sign = queries.inbox(actor=hukou, today=D(2026, 9, 29), part="sign")
    assert {r.pk for r in sign.rows} == {m["notice"].pk, m["report"].pk} and sign.counts["all"] == 2
    assert queries.inbox(actor=hukou, today=D(2026, 9, 29), part="auto").part == "answer"
    # Signed for, a notice is done with; an answer to one's own request only needs signing too.
    services.acknowledge(actor=hukou, message_id=m["notice"].pk, now=at("2026-09-29"))
    answer = services.reply(actor=hukou, message_id=m["early"].pk, data={"body": "已核实"}, now=at("2026-09-29"))
    assert queries.inbox(actor=hukou, today=D(2026, 9, 29)).parts == {"answer": 2, "sign": 1}
    theirs = queries.inbox(actor=world["township_clerk"], today=D(2026, 9, 29), part="auto")
    assert theirs.part == "sign" and [r.pk for r in theirs.rows] == [answer.pk] and theirs.parts == {"answer": 0, "sign": 1}


def test_X3_the_inbox_page_shows_both_parts_and_opens_on_what_needs_an_answer(client, world, migrant, clock):
    _traffic(world, migrant)
    clock("2026-09-29")
    client.force_login(world["tongjiang_clerk"])
    response = client.get(reverse("exchange_index"))
    html = response.content.decode()
    assert response.context["result"].part == "answer"
    assert "待反馈" in html and "待签收" in html and '<span class="count">3</span>' in html and '<span class="count">2</span>' in html
    assert html.index("核实甲") < html.index("核实丙") < html.index("核实乙") and "通报甲" not in html
    response = client.get(reverse("exchange_index"), {"part": "sign"})
    html = response.content.decode()
    assert "通报甲" in html and "避孕节育情况报告" in html and "核实甲" not in html
    assert AuditEvent.objects.filter(action="message.list").order_by("-id").first().fields["part"] == "sign"
    # An unknown part is the default, never an error; the outbox has no parts.
    assert client.get(reverse("exchange_index"), {"part": "nonsense"}).status_code == 200
    client.force_login(world["township_clerk"])
    assert "待签收" not in client.get(reverse("exchange_index"), {"box": "outbox"}).content.decode()


def test_X3_the_parts_speak_english_when_switched(client, world, migrant, clock):
    _traffic(world, migrant)
    clock("2026-09-29")
    client.force_login(world["tongjiang_clerk"])
    client.cookies["django_language"] = "en"
    html = client.get(reverse("exchange_index")).content.decode()
    assert "To reply to" in html and "To sign for" in html and "待反馈" not in html
