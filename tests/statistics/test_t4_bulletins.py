"""T4 (issue 14 part 4): the monthly bulletin of a province and of the nation on how the system is
used, kept by month, a page and a PDF, sent to the level below as `bulletin` messages."""
import pytest

from liudong.errors import Denied, Invalid, NotFound
from liudong.exchange import services as exchange
from liudong.exchange.models import Kind, Message
from liudong.statistics import bulletins, services
from tests.conftest import NANSHAN, NANTOU, NANTOU_V1, password
from tests.people.api.conftest import ApiClient

from .conftest import arrive, at, register

GUANGDONG = "440000000000"


def test_t4_province_bulletin_figures_and_messages_to_the_cities(world, clerk, collector, head):
    arrive(clerk, register(clerk, seq=120, on=__import__("datetime").date(2026, 10, 9)), "2026-10-05", on=__import__("datetime").date(2026, 10, 9))
    m = exchange.send_message(actor=world["tongjiang_clerk"], data={"kind": "correspondence", "topic": "births", "receiver": NANTOU, "subject": "函",
                                                                    "channel": "system"}, now=at("2026-10-12"))
    exchange.reply(actor=clerk, message_id=m.pk, data={"subject": "复", "body": "已办", "channel": "system"}, now=at("2026-10-13"))
    b = bulletins.make_bulletin(actor=None, division_code=GUANGDONG, period="2026-10", now=at("2026-11-16"))
    f = b.figures
    assert f["records_entered"] == 1 and f["messages_answered"] == 1 and f["reply_rate"] == 1.0 and f["messages_overdue"] == 0
    assert f["best"][0]["name"] == "深圳市"
    cities = Message.objects.filter(kind=Kind.BULLETIN, sender_id=GUANGDONG)
    assert cities.count() == b.messages_sent > 0 and cities.filter(receiver_id="440300000000").exists()
    again = bulletins.make_bulletin(actor=None, division_code=GUANGDONG, period="2026-10", now=at("2026-11-17"))
    assert again.pk == b.pk                                    # one per division and month
    # Staff active: who acted in the month by the audit log's own time (the suite's clock: November).
    assert f["staff_active"] == 0
    assert bulletins.make_bulletin(actor=None, division_code=GUANGDONG, period="2026-11", now=at("2026-12-16")).figures["staff_active"] == 1   # the clerk of 南头 (Sichuan's clerk acted in Sichuan)


def test_t4_bad_input(world, head):
    with pytest.raises(Invalid):
        bulletins.make_bulletin(actor=None, division_code=NANSHAN, period="2026-10", now=at("2026-11-16"))    # a county makes none
    with pytest.raises(Invalid):
        bulletins.make_bulletin(actor=None, division_code=GUANGDONG, period="2026-11", now=at("2026-11-16"))  # not ended
    with pytest.raises(NotFound):
        bulletins.make_bulletin(actor=head, division_code=GUANGDONG, period="2026-10", now=at("2026-11-16"))
    with pytest.raises(Denied):
        bulletins.make_bulletin(actor=world["village_cadre"], division_code=NANTOU_V1, period="2026-10", now=at("2026-11-16"))


def test_t4_api_page_and_pdf(client, world, head):
    from liudong.accounts.tokens import issue_token

    b = bulletins.make_bulletin(actor=None, division_code=GUANGDONG, period="2026-10", now=at("2026-11-16"))
    api = ApiClient(issue_token(head))
    listed = api.get("/bulletins", {"division": GUANGDONG}).json()
    assert listed["count"] == 1 and listed["results"][0]["period"] == "2026-10"
    assert api.get(f"/bulletins/{b.pk}").json()["figures"]["reports_children"] == b.figures["reports_children"]
    pdf = api.get(f"/bulletins/{b.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert ApiClient(issue_token(world["tongjiang_clerk"])).get(f"/bulletins/{b.pk}").status_code == 404   # Sichuan's staff: not theirs
    assert client.login(username=head.username, password=password())
    assert "使用情况通报" in client.get(f"/statistics/bulletins/{b.pk}/").content.decode()
