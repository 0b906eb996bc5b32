"""Issue 16, step 3 (the receiver, in one process): envelopes from another node are written once
under their global id; duplicates change nothing; unsigned, forged, replayed, misaddressed
envelopes and those of unknown nodes are refused into quarantine (X2, X5)."""
import json
import uuid

import pytest
from django.utils.dateparse import parse_datetime

from liudong.exchange import services
from liudong.exchange.models import Message
from liudong.federation import directory, envelope, keys, publishing
from liudong.federation.models import Outbox, Quarantined, Received
from liudong.federation.receive import receive, receive_batch
from tests.conftest import NANTOU, TONGJIANG_T
from tests.exchange.helpers import at

from .conftest import GD, SC

PERSON = {"name": "李娜", "id_number": "", "document_type": "resident_id", "document_number": "", "sex": "F", "birth_date": "1999-03-15", "hukou_division": "511921100001"}


def payload(**extra):
    return {"kind": "verification", "topic": "births", "subject": "核实李娜婚育情况", "body": "请核实。", "rules_on": "2026-11-30", "rule_set": "",
            "sent_at": at("2026-11-30").isoformat(), "route": "", "person": PERSON, "in_reply_to": None, "request_arrived_at": None, **extra}


def sealed(sender_keys, to_keys, *, gid=None, type_="message", sender=NANTOU, receiver=TONGJIANG_T, to_node=SC, from_node=None, body=None) -> bytes:
    routing = {"id": gid or uuid.uuid4().hex, "type": type_, "kind": "verification", "from_node": from_node or sender_keys.node, "to_node": to_node,
               "sender": sender, "receiver": receiver, "created_at": at("2026-11-30").isoformat()}
    return envelope.seal(routing, json.dumps(body or payload(), ensure_ascii=False).encode(), keys=sender_keys, to_box_key=to_keys.box_public)


@pytest.fixture
def sichuan(as_node, peer, world):
    """This process is the Sichuan node; Guangdong is in its directory."""
    me = as_node(SC)
    return me, peer(GD)


def test_x5_an_envelope_is_written_once_with_its_clock_from_the_receiving_commit(sichuan):
    me, gd = sichuan
    raw = sealed(gd, me)
    assert receive_batch([("s", raw)], now=at("2026-12-01", 9)) == ["accepted"]
    message = Message.objects.get()
    assert (message.sender_id, message.receiver_id, message.kind, message.subject, message.state) == (NANTOU, TONGJIANG_T, "verification", "核实李娜婚育情况", "sent")
    assert message.arrived_at == at("2026-12-01", 9) and message.sent_at == at("2026-11-30") and message.due_on is not None
    got = Received.objects.get()
    assert got.message == message and got.person["name"] == "李娜"
    receipt = Outbox.objects.get()
    assert (receipt.type, receipt.to_node, receipt.sender, receipt.receiver) == ("arrival", GD, SC, GD)
    assert json.loads(receipt.payload)["arrived"] == [[got.global_id, at("2026-12-01", 9).isoformat()]]


def test_x5_a_batch_is_written_at_once_a_bad_envelope_quarantined_alone_and_one_receipt_names_them_all(sichuan, tmp_path):
    me, gd = sichuan
    impostor = keys.create(GD, tmp_path / "impostor.json")
    gid = uuid.uuid4().hex
    good = [sealed(gd, me, gid=gid), sealed(gd, me), sealed(gd, me, body={"subject": "无类型"}), sealed(gd, me)]
    batch = [("s", good[0]), ("s", sealed(impostor, me)), ("s", good[1]), ("s", good[2]), ("s", sealed(gd, me, gid=gid)), ("s", good[3])]
    assert receive_batch(batch, now=at("2026-12-01", 9)) == ["accepted", "refused", "accepted", "refused", "duplicate", "accepted"]
    assert Message.objects.count() == Received.objects.count() == 3
    assert sorted(Quarantined.objects.values_list("reason", flat=True)) == ["forged", "malformed"]
    (receipt,) = Outbox.objects.all()
    assert sorted(gid for gid, _ in json.loads(receipt.payload)["arrived"]) == sorted(Received.objects.values_list("global_id", flat=True))
    # Redelivered in a later batch, the whole batch changes nothing.
    assert receive_batch(batch, now=at("2026-12-01", 10)) == ["duplicate", "refused", "duplicate", "refused", "duplicate", "duplicate"]
    assert Message.objects.count() == 3 and Outbox.objects.count() == 1


def test_the_same_envelope_twice_or_sealed_again_changes_nothing(sichuan):
    me, gd = sichuan
    gid = uuid.uuid4().hex
    raw = sealed(gd, me, gid=gid)
    again = sealed(gd, me, gid=gid)  # the relay published the row again: other ciphertext, same content
    assert raw != again
    assert receive_batch([("s", raw), ("s", raw), ("s", again)], now=at("2026-12-01")) == ["accepted", "duplicate", "duplicate"]
    assert Message.objects.count() == 1 and Outbox.objects.count() == 1 and not Quarantined.objects.exists()


def test_r8_the_person_is_matched_by_her_id_number(sichuan, migrant):
    me, gd = sichuan
    receive(sealed(gd, me, body=payload(person={**PERSON, "id_number": migrant.id_number})), now=at("2026-12-01"))
    assert Message.objects.get().person == migrant


def refused(raw, reason, *, now=None):
    assert receive(raw, now=now or at("2026-12-01")) == "refused"
    q = Quarantined.objects.order_by("-id").first()
    assert q.reason == reason and bytes(q.envelope) == raw
    return q


def test_a_replayed_id_with_other_content_is_refused(sichuan):
    me, gd = sichuan
    gid = uuid.uuid4().hex
    receive(sealed(gd, me, gid=gid), now=at("2026-12-01"))
    refused(sealed(gd, me, gid=gid, body=payload(body="另一内容")), "replayed")
    assert Message.objects.get().body == "请核实。"


def test_a_forged_signature_is_refused(sichuan, tmp_path):
    me, _ = sichuan
    impostor = keys.create(GD, tmp_path / "impostor.json")
    q = refused(sealed(impostor, me), "forged")
    assert q.from_node == GD and not Message.objects.exists() and not Received.objects.exists()


def test_an_unsigned_envelope_is_refused(sichuan):
    me, gd = sichuan
    env = json.loads(sealed(gd, me))
    del env["sig"]
    refused(json.dumps(env).encode(), "unsigned")


def test_an_unknown_sending_node_is_refused(sichuan, tmp_path):
    me, _ = sichuan
    stranger = keys.create("450000000000", tmp_path / "gx.json")
    refused(sealed(stranger, me, sender="450102001000"), "unknown_node")


def test_a_node_speaks_only_for_its_own_divisions(sichuan):
    me, gd = sichuan
    refused(sealed(gd, me, sender="511921100000", receiver="511921100001"), "not_its_division")


@pytest.mark.parametrize("to_node,receiver", [(GD, TONGJIANG_T), (SC, "440305001000")])
def test_a_misaddressed_envelope_is_refused(sichuan, to_node, receiver):
    me, gd = sichuan
    refused(sealed(gd, me, to_node=to_node, receiver=receiver), "misaddressed")


def test_garbage_is_refused_as_malformed(sichuan):
    refused(b"\x00not json", "malformed")


def test_a_revoked_key_is_refused_from_its_revocation_day(sichuan):
    me, gd = sichuan
    directory.revoke(code=GD, on=at("2026-12-02").date(), now=at("2026-12-02"))
    assert receive(sealed(gd, me), now=at("2026-12-01")) == "accepted"
    refused(sealed(gd, me), "unknown_node", now=at("2026-12-02"))


def test_x3_the_answer_goes_back_to_the_asking_node_under_the_request_id(sichuan):
    me, gd = sichuan
    gid = uuid.uuid4().hex
    receive(sealed(gd, me, gid=gid), now=at("2026-12-01"))
    request = Message.objects.get()
    from liudong.accounts.models import Staff
    services.reply(actor=Staff.objects.get(username="tongjiang_clerk"), message_id=request.pk, data={"body": "已核实：一孩。"}, now=at("2026-12-02"))
    answer = Outbox.objects.get(type="message")
    body = json.loads(answer.payload)
    assert (answer.to_node, answer.receiver, body["kind"], body["in_reply_to"]) == (GD, NANTOU, "reply", gid)
    assert parse_datetime(body["request_arrived_at"]) == at("2026-12-01")


@pytest.fixture
def guangdong(as_node, peer, clerk, migrant):
    """This process is the Guangdong node with Sichuan in its directory, and has sent its request."""
    me = as_node(GD)
    sc = peer(SC)
    request = services.send_message(actor=clerk, data={"kind": "verification", "topic": "births", "receiver": TONGJIANG_T, "person": migrant.pk,
                                                       "subject": "核实李娜婚育情况", "body": "请核实。"}, now=at("2026-11-30"))
    return me, sc, request, Outbox.objects.get(message=request).global_id


def answer_from(sc, me, gid, *, arrived):
    return sealed(sc, me, sender=TONGJIANG_T, receiver=NANTOU, to_node=GD, body=payload(kind="reply", subject="反馈", body="已核实：一孩。", in_reply_to=gid,
                                                                                        sent_at=at("2026-12-02").isoformat(), request_arrived_at=arrived.isoformat()))


def test_x5_the_sender_sees_the_arrival_time_when_the_receipt_comes_back(guangdong):
    me, sc, request, gid = guangdong
    raw = sealed(sc, me, type_="arrival", sender=TONGJIANG_T, receiver=NANTOU, to_node=GD, body={"of": gid, "arrived_at": at("2026-12-01", 9).isoformat()})
    assert receive(raw, now=at("2026-12-01", 10)) == "accepted"
    request.refresh_from_db()
    assert request.arrived_at == at("2026-12-01", 9) and request.due_on == request.reply_due_on is not None


def test_x5_a_batch_receipt_names_many_and_only_the_node_a_message_went_to_may_sign_for_it(guangdong, tmp_path):
    me, sc, request, gid = guangdong
    stranger = keys.create("450000000000", tmp_path / "gx.json")
    directory.trust(line=stranger.public_line(), on=at("2026-01-01").date(), now=at("2026-11-28"))
    claim = {"arrived": [[gid, at("2026-12-01", 8).isoformat()]]}
    refused(sealed(stranger, me, type_="arrival", sender="450000000000", receiver=GD, to_node=GD, body=claim), "unknown_message")
    request.refresh_from_db()
    assert request.arrived_at is None
    body = {"arrived": [[gid, at("2026-12-01", 9).isoformat()], [uuid.uuid4().hex, at("2026-12-01", 9).isoformat()]]}
    assert receive(sealed(sc, me, type_="arrival", sender=SC, receiver=GD, to_node=GD, body=body), now=at("2026-12-01", 10)) == "accepted"
    request.refresh_from_db()
    assert request.arrived_at == at("2026-12-01", 9) and request.due_on is not None


def test_x3_the_answer_answers_the_request_even_before_its_receipt(guangdong):
    me, sc, request, gid = guangdong
    assert receive(answer_from(sc, me, gid, arrived=at("2026-12-01", 9)), now=at("2026-12-02", 11)) == "accepted"
    request.refresh_from_db()
    assert request.state == "answered" and request.answered_on == at("2026-12-02").date() and request.arrived_at == at("2026-12-01", 9)
    assert request.reply.body == "已核实：一孩。" and request.reply.arrived_at == at("2026-12-02", 11)
    late = sealed(sc, me, type_="arrival", sender=TONGJIANG_T, receiver=NANTOU, to_node=GD, body={"of": gid, "arrived_at": at("2026-12-01", 9).isoformat()})
    assert receive(late, now=at("2026-12-02", 12)) == "accepted"  # the receipt after the answer changes nothing
    request.refresh_from_db()
    assert request.state == "answered" and request.arrived_at == at("2026-12-01", 9)


def test_an_answer_to_an_unknown_request_is_refused(guangdong):
    me, sc, request, gid = guangdong
    refused(answer_from(sc, me, uuid.uuid4().hex, arrived=at("2026-12-01")), "unknown_message")


def test_a_signed_body_missing_its_fields_is_quarantined_not_redelivered_forever(sichuan):
    me, gd = sichuan
    refused(sealed(gd, me, body={"subject": "无类型"}), "malformed")
    assert not Message.objects.exists() and not Received.objects.exists()
