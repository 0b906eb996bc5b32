"""Hole 3 of issue 7: a family link to a relative another place records is proposed to that place
(a message, kind family_link) and written both ways when it accepts; the audit names both."""
import pytest

from liudong.accounts.models import AuditEvent
from liudong.errors import Invalid, NotFound
from liudong.exchange import claims
from liudong.exchange.models import ClaimState, FamilyProposal, Message, State
from liudong.people import services as people
from liudong.people.models import FamilyLink
from liudong.policy.services import value_row
from tests.conftest import FUTIAN_T, FUTIAN_V, NANTOU, TODAY, make_id

from .helpers import at


def propose(actor, person, relative, relation="spouse"):
    return claims.propose_family_link(actor=actor, person_id=person.pk, now=at("2026-11-23"),
                                      data={"relative_document_number": relative.document_number, "relation": relation})


def test_hole3_a_link_to_anothers_relative_waits_for_that_place_and_is_written_when_it_accepts(world, migrant, husband):
    nantou, futian = world["township_clerk"], world["futian_clerk"]
    proposal = propose(nantou, migrant, husband)
    assert proposal.state == ClaimState.PENDING and not FamilyLink.objects.exists()
    m = proposal.message
    assert (m.kind, m.sender_id, m.receiver_id, m.person_id) == ("family_link", NANTOU, FUTIAN_T, husband.pk)
    assert m.reply_due_on is not None and value_row("exchange.reply_days.family_link", FUTIAN_T, m.rules_on).rule_set == "system-default"
    # The audit names both persons.
    assert {e.person_id for e in AuditEvent.objects.filter(action="family.propose")} == {migrant.pk, husband.pk}
    claims.accept(actor=futian, message_id=m.pk, now=at("2026-11-24"))
    proposal.refresh_from_db()
    assert proposal.state == ClaimState.ACCEPTED
    assert set(FamilyLink.objects.values_list("person_id", "relative_id", "relation")) == {(migrant.pk, husband.pk, "spouse"), (husband.pk, migrant.pk, "spouse")}
    assert {e.person_id for e in AuditEvent.objects.filter(action="family.link", actor=futian)} == {migrant.pk, husband.pk}
    assert Message.objects.get(pk=m.pk).state == State.ANSWERED


def test_hole3_a_disputed_link_is_not_written(world, migrant, husband):
    proposal = propose(world["township_clerk"], migrant, husband)
    claims.dispute(actor=world["futian_clerk"], message_id=proposal.message_id, reason="王强已登记配偶", now=at("2026-11-24"))
    proposal.refresh_from_db()
    assert proposal.state == ClaimState.DISPUTED and proposal.answer == "王强已登记配偶"
    assert not FamilyLink.objects.exists()


def test_hole3_the_proposer_learns_nothing_of_the_relatives_family(world, migrant, husband):
    # 王强 has a spouse recorded in 福田; 南头 is not told so (福田 checks it when accepting).
    wife, _ = people.register_person(actor=world["futian_clerk"], data={"id_number": make_id("440304", "19980101", 46), "name": "赵敏", "hukou_division": FUTIAN_V}, today=TODAY)
    people.link_family(actor=world["futian_clerk"], person=husband, relative_id=wife.pk, relation="spouse")
    proposal = propose(world["township_clerk"], migrant, husband)
    assert proposal.state == ClaimState.PENDING
    with pytest.raises(Invalid) as e:
        claims.accept(actor=world["futian_clerk"], message_id=proposal.message_id, now=at("2026-11-24"))
    assert "对方已登记配偶" in e.value.errors["relative_id"][0]
    assert FamilyLink.objects.count() == 2  # only 福田's own link


def test_hole3_a_relative_in_scope_is_linked_at_once(world, migrant):
    clerk = world["township_clerk"]
    child, _ = people.register_person(actor=clerk, data={"id_number": make_id("511921", "20200101", 8), "name": "李小花", "hukou_division": migrant.hukou_division_id}, today=TODAY)
    proposal = propose(clerk, migrant, child, relation="child")
    assert proposal.state == ClaimState.RECORDED and proposal.message is None
    assert FamilyLink.objects.filter(person=migrant, relative=child, relation="child").exists()


def test_hole3_the_first_person_must_be_the_proposers(world, migrant, husband):
    with pytest.raises(NotFound):
        propose(world["futian_clerk"], migrant, husband)
    assert not FamilyProposal.objects.exists()
