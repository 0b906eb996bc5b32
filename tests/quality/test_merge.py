"""R8: a merge keeps both histories and an undo gives each record back its own (issue 15 part 3);
bad merges are refused with nothing written."""
import pytest

from liudong.accounts.models import AuditEvent
from liudong.errors import Invalid, NotFound
from liudong.people.models import Person, Residence
from liudong.quality import services
from liudong.quality.models import Candidate, Merge
from tests.conftest import TODAY

from .conftest import history


def counts():
    from liudong.people.models import FamilyLink, Residence, Visit

    return {m.__name__: m.objects.count() for m in (Merge, Candidate, Residence, FamilyLink, Visit, AuditEvent)} | {
        "merged": Person.objects.filter(merged_into__isnull=False).count(), "open": Residence.objects.filter(left_on__isnull=True).count()}


def open_residence_of(person):
    return Residence.objects.get(person=person, left_on__isnull=True)


def test_R8_two_open_residences_are_not_resolved_silently(clerk, twins, candidate):
    first, second, _, _ = twins
    before = counts()
    with pytest.raises(Invalid) as e:
        services.merge_candidate(actor=clerk, candidate_id=candidate.pk, keep=first.pk, today=TODAY)
    assert "open_residence" in e.value.errors
    assert counts() == before


def test_R8_merge_keeps_both_histories_and_the_provenance_of_fields(clerk, twins, candidate):
    first, second, child, _ = twins
    a, b = history(first.pk), history(second.pk)
    keep_open = open_residence_of(second)
    merge = services.merge_candidate(actor=clerk, candidate_id=candidate.pk, keep=first.pk, open_residence=keep_open.pk, today=TODAY)
    after = history(first.pk)
    # Every residence, link, visit, home and certificate of both is on the survivor.
    assert {r[0] for r in after["residences"]} == {r[0] for r in a["residences"] + b["residences"]}
    assert after["family"] == sorted(a["family"] + b["family"]) == [(child.pk, "child")]
    assert after["family_in"] == [(child.pk, "parent")]
    assert after["visits"] == sorted(a["visits"] + b["visits"]) and len(after["visits"]) == 1
    assert after["housing"] == sorted(a["housing"] + b["housing"]) and len(after["housing"]) == 1
    assert after["certificates"] == a["certificates"] and len(after["certificates"]) == 1
    # The reviewer kept the second record's residence open; the first's was closed on the merge date.
    closed = Residence.objects.get(pk=open_residence_of(first).pk) if False else Residence.objects.get(pk=a["residences"][0][0])
    assert closed.left_on == TODAY and open_residence_of(first).pk == keep_open.pk
    # The survivor's current place follows the open residence (invariant 6).
    assert after["person"]["residence_division_id"] == keep_open.division_id
    # Empty fields came from the merged-away record, with their origin.
    assert after["person"]["phone"] == "13800138000" and after["person"]["education"] == "40"
    assert merge.fields["phone"] == {"from": second.pk, "value": "13800138000", "was": ""}
    assert after["person"]["marital_status"] == "20" and "marital_status" not in merge.fields
    second.refresh_from_db()
    assert second.merged_into_id == first.pk and second.name == "王芳" and second.phone == "13800138000"  # her own data stays hers
    candidate.refresh_from_db()
    assert candidate.state == "merged"
    assert AuditEvent.objects.filter(action="person.merge", person_id=first.pk).exists()
    assert AuditEvent.objects.filter(action="person.merged_away", person_id=second.pk).exists()


def test_R8_undo_gives_each_record_back_its_own_history(clerk, twins, candidate):
    first, second, child, _ = twins
    before_a, before_b, before_child = history(first.pk), history(second.pk), history(child.pk)
    merge = services.merge_candidate(actor=clerk, candidate_id=candidate.pk, keep=first.pk, open_residence=open_residence_of(second).pk, today=TODAY)
    services.undo_merge(actor=clerk, merge_id=merge.pk, today=TODAY)
    assert history(first.pk) == before_a
    assert history(second.pk) == before_b
    assert history(child.pk) == before_child
    merge.refresh_from_db()
    candidate.refresh_from_db()
    assert merge.state == "undone" and candidate.state == "open"
    assert merge.undo_report["residences_reopened"] and not merge.undo_report["stayed"]


def test_R8_undo_leaves_on_the_survivor_what_was_done_to_her_since(clerk, twins, candidate):
    from liudong.people import services as people

    first, second, child, _ = twins
    merge = services.merge_candidate(actor=clerk, candidate_id=candidate.pk, keep=first.pk, open_residence=open_residence_of(second).pk,
                                     take=["marital_status"], today=TODAY)
    people.update_person(actor=clerk, person=first, data={"phone": "13900139000"}, today=TODAY)  # edited after the merge
    baby = people.register_person(actor=clerk, data={"id_number": "511921202601010021" if False else None, "document_type": "other", "document_number": "B-1",
                                                     "name": "李小红", "sex": "F", "birth_date": "2026-01-01", "hukou_division": "511921100001"}, today=TODAY)[0]
    people.link_family(actor=clerk, person=first, relative_id=baby.pk, relation="child")  # a link added since
    services.undo_merge(actor=clerk, merge_id=merge.pk, today=TODAY)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.phone == "13900139000"  # the edit since the merge stays on the survivor
    assert (baby.pk, "child") in history(first.pk)["family"]  # and so does the link made since
    assert (child.pk, "child") in history(second.pk)["family"] and (child.pk, "child") not in history(first.pk)["family"]
    assert second.merged_into_id is None and second.phone == "13800138000"
    merge.refresh_from_db()
    assert merge.undo_report["fields_kept"] == ["phone"] and set(merge.undo_report["fields_restored"]) == {"education"}
    assert first.education == ""


def test_R8_bad_merges_are_refused_and_write_nothing(clerk, world, twins, candidate):
    first, second, _, lookalike = twins
    keep_open = open_residence_of(second).pk
    before = counts()
    with pytest.raises(Invalid) as e:
        services.merge_people(actor=clerk, survivor_id=first.pk, merged_id=first.pk, today=TODAY)  # herself
    assert "keep" in e.value.errors
    with pytest.raises(Invalid) as e:
        services.merge_candidate(actor=clerk, candidate_id=candidate.pk, keep=lookalike.pk, open_residence=keep_open, today=TODAY)  # not of the pair
    assert "keep" in e.value.errors
    with pytest.raises(Invalid) as e:
        services.merge_candidate(actor=clerk, candidate_id=candidate.pk, keep=first.pk, open_residence=keep_open, take=["name"], today=TODAY)
    assert "take" in e.value.errors
    with pytest.raises(NotFound):  # a township that sees neither record
        services.merge_candidate(actor=world["futian_clerk"], candidate_id=candidate.pk, keep=first.pk, open_residence=keep_open, today=TODAY)
    with pytest.raises(NotFound):
        services.merge_candidate(actor=clerk, candidate_id=10**9, keep=first.pk, today=TODAY)
    assert counts() == before
    merge = services.merge_candidate(actor=clerk, candidate_id=candidate.pk, keep=first.pk, open_residence=keep_open, today=TODAY)
    with pytest.raises(Invalid):  # the candidate is merged already
        services.merge_candidate(actor=clerk, candidate_id=candidate.pk, keep=first.pk, open_residence=keep_open, today=TODAY)
    with pytest.raises(NotFound):  # the merged-away record is in no one's scope any more
        services.merge_people(actor=clerk, survivor_id=lookalike.pk, merged_id=second.pk, today=TODAY)
    services.undo_merge(actor=clerk, merge_id=merge.pk, today=TODAY)
    before = counts()
    with pytest.raises(Invalid) as e:  # an undo of an undone merge
        services.undo_merge(actor=clerk, merge_id=merge.pk, today=TODAY)
    assert "state" in e.value.errors
    assert counts() == before


def test_R8_only_a_role_that_may_merge_merges(world, twins, candidate):
    from liudong.errors import Denied

    first, second, _, _ = twins
    for role in ("village_collector", "police_officer", "village_cadre"):
        with pytest.raises(Denied):
            services.merge_candidate(actor=world[role], candidate_id=candidate.pk, keep=first.pk, today=TODAY)


def test_R8_a_merge_moves_the_collectors_history_but_not_the_merges_bookkeeping(clerk, world, twins, candidate):
    """Reviews and back-checks are her history and follow her; candidates and merges stay as found."""
    from liudong.quality.models import Review

    first, second, _, lookalike = twins
    review = Review.objects.create(object_type="person", object_id=second.pk, person=second, division="440305001001", collector=world["village_collector"],
                                   steps=["group_leader"], submitted_on=TODAY, waiting_since=TODAY)
    other = Candidate.objects.create(a_id=min(second.pk, lookalike.pk), b_id=max(second.pk, lookalike.pk), score=0.95, division="440305001000", found_on=TODAY)
    merge = services.merge_candidate(actor=clerk, candidate_id=candidate.pk, keep=first.pk, open_residence=open_residence_of(second).pk, today=TODAY)
    review.refresh_from_db()
    other.refresh_from_db()
    assert review.person_id == first.pk
    assert {other.a_id, other.b_id} == {second.pk, lookalike.pk}
    assert not any(label.startswith("quality.Candidate") or label.startswith("quality.Merge") for label, _, _ in merge.moved + merge.kept)
    services.undo_merge(actor=clerk, merge_id=merge.pk, today=TODAY)
    review.refresh_from_db()
    assert review.person_id == second.pk
