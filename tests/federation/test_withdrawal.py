"""Issue 16 (X3 across nodes): a request its sender withdraws after it left for a place on another
node. The withdrawal travels as a `withdraw` envelope in the transaction of the act, and as a
`withdrawn` state event to the hub; the receiving node closes its copy as the sender's was closed
(withdrawn after the answer-by date it counted, the miss stands); the hub's T3 and watch list
count it withdrawn, not pending. Only the node and place that sent the message may withdraw it."""
import datetime
import json
import uuid

import pytest

from liudong.exchange import services
from liudong.exchange.models import Message, State
from liudong.federation import envelope
from liudong.federation.models import Outbox, Quarantined, Watched
from liudong.federation.receive import receive
from liudong.federation.watch import timeliness_rows, watch
from tests.conftest import NANTOU, SHEKOU, TONGJIANG_T
from tests.exchange.helpers import at

from .conftest import GD, SC

HUB = "000000000000"


def sealed(sender_keys, to_keys, *, type_, kind, body, sender=NANTOU, receiver=TONGJIANG_T, gid=None, when="2026-11-28"):
    routing = {"id": gid or uuid.uuid4().hex, "type": type_, "kind": kind, "from_node": sender_keys.node, "to_node": to_keys.node, "sender": sender,
               "receiver": receiver, "created_at": at(when).isoformat()}
    return envelope.seal(routing, json.dumps(body, ensure_ascii=False).encode(), keys=sender_keys, to_box_key=to_keys.box_public)


def request(gd, sc, gid, migrant):
    return sealed(gd, sc, type_="message", kind="verification", gid=gid,
                  body={"kind": "verification", "topic": "births", "subject": "核实李娜婚育情况", "body": "请核实。", "rules_on": "2026-11-02", "rule_set": "",
                        "sent_at": at("2026-11-02").isoformat(), "route": [], "person": {"name": migrant.name, "id_number": migrant.id_number,
                        "document_type": "resident_id", "document_number": migrant.id_number, "sex": "F", "birth_date": str(migrant.birth_date),
                        "hukou_division": migrant.hukou_division_id}, "in_reply_to": None, "request_arrived_at": None, "attachments": []})


def withdraw(gd, sc, gid, on, *, sender=NANTOU, reason="案件已办结"):
    return sealed(gd, sc, type_="withdraw", kind="verification", sender=sender, body={"message": gid, "on": on, "reason": reason})


def test_x3_a_withdrawal_leaves_with_the_act_to_the_receiving_node_and_to_the_hub(as_node, peer, clerk, migrant):
    as_node(GD)
    peer(SC)
    peer(HUB)
    message = services.send_message(actor=clerk, data={"kind": "verification", "topic": "births", "receiver": TONGJIANG_T, "person": migrant.pk,
                                                       "subject": "核实李娜婚育情况", "body": "请核实。"}, now=at("2026-11-02"))
    gid = Outbox.objects.get(type="message").global_id
    services.close(actor=clerk, message_id=message.pk, reason="案件已办结", now=at("2026-11-05"))
    row = Outbox.objects.get(type="withdraw")
    assert (row.sender, row.receiver, row.to_node) == (NANTOU, TONGJIANG_T, SC)
    assert json.loads(row.payload) == {"message": gid, "on": "2026-11-05", "reason": "案件已办结"}
    event = Outbox.objects.get(type="state", kind="withdrawn")
    assert event.to_node == HUB and json.loads(event.payload)["of"] == gid and "李娜" not in event.payload


def test_x3_a_message_within_the_node_withdrawn_sends_nothing(as_node, peer, clerk, migrant):
    as_node(GD)
    peer(HUB)
    message = services.send_message(actor=clerk, data={"kind": "verification", "topic": "births", "receiver": SHEKOU, "person": migrant.pk,
                                                       "subject": "核实", "body": "请核实。"}, now=at("2026-11-02"))
    services.close(actor=clerk, message_id=message.pk, reason="不再需要", now=at("2026-11-05"))
    assert not Outbox.objects.filter(type__in=("withdraw", "state")).exists()


@pytest.mark.parametrize("on, overdue", [("2026-11-05", False), ("2026-12-20", True)])
def test_x3_the_receiving_node_closes_its_copy_and_a_late_withdrawal_keeps_the_miss(as_node, peer, world, migrant, on, overdue):
    gd = peer(GD)
    sc = as_node(SC)
    gid = uuid.uuid4().hex
    assert receive(request(gd, sc, gid, migrant), now=at("2026-11-02", 10)) == "accepted"
    copy = Message.objects.get(receiver_id=TONGJIANG_T)
    due = copy.due_on
    assert due is not None and copy.state == State.SENT
    assert receive(withdraw(gd, sc, gid, on), now=at(on, 11)) == "accepted"
    copy.refresh_from_db()
    assert (copy.state, str(copy.withdrawn_on), copy.close_reason, copy.due_on) == (State.CLOSED, on, "案件已办结", None)
    assert (copy.overdue_on is not None) == overdue  # X3: after the answer-by date the miss stands
    assert datetime.date.fromisoformat(on) > due if overdue else datetime.date.fromisoformat(on) <= due


def test_x3_only_the_sending_place_withdraws_and_an_answered_copy_stays_answered(as_node, peer, world, migrant):
    gd = peer(GD)
    sc = as_node(SC)
    gid = uuid.uuid4().hex
    receive(request(gd, sc, gid, migrant), now=at("2026-11-02", 10))
    assert receive(withdraw(gd, sc, gid, "2026-11-05", sender=SHEKOU), now=at("2026-11-05")) == "refused"
    assert Quarantined.objects.get().reason == "misaddressed"
    assert receive(withdraw(gd, sc, uuid.uuid4().hex, "2026-11-05"), now=at("2026-11-05")) == "refused"
    assert Quarantined.objects.filter(reason="unknown_message").count() == 1
    copy = Message.objects.get(receiver_id=TONGJIANG_T)
    services.reply(actor=world["tongjiang_clerk"], message_id=copy.pk, data={"body": "已核实：未生育。"}, now=at("2026-11-04"))
    assert receive(withdraw(gd, sc, gid, "2026-11-05"), now=at("2026-11-05", 12)) == "accepted"  # crossed with the answer
    copy.refresh_from_db()
    assert copy.state == State.ANSWERED and copy.withdrawn_on is None


def state(node_keys, hub_keys, *, of, state_, at_, place=NANTOU, due=None):
    routing = {"id": uuid.uuid4().hex, "type": "state", "kind": state_, "from_node": node_keys.node, "to_node": HUB, "sender": place,
               "receiver": HUB, "created_at": at_.isoformat()}
    body = {"of": of, "state": state_, "at": at_.isoformat(), "kind": "verification", "sender": NANTOU, "receiver": TONGJIANG_T, "due_on": due}
    return envelope.seal(routing, json.dumps(body).encode(), keys=node_keys, to_box_key=hub_keys.box_public)


def test_t3_x3_the_hub_counts_a_withdrawal_in_time_as_owed_no_more_and_a_late_one_as_a_miss(as_node, peer, world):
    me = as_node(HUB)
    gd, sc = peer(GD), peer(SC)
    early, late = uuid.uuid4().hex, uuid.uuid4().hex
    for of, withdrawn_at in ((early, at("2026-11-05")), (late, at("2026-11-27"))):
        for raw in (state(gd, me, of=of, state_="sent", at_=at("2026-11-02")),
                    state(sc, me, of=of, state_="arrived", at_=at("2026-11-03"), place=TONGJIANG_T, due="2026-11-24"),
                    state(gd, me, of=of, state_="withdrawn", at_=withdrawn_at)):
            assert receive(raw, now=at("2026-11-28")) == "accepted"
    receive(state(sc, me, of=late, state_="overdue", at_=at("2026-11-25"), place=TONGJIANG_T, due="2026-11-24"), now=at("2026-11-28"))
    assert str(Watched.objects.get(global_id=early).withdrawn_on) == "2026-11-05"

    class Period:  # what exchange.timeliness hands the hook: the division and the month
        class division:
            code = TONGJIANG_T
        start, end = datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)

    (received,) = timeliness_rows(Period, at("2026-11-28").date())["received"]
    # (place, province, topic, received, withdrawn, answered, on_time, overdue_open, overdue_withdrawn)
    assert received == (TONGJIANG_T, "44", "", 2, 1, 0, 0, 0, 1)
    seen = watch(actor=world["nation_officer"], today=at("2026-11-28").date())
    (pair,) = seen["pairs"]
    assert (pair["expected"], pair["overdue"]) == (1, 1) and seen["overdue"] == []  # nothing left to chase
