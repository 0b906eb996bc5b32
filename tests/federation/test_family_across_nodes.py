"""Issue 16 (hole 3 across nodes): a family link proposed to a relative whose place is on another
node. 诺江镇 (Sichuan node) records 李娜's son, left at home; 李娜 lives in 南头 and his father
in 福田 (Guangdong node). The proposal's fields follow its message in a `claim` envelope (kind
`family_link`); the relative's node keeps a pending proposal, registers the son from his carried
identity, and writes the link there both ways when its clerk accepts; the decision goes back and
the proposer's node writes its own half (every R5 check again). A dispute's reason goes back and
nothing is written; a decision from another place than the proposal's receiver is quarantined; a
second one changes nothing."""
import json
import uuid

import pytest

from liudong.exchange import claims
from liudong.exchange.models import ClaimState, FamilyProposal
from liudong.federation import envelope
from liudong.federation.models import Outbox, Quarantined
from liudong.federation.receive import receive, receive_batch
from liudong.people import services as people
from liudong.people.models import FamilyLink, Person
from tests.conftest import FUTIAN_T, NANTOU, SHEKOU, TODAY, TONGJIANG_T, TONGJIANG_V, make_id
from tests.exchange.helpers import at

from .conftest import GD, SC


def sealed(sender_keys, to_keys, *, type_, kind, sender, receiver, body, gid=None):
    routing = {"id": gid or uuid.uuid4().hex, "type": type_, "kind": kind, "from_node": sender_keys.node, "to_node": to_keys.node, "sender": sender,
               "receiver": receiver, "created_at": at("2026-11-28").isoformat()}
    return envelope.seal(routing, json.dumps(body, ensure_ascii=False).encode(), keys=sender_keys, to_box_key=to_keys.box_public)


def ident(name, id_number, sex, birth_date, hukou):
    return {"name": name, "id_number": id_number, "document_type": "resident_id", "document_number": id_number, "sex": sex, "birth_date": birth_date,
            "hukou_division": hukou}


SON = ident("张小宝", make_id("511921", "20200105", 31, female=False), "M", "2020-01-05", TONGJIANG_V)


@pytest.fixture
def son(world):
    """张小宝, 李娜's son, registered at home in 诺江村 by 诺江镇."""
    person, _ = people.register_person(actor=world["tongjiang_clerk"], data={"id_number": SON["id_number"], "name": SON["name"], "hukou_division": TONGJIANG_V},
                                       today=TODAY)
    return person


def links():
    return set(FamilyLink.objects.values_list("person__name", "relative__name", "relation"))


def _incoming(sc, gd, migrant, gid):
    fields = sealed(sc, gd, type_="claim", kind="family_link", sender=TONGJIANG_T, receiver=NANTOU,
                    body={"message": gid, "person": SON, "relative": ident(migrant.name, migrant.id_number, "F", str(migrant.birth_date), TONGJIANG_V),
                          "proposal": {"proposer": TONGJIANG_T, "relation": "parent"}})
    message = sealed(sc, gd, type_="message", kind="family_link", sender=TONGJIANG_T, receiver=NANTOU, gid=gid,
                     body={"kind": "family_link", "topic": "", "subject": f"亲属关系确认：{migrant.name}", "body": "……", "rules_on": "2026-11-28", "rule_set": "",
                           "sent_at": at("2026-11-28").isoformat(), "route": [],
                           "person": ident(migrant.name, migrant.id_number, "F", str(migrant.birth_date), TONGJIANG_V), "in_reply_to": None,
                           "request_arrived_at": None, "attachments": []})
    return fields, message


def test_hole3_x2_the_relatives_node_keeps_the_proposal_registers_the_proposers_person_and_writes_the_link_on_accepting(as_node, peer, clerk, migrant):
    sc = peer(SC)
    gd = as_node(GD)
    gid = uuid.uuid4().hex
    fields, message = _incoming(sc, gd, migrant, gid)
    # The message first this time, its fields in a later batch: linked all the same.
    assert receive(message, now=at("2026-11-28", 10)) == "accepted"
    assert receive_batch([("a", fields)], now=at("2026-11-28", 11)) == ["accepted"]
    proposal = FamilyProposal.objects.get()
    son = Person.objects.get(id_number=SON["id_number"])  # registered from his carried identity (R8)
    assert (proposal.state, proposal.person_id, proposal.relative_id, proposal.relation, proposal.proposer_id) == (
        ClaimState.PENDING, son.pk, migrant.pk, "parent", TONGJIANG_T)
    assert proposal.message is not None and proposal.message.person_id == migrant.pk
    assert not FamilyLink.objects.exists()
    claims.accept(actor=clerk, message_id=proposal.message_id, now=at("2026-11-28", 12))
    proposal.refresh_from_db()
    assert proposal.state == ClaimState.ACCEPTED
    assert links() == {("张小宝", "李娜", "parent"), ("李娜", "张小宝", "child")}
    back = Outbox.objects.get(type="claim")
    assert (back.kind, back.sender, back.receiver, back.to_node) == ("accept", NANTOU, TONGJIANG_T, SC)
    assert json.loads(back.payload) == {"message": gid, "act": "accept", "answer": ""}


def test_hole3_x2_a_dispute_on_the_relatives_node_writes_nothing_and_its_reason_goes_back(as_node, peer, clerk, migrant):
    sc = peer(SC)
    gd = as_node(GD)
    gid = uuid.uuid4().hex
    fields, message = _incoming(sc, gd, migrant, gid)
    assert receive_batch([("a", fields), ("b", message)], now=at("2026-11-28", 11)) == ["accepted", "accepted"]
    proposal = FamilyProposal.objects.get()
    claims.dispute(actor=clerk, message_id=proposal.message_id, reason="李娜称无此子女", now=at("2026-11-28", 12))
    proposal.refresh_from_db()
    assert (proposal.state, proposal.answer) == (ClaimState.DISPUTED, "李娜称无此子女")
    assert not FamilyLink.objects.exists()
    back = Outbox.objects.get(type="claim")
    assert json.loads(back.payload) == {"message": gid, "act": "dispute", "answer": "李娜称无此子女"}


def test_hole3_x2_a_proposal_with_a_proposer_outside_the_sending_node_is_quarantined(as_node, peer, clerk, migrant):
    sc = peer(SC)
    gd = as_node(GD)
    fields = sealed(sc, gd, type_="claim", kind="family_link", sender=TONGJIANG_T, receiver=NANTOU,
                    body={"message": uuid.uuid4().hex, "person": SON, "relative": ident(migrant.name, migrant.id_number, "F", str(migrant.birth_date), TONGJIANG_V),
                          "proposal": {"proposer": SHEKOU, "relation": "parent"}})
    assert receive(fields, now=at("2026-11-28", 11)) == "refused"
    assert Quarantined.objects.get().reason == "not_its_division"
    assert not FamilyProposal.objects.exists() and not Person.objects.filter(id_number=SON["id_number"]).exists()


def test_hole3_x2_on_the_proposers_node_the_link_is_written_when_the_acceptance_comes_once_and_only_from_the_receiver(as_node, peer, world, husband, son):
    gd = peer(GD)
    sc = as_node(SC)
    proposal = claims.propose_family_link(actor=world["tongjiang_clerk"], person_id=son.pk, now=at("2026-11-28"),
                                          data={"relative_document_number": husband.document_number, "relation": "parent"})
    assert proposal.state == ClaimState.PENDING and proposal.message.receiver_id == FUTIAN_T
    gid = Outbox.objects.get(message=proposal.message, type="message").global_id
    fields = Outbox.objects.get(type="claim")
    assert (fields.kind, fields.to_node) == ("family_link", GD)
    payload = json.loads(fields.payload)
    assert payload["message"] == gid and payload["proposal"] == {"proposer": TONGJIANG_T, "relation": "parent"}
    assert payload["person"]["id_number"] == son.id_number and payload["relative"]["id_number"] == husband.id_number

    def decision(act, *, sender=FUTIAN_T, answer=""):
        return sealed(gd, sc, type_="claim", kind=act, sender=sender, receiver=TONGJIANG_T, body={"message": gid, "act": act, "answer": answer})

    assert receive(decision("accept", sender=SHEKOU), now=at("2026-11-28", 11)) == "refused"
    assert Quarantined.objects.get().reason == "misaddressed" and not FamilyLink.objects.exists()
    assert receive(decision("accept"), now=at("2026-11-28", 12)) == "accepted"
    proposal.refresh_from_db()
    assert proposal.state == ClaimState.ACCEPTED
    assert links() == {("张小宝", "王强", "parent"), ("王强", "张小宝", "child")}
    assert receive(decision("dispute", answer="晚到的异议"), now=at("2026-11-28", 13)) == "accepted"
    proposal.refresh_from_db()
    assert (proposal.state, proposal.answer) == (ClaimState.ACCEPTED, "")
    assert FamilyLink.objects.count() == 2


def test_hole3_x2_an_acceptance_that_no_longer_fits_the_proposers_record_voids_the_proposal_with_the_reason(as_node, peer, world, husband, son):
    gd = peer(GD)
    sc = as_node(SC)
    proposal = claims.propose_family_link(actor=world["tongjiang_clerk"], person_id=son.pk, now=at("2026-11-28"),
                                          data={"relative_document_number": husband.document_number, "relation": "parent"})
    gid = Outbox.objects.get(message=proposal.message, type="message").global_id
    # Meanwhile 诺江镇 recorded the same link by another way (a family form when he came home).
    people.apply_family_link(actor=world["tongjiang_clerk"], person_id=son.pk, relative_id=husband.pk, relation="parent", proposal_id=None)
    accept = sealed(gd, sc, type_="claim", kind="accept", sender=FUTIAN_T, receiver=TONGJIANG_T, body={"message": gid, "act": "accept", "answer": ""})
    assert receive(accept, now=at("2026-11-28", 12)) == "accepted"
    proposal.refresh_from_db()
    assert proposal.state == ClaimState.VOID and "已存在" in proposal.answer
    assert FamilyLink.objects.count() == 2  # the link recorded meanwhile, not doubled
