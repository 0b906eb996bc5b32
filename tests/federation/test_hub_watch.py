"""Issue 16: the hub records the state events (sent, arrived, answered) of messages crossing
nodes, routing only, for the national watch list and T3 by counterpart province; overdue is the
event the holding node sends when the answer-by date passed unanswered (test_hub_overdue). The page and the API show them (X3, T3)."""
import json
import uuid

import pytest
from django.test import Client

from liudong.accounts.tokens import issue_token
from liudong.exchange import services
from liudong.federation import envelope
from liudong.federation.models import Outbox, Quarantined, Watched
from liudong.federation.receive import receive, receive_batch
from tests.conftest import NANTOU, TONGJIANG_T
from tests.exchange.helpers import at

from .conftest import GD, SC

HUB = "000000000000"


def state(node_keys, hub_keys, *, of, state_, at_, sender=NANTOU, receiver=TONGJIANG_T, place=None, due=None):
    routing = {"id": uuid.uuid4().hex, "type": "state", "kind": state_, "from_node": node_keys.node, "to_node": HUB, "sender": place or sender,
               "receiver": HUB, "created_at": at_.isoformat()}
    body = {"of": of, "state": state_, "at": at_.isoformat(), "kind": "verification", "sender": sender, "receiver": receiver, "due_on": due}
    return envelope.seal(routing, json.dumps(body).encode(), keys=node_keys, to_box_key=hub_keys.box_public)


def api(staff) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(staff)}")


def test_x2_a_node_that_trusts_a_hub_reports_sending_to_it_with_routing_only(as_node, peer, clerk, migrant):
    as_node(GD)
    peer(SC)
    peer(HUB)
    services.send_message(actor=clerk, data={"kind": "verification", "topic": "births", "receiver": TONGJIANG_T, "person": migrant.pk,
                                             "subject": "核实李娜婚育情况", "body": "请核实。"}, now=at("2026-11-30"))
    message, sent = Outbox.objects.get(type="message"), Outbox.objects.get(type="state")
    body = json.loads(sent.payload)
    assert (sent.to_node, sent.receiver, sent.kind) == (HUB, HUB, "sent")
    assert body == {"of": message.global_id, "state": "sent", "at": at("2026-11-30").isoformat(), "kind": "verification", "sender": NANTOU,
                    "receiver": TONGJIANG_T, "due_on": None}
    assert "李娜" not in sent.payload and "核实" not in sent.payload


@pytest.fixture
def hub(as_node, peer, world):
    me = as_node(HUB)
    return me, peer(GD), peer(SC)


def test_t3_x3_the_hub_keeps_each_message_once_and_lists_the_overdue_by_province_pair(hub, world):
    me, gd, sc = hub
    late, answered = uuid.uuid4().hex, uuid.uuid4().hex
    for raw in [state(gd, me, of=late, state_="sent", at_=at("2026-11-02")),
                state(sc, me, of=late, state_="arrived", at_=at("2026-11-03"), place=TONGJIANG_T, due="2026-11-24"),
                state(gd, me, of=answered, state_="sent", at_=at("2026-11-02")),
                state(sc, me, of=answered, state_="arrived", at_=at("2026-11-03"), place=TONGJIANG_T, due="2026-11-24"),
                state(sc, me, of=answered, state_="answered", at_=at("2026-11-10"), place=TONGJIANG_T),
                # Sichuan's node tells the hub `late` passed its answer-by date (federation.overdue).
                state(sc, me, of=late, state_="overdue", at_=at("2026-11-25"), place=TONGJIANG_T, due="2026-11-24")]:
        assert receive(raw, now=at("2026-11-28")) == "accepted"
    again = state(sc, me, of=late, state_="arrived", at_=at("2026-11-05"), place=TONGJIANG_T, due="2026-11-26")
    assert receive(again, now=at("2026-11-28")) == "accepted"  # a second report of the same state changes nothing
    row = Watched.objects.get(global_id=late)
    assert (row.sender_province, row.receiver_province, row.arrived_at, str(row.due_on)) == (GD, SC, at("2026-11-03"), "2026-11-24")
    data = api(world["nation_officer"]).get("/api/v1/nodes/watch").json()
    (pair,) = data["pairs"]
    assert (pair["sender_province"], pair["receiver_province"], pair["expected"], pair["answered"], pair["on_time"], pair["overdue"]) == (GD, SC, 2, 1, 1, 1)
    assert [w["global_id"] for w in data["overdue"]] == [late] and data["overdue"][0]["days_over"] >= 4
    nation = Client()
    nation.force_login(world["nation_officer"])
    page = nation.get("/nodes/watch/").content.decode()
    assert "广东省" in page and "四川省" in page and "诺江镇" in page
    assert "核实" in page and ">verification<" not in page  # the kind in words, not its code (I4)


def test_t3_the_hub_writes_a_batchs_state_events_together_each_moment_once(hub):
    """The receiver stages the state events of a fetch and writes them set-based (two events a
    message reach the hub): events of one message in one batch make one row, a later batch fills
    the moments still empty, a refused event in the batch writes nothing of its own."""
    me, gd, sc = hub
    one, two = uuid.uuid4().hex, uuid.uuid4().hex
    first = [state(sc, me, of=one, state_="arrived", at_=at("2026-11-03"), place=TONGJIANG_T, due="2026-11-24"),  # before its `sent`
             state(gd, me, of=one, state_="sent", at_=at("2026-11-02")),
             state(gd, me, of=two, state_="sent", at_=at("2026-11-02")),
             state(gd, me, of=uuid.uuid4().hex, state_="arrived", at_=at("2026-11-03"), sender="510000000001", receiver=TONGJIANG_T, place=NANTOU)]
    assert receive_batch([(str(i), raw) for i, raw in enumerate(first)], now=at("2026-11-28")) == ["accepted", "accepted", "accepted", "refused"]
    assert Watched.objects.count() == 2
    row = Watched.objects.get(global_id=one)
    assert (row.sent_on, row.arrived_on, str(row.due_on), row.sender, row.receiver) == (at("2026-11-02").date(), at("2026-11-03").date(), "2026-11-24",
                                                                                           NANTOU, TONGJIANG_T)
    later = [state(sc, me, of=two, state_="arrived", at_=at("2026-11-04"), place=TONGJIANG_T, due="2026-11-25"),
             state(sc, me, of=one, state_="arrived", at_=at("2026-11-09"), place=TONGJIANG_T, due="2026-11-30"),  # again: changes nothing
             state(sc, me, of=one, state_="answered", at_=at("2026-11-10"), place=TONGJIANG_T)]
    assert receive_batch([(str(i), raw) for i, raw in enumerate(later)], now=at("2026-11-28")) == ["accepted"] * 3
    row.refresh_from_db()
    assert (row.arrived_on, str(row.due_on), row.answered_on) == (at("2026-11-03").date(), "2026-11-24", at("2026-11-10").date())
    assert str(Watched.objects.get(global_id=two).due_on) == "2026-11-25" and Watched.objects.count() == 2


def test_a_node_reports_only_its_own_messages_and_only_to_the_hub(hub, as_node):
    me, gd, sc = hub
    raw = state(gd, me, of=uuid.uuid4().hex, state_="arrived", at_=at("2026-11-03"), sender="510000000001", receiver=TONGJIANG_T, place=NANTOU)
    assert receive(raw, now=at("2026-11-28")) == "refused" and Quarantined.objects.get().reason == "not_its_division"
    assert not Watched.objects.exists()


def test_the_watch_list_is_scoped_and_closed_to_roles_without_timeliness(hub, world):
    me, gd, sc = hub
    receive(state(gd, me, of=uuid.uuid4().hex, state_="sent", at_=at("2026-11-02")), now=at("2026-11-28"))
    # Shenzhen's officer sees the pairs its places are an end of; Beijing's would see none.
    assert api(world["city_officer"]).get("/api/v1/nodes/watch").json()["pairs"][0]["sent"] == 1
    collector = Client()
    collector.force_login(world["village_collector"])
    assert collector.get("/nodes/watch/").status_code == 403
