"""Issue 16 (three nodes): her hukou node keeps a copy of the period another node recorded of her
(a `person` event). A node that knows nothing of that period (Beijing's, where she arrives next)
claims her from her hukou place, as the claim rules say (hole 1: her open period there, else her
hukou place); her hukou township accepts, which ends its copy; the node that recorded the period
(Guangdong's) is told in the same transaction (`closed_by_hukou`) and ends its own period the
same day, as the one record of one database would end, then tells her hukou node as of any
period it ends (which changes nothing there). Only her hukou node may end it; a period that is not
the node's, or not hers, is refused into quarantine."""
import json
import uuid

from liudong.exchange import claims
from liudong.exchange.models import ArrivalClaim
from liudong.federation import envelope
from liudong.federation.models import Outbox, Quarantined
from liudong.federation.receive import receive, receive_batch
from liudong.people.models import Person, Residence
from tests.conftest import NANTOU, NANTOU_V1, TONGJIANG_T, TONGJIANG_V
from tests.exchange.helpers import at

from .conftest import GD, SC

BJ = "110000000000"
CHAOYANG = "110105000000"


def sealed(sender_keys, to_keys, *, type_, kind, sender, receiver, body, gid=None, when="2026-11-28"):
    routing = {"id": gid or uuid.uuid4().hex, "type": type_, "kind": kind, "from_node": sender_keys.node, "to_node": to_keys.node, "sender": sender,
               "receiver": receiver, "created_at": at(when).isoformat()}
    return envelope.seal(routing, json.dumps(body, ensure_ascii=False).encode(), keys=sender_keys, to_box_key=to_keys.box_public)


def ident(person):
    return {"name": person.name, "id_number": person.id_number, "document_type": person.document_type, "document_number": person.document_number,
            "sex": person.sex, "birth_date": str(person.birth_date), "hukou_division": person.hukou_division_id}


def test_r2_x2_her_hukou_node_accepting_a_third_nodes_claim_ends_the_period_on_the_node_that_recorded_it(as_node, peer, world, migrant):
    gd, bj = peer(GD), peer(BJ)
    me = as_node(SC)
    li = ident(migrant)
    Residence.objects.filter(person=migrant).delete()  # this node is her hukou node: it keeps Guangdong's period as a copy
    Person.objects.filter(pk=migrant.pk).update(residence_division=None, floating=False)
    arrival = sealed(gd, me, type_="person", kind="arrival", sender=NANTOU, receiver=TONGJIANG_V, body={"event": "arrival", "person": li, "periods": [
        {"ref": f"{GD}:41", "division": NANTOU_V1, "arrived_on": "2025-03-01", "left_on": None, "start_kind": "arrival", "end_kind": "", "address": "红花园1栋"}]})
    assert receive(arrival, now=at("2026-11-28", 9)) == "accepted"
    gid = uuid.uuid4().hex
    fields = sealed(bj, me, type_="claim", kind="arrival_claim", sender=CHAOYANG, receiver=TONGJIANG_T, gid=None,
                    body={"message": gid, "person": li, "claim": {"claimant": CHAOYANG, "division": CHAOYANG, "arrived_on": "2026-11-20",
                                                                 "address": "朝阳区某街1号", "reason": "work", "intended_stay": "", "expects_return": False}})
    message = sealed(bj, me, type_="message", kind="arrival_claim", sender=CHAOYANG, receiver=TONGJIANG_T, gid=gid,
                     body={"kind": "arrival_claim", "topic": "", "subject": "到达申报：李娜", "body": "……", "rules_on": "2026-11-28", "rule_set": "",
                           "sent_at": at("2026-11-28").isoformat(), "route": [], "person": li, "in_reply_to": None, "request_arrived_at": None, "attachments": []})
    assert receive_batch([("a", message), ("b", fields)], now=at("2026-11-28", 10)) == ["accepted", "accepted"]
    claim = ArrivalClaim.objects.get()
    claims.accept(actor=world["tongjiang_clerk"], message_id=claim.message_id, now=at("2026-11-28", 11))
    copy = Residence.objects.get(person__id_number=migrant.id_number)
    assert str(copy.left_on) == "2026-11-20"
    told = Outbox.objects.get(type="person", kind="closed_by_hukou")
    assert (told.to_node, told.receiver) == (GD, NANTOU_V1)
    assert json.loads(told.payload)["period"] == {"ref": f"{GD}:41", "left_on": "2026-11-20", "end_kind": copy.end_kind}
    assert Outbox.objects.filter(type="claim", kind="accept", to_node=BJ).count() == 1  # the decision goes back to Beijing as before


def closed_by_hukou(sc, gd, person, residence_id, *, left_on="2026-11-20", sender=TONGJIANG_T, ref_node=GD):
    return sealed(sc, gd, type_="person", kind="closed_by_hukou", sender=sender, receiver=NANTOU_V1, when="2026-11-28",
                  body={"event": "closed_by_hukou", "person": ident(person),
                        "period": {"ref": f"{ref_node}:{residence_id}", "left_on": left_on, "end_kind": "move"}})


def test_r2_x2_the_node_that_recorded_the_period_ends_it_and_tells_her_hukou_node_once(as_node, peer, migrant):
    sc = peer(SC)
    gd = as_node(GD)
    stay = Residence.objects.get(person=migrant)
    assert receive(closed_by_hukou(sc, gd, migrant, stay.pk, ref_node=SC), now=at("2026-11-28", 12)) == "refused"  # not this node's period
    assert Quarantined.objects.get().reason == "misaddressed"
    raw = closed_by_hukou(sc, gd, migrant, stay.pk)
    assert receive(raw, now=at("2026-11-28", 12)) == "accepted"
    stay.refresh_from_db()
    migrant.refresh_from_db()
    assert (str(stay.left_on), stay.end_kind, migrant.residence_division_id) == ("2026-11-20", "move", None)
    back = Outbox.objects.get(type="person")
    assert back.to_node == SC and json.loads(back.payload)["periods"][0]["left_on"] == "2026-11-20"  # her hukou node hears of it as of any period ended here
    assert receive(raw, now=at("2026-11-28", 13)) == "duplicate"
    assert receive(closed_by_hukou(sc, gd, migrant, stay.pk, left_on="2026-11-25"), now=at("2026-11-28", 13)) == "accepted"
    stay.refresh_from_db()
    assert str(stay.left_on) == "2026-11-20" and Outbox.objects.filter(type="person").count() == 1  # ended once


def test_r2_only_her_hukou_node_ends_a_period_and_only_hers(as_node, peer, migrant, husband):
    sc, bj = peer(SC), peer(BJ)
    gd = as_node(GD)
    stay = Residence.objects.get(person=migrant)
    forged = sealed(bj, gd, type_="person", kind="closed_by_hukou", sender=CHAOYANG, receiver=NANTOU_V1,
                    body={"event": "closed_by_hukou", "person": ident(migrant), "period": {"ref": f"{GD}:{stay.pk}", "left_on": "2026-11-20", "end_kind": "move"}})
    assert receive(forged, now=at("2026-11-28", 12)) == "refused"
    other = closed_by_hukou(sc, gd, husband, stay.pk)  # 王强's hukou is not on Sichuan's node either
    assert receive(other, now=at("2026-11-28", 12)) == "refused"
    assert sorted(Quarantined.objects.values_list("reason", flat=True)) == ["not_its_division", "not_its_division"]
    stay.refresh_from_db()
    assert stay.left_on is None
