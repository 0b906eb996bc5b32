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


def test_t4_best_and_worst_rank_on_a_composite_of_reply_rate_on_time_rate_and_reports_on_time():
    weights = {"reply_rate": 0.4, "on_time_rate": 0.3, "reports_on_time": 0.3}
    t3 = [{"code": "A", "own": False, "as_receiver": {"reply_rate": 1.0, "on_time_rate": 0.5}},
          {"code": "B", "own": False, "as_receiver": {"reply_rate": None, "on_time_rate": None}},
          {"code": "C", "own": False, "as_receiver": {"reply_rate": 0.0, "on_time_rate": 0.0}},
          {"code": "D", "own": False, "as_receiver": {"reply_rate": 1.0, "on_time_rate": 1.0}}]
    children = [{"division": c, "name": c, "on_time": on_time} for c, on_time in (("A", False), ("B", True), ("C", True), ("D", True))]
    ranked = bulletins.rank(t3, children, weights)
    # D 100 (all three), B 100 (its report only: no requests owed), A 55 (40 + 15 + 0), C 30 (its report only counts).
    assert [(g["division"], g["score"]) for g in ranked] == [("D", 100.0), ("B", 100.0), ("A", 55.0), ("C", 30.0)]
    # By the reply rate alone A (100%) would rank above C and level with D; the late report pulls it down.
    assert ranked[2]["report_on_time"] is False


def test_t4_the_bulletin_states_its_ranking_rule(client, world, head):
    b = bulletins.make_bulletin(actor=None, division_code=GUANGDONG, period="2026-10", now=at("2026-11-16"))
    assert b.figures["rank_weights"] == {"reply_rate": 0.4, "on_time_rate": 0.3, "reports_on_time": 0.3}
    assert all("score" in g for g in b.figures["best"] + b.figures["worst"])
    assert client.login(username=head.username, password=password())
    text = client.get(f"/statistics/bulletins/{b.pk}/").content.decode()
    assert 'id="rank-rule"' in text and "综合得分" in text and "40% / 30% / 30%" in text
