"""Issue 16 (X3, T3): the node that holds a request sends the hub an `overdue` state event when its
answer-by date passes unanswered (a scheduled job, idempotent); the hub counts overdue from those
events, not from the dates, and its `/timeliness/` figures by counterpart province come from the
state events (it holds no message)."""
import datetime
import json
import uuid

from django.test import Client

from liudong.exchange.models import Message
from liudong.federation import overdue
from liudong.federation.models import Outbox, Received, Watched
from liudong.federation.receive import receive, receive_batch
from liudong.jobs.daily import run_daily_jobs
from tests.conftest import NANTOU, TONGJIANG_T
from tests.exchange.helpers import at

from .conftest import GD, SC
from .test_hub_watch import HUB, api, hub, state  # noqa: F401 (the hub fixture)
from .test_receive import sealed, sichuan  # noqa: F401 (the sichuan fixture)


def test_x3_the_node_holding_a_request_reports_it_overdue_once_when_its_answer_by_date_passes(sichuan, peer):
    me, gd = sichuan
    peer(HUB)
    late, in_time = sealed(gd, me), sealed(gd, me)
    assert receive_batch([("s", late), ("s", in_time)], now=at("2026-12-01", 9)) == ["accepted", "accepted"]
    first, second = Message.objects.order_by("id")
    first_gid = Received.objects.get(message=first).global_id
    due = first.reply_due_on
    Message.objects.filter(pk=second.pk).update(answered_on=due)  # answered on its last day: never overdue
    assert overdue.report_overdue(today=due, now=at("2026-12-01")) == 0  # the answer-by day itself is in time
    assert overdue.report_overdue(today=due + datetime.timedelta(days=1), now=at("2026-12-30")) == 1
    row = Outbox.objects.get(type="state", kind="overdue")
    body = json.loads(row.payload)
    assert (row.to_node, row.sender, row.message_id) == (HUB, TONGJIANG_T, first.pk)
    assert (body["state"], body["due_on"], body["of"]) == ("overdue", str(due), first_gid)
    assert "李娜" not in row.payload and "核实" not in row.payload  # routing only
    # Idempotent: the job again, or the daily tick, writes nothing more.
    assert overdue.report_overdue(today=due + datetime.timedelta(days=3), now=at("2026-12-31")) == 0
    assert "federation: 0 overdue" in " ".join(run_daily_jobs(due + datetime.timedelta(days=4)))
    assert Outbox.objects.filter(type="state", kind="overdue").count() == 1


def test_x3_a_node_without_a_hub_reports_nothing(sichuan):
    me, gd = sichuan
    receive_batch([("s", sealed(gd, me))], now=at("2026-12-01", 9))
    assert overdue.report_overdue(today=datetime.date(2027, 3, 1), now=at("2026-12-30")) == 0


def test_t3_x3_the_hub_counts_overdue_from_the_events_and_feeds_timeliness_by_counterpart_province(hub, world):
    me, gd, sc = hub
    told, untold, answered = (uuid.uuid4().hex for _ in range(3))
    for of in (told, untold, answered):
        assert receive(state(gd, me, of=of, state_="sent", at_=at("2026-11-02")), now=at("2026-11-28")) == "accepted"
        assert receive(state(sc, me, of=of, state_="arrived", at_=at("2026-11-03"), place=TONGJIANG_T, due="2026-11-24"),
                       now=at("2026-11-28")) == "accepted"
    receive(state(sc, me, of=answered, state_="answered", at_=at("2026-11-20"), place=TONGJIANG_T), now=at("2026-11-28"))
    receive(state(sc, me, of=told, state_="overdue", at_=at("2026-11-25"), place=TONGJIANG_T, due="2026-11-24"), now=at("2026-11-28"))
    # The hub no longer reads the date: `untold` passed its date too, but its node has not said so.
    assert Watched.objects.get(global_id=told).overdue_on == datetime.date(2026, 11, 25)
    data = api(world["nation_officer"]).get("/api/v1/nodes/watch").json()
    assert [w["global_id"] for w in data["overdue"]] == [told] and data["pairs"][0]["overdue"] == 1
    # T3 on the hub's node: /timeliness/ from the state events, by counterpart province.
    got = api(world["nation_officer"]).get("/api/v1/exchange/timeliness", {"division": HUB, "start": "2026-11-01", "end": "2026-11-30"})
    assert got.status_code == 200, got.content
    t3 = got.json()
    rows = {r["code"]: r for r in t3["by_counterpart_province"]}
    assert (rows[GD]["as_receiver"]["received"], rows[GD]["as_receiver"]["answered"], rows[GD]["as_receiver"]["overdue_open"],
            rows[GD]["as_receiver"]["on_time"]) == (3, 1, 1, 1)
    assert (rows[SC]["as_sender"]["sent"], rows[SC]["as_sender"]["requests"], rows[SC]["as_sender"]["overdue_open"]) == (3, 3, 1)
    assert t3["as_receiver"]["pending"] == 1  # `untold`
    # A late answer ends the open overdue: it is then late, still a missed deadline (X3).
    receive(state(sc, me, of=told, state_="answered", at_=at("2026-11-27"), place=TONGJIANG_T), now=at("2026-11-28"))
    t3 = api(world["nation_officer"]).get("/api/v1/exchange/timeliness", {"division": HUB, "start": "2026-11-01", "end": "2026-11-30"}).json()
    assert (t3["as_receiver"]["overdue_open"], t3["as_receiver"]["late"], t3["as_receiver"]["overdue"]) == (0, 1, 1)
    nation = Client()
    nation.force_login(world["nation_officer"])
    page = nation.get("/timeliness/", {"division": HUB, "start": "2026-11-01", "end": "2026-11-30"})
    assert page.status_code == 200 and "四川省" in page.content.decode()
