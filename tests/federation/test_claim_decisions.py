"""Issue 16, hole 1, in one process: an arrival claim from a place on another node (诺江镇, on the
Sichuan node) to her place here (南头, on the Guangdong node). Its fields may come in the same
batch as its message, before it: the claim is linked to the message all the same; the dispute
leaves with its reason in the act's transaction. On the claimant's side, a decision from
another place than the claim's receiver is quarantined, and a second decision changes nothing."""
import json
import uuid

from liudong.exchange import claims
from liudong.exchange.models import ArrivalClaim
from liudong.federation import envelope
from liudong.federation.models import Outbox, Quarantined
from liudong.federation.receive import receive, receive_batch
from liudong.people.models import Residence
from tests.conftest import NANTOU, NANTOU_V1, SHEKOU, TONGJIANG_T, TONGJIANG_V
from tests.exchange.helpers import at

from .conftest import GD, SC


def sealed(sender_keys, to_keys, *, type_, kind, sender, receiver, body, gid=None):
    routing = {"id": gid or uuid.uuid4().hex, "type": type_, "kind": kind, "from_node": sender_keys.node, "to_node": to_keys.node, "sender": sender,
               "receiver": receiver, "created_at": at("2026-11-28").isoformat()}
    return envelope.seal(routing, json.dumps(body, ensure_ascii=False).encode(), keys=sender_keys, to_box_key=to_keys.box_public)


def ident(person):
    return {"name": person.name, "id_number": person.id_number, "document_type": person.document_type, "document_number": person.document_number,
            "sex": person.sex, "birth_date": str(person.birth_date), "hukou_division": person.hukou_division_id}


def test_hole1_x2_a_claim_from_another_node_is_kept_linked_and_its_dispute_goes_back(as_node, peer, clerk, migrant):
    sc = peer(SC)
    gd = as_node(GD)
    gid = uuid.uuid4().hex
    fields = sealed(sc, gd, type_="claim", kind="arrival_claim", sender=TONGJIANG_T, receiver=NANTOU,
                    body={"message": gid, "person": ident(migrant), "claim": {"claimant": TONGJIANG_T, "division": TONGJIANG_V, "arrived_on": "2026-11-20",
                                                                              "address": "诺江村3组", "reason": "", "intended_stay": "", "expects_return": False}})
    message = sealed(sc, gd, type_="message", kind="arrival_claim", sender=TONGJIANG_T, receiver=NANTOU, gid=gid,
                     body={"kind": "arrival_claim", "topic": "", "subject": "到达申报：李娜", "body": "……", "rules_on": "2026-11-28", "rule_set": "",
                           "sent_at": at("2026-11-28").isoformat(), "route": [], "person": ident(migrant), "in_reply_to": None,
                           "request_arrived_at": None, "attachments": []})
    assert receive_batch([("a", fields), ("b", message)], now=at("2026-11-28", 11)) == ["accepted", "accepted"]
    claim = ArrivalClaim.objects.get()
    assert claim.message is not None and (claim.state, claim.person_id, claim.claimant_id) == ("pending", migrant.pk, TONGJIANG_T)
    claims.dispute(actor=clerk, message_id=claim.message_id, reason="她仍在南头居住", now=at("2026-11-28", 12))
    back = Outbox.objects.get(type="claim")
    assert (back.kind, back.sender, back.receiver, back.to_node) == ("dispute", NANTOU, TONGJIANG_T, SC)
    assert json.loads(back.payload) == {"message": gid, "act": "dispute", "answer": "她仍在南头居住"}
    assert Residence.objects.get(person=migrant).left_on is None  # nothing written to her record


def test_hole1_x2_on_the_claimants_node_a_decision_counts_once_and_only_from_the_claims_receiver(as_node, peer, world, migrant):
    gd = peer(GD)
    sc = as_node(SC)
    tongjiang = world["tongjiang_clerk"]
    claim = claims.submit_arrival_claim(actor=tongjiang, data={"document_type": migrant.document_type, "document_number": migrant.document_number,
                                                               "division": TONGJIANG_V, "arrived_on": "2026-11-20"}, today=at("2026-11-28").date(), now=at("2026-11-28"))
    assert claim.message.receiver_id == NANTOU
    gid = Outbox.objects.get(message=claim.message, type="message").global_id
    fields = json.loads(Outbox.objects.get(type="claim").payload)
    assert fields["message"] == gid and fields["claim"]["arrived_on"] == "2026-11-20" and fields["person"]["id_number"] == migrant.id_number

    def decision(act, *, sender=NANTOU, answer=""):
        return sealed(gd, sc, type_="claim", kind=act, sender=sender, receiver=TONGJIANG_T, body={"message": gid, "act": act, "answer": answer})

    assert receive(decision("dispute", sender=SHEKOU, answer="x"), now=at("2026-11-28", 11)) == "refused"
    assert Quarantined.objects.get().reason == "misaddressed"
    assert receive(decision("accept"), now=at("2026-11-28", 12)) == "accepted"
    claim.refresh_from_db()
    assert claim.state == "accepted" and claim.residence is not None
    assert receive(decision("dispute", answer="晚到的异议"), now=at("2026-11-28", 13)) == "accepted"
    claim.refresh_from_db()
    assert claim.state == "accepted" and claim.answer == ""
    assert [(r.division_id, str(r.arrived_on), r.left_on) for r in Residence.objects.filter(person=migrant).order_by("arrived_on")] == [
        (NANTOU_V1, "2025-03-01", claim.arrived_on), (TONGJIANG_V, "2026-11-20", None)]
