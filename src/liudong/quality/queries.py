"""Every read liudong.quality needs, scoped through people.scope (invariant 2); opening two
records side by side is logged as a read of each (invariant 3)."""
from django.db.models import Q

from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.divisions.models import Division
from liudong.divisions.queries import in_range
from liudong.errors import NotFound
from liudong.people import scope
from liudong.people.models import FamilyLink, Person, Residence

from .choices import BatchState, CandidateState, HoldState
from .models import Candidate, ImportHold, Merge

NO_CANDIDATE = "疑似重复记录不存在或不在您的管辖范围内 / no such duplicate candidate in your scope"
NO_MERGE = "合并记录不存在或不在您的管辖范围内 / no such merge in your scope"


def rows_of(code: str, *, progress=None) -> list[tuple]:
    """The dedup's rows (quality.dedup.Row) of every person of a division, streamed in id order."""
    qs = Person.objects.filter(scope.division_q(code)).order_by("id").values_list(
        "id", "name", "name_key", "sex", "birth_date", "id_number", "hukou_division_id")
    total = qs.count() if progress is not None else 0
    rows = []
    for pid, name, key, sex, birth, id_number, hukou in qs.iterator(chunk_size=20000):
        rows.append((pid, name, key, sex, birth.strftime("%Y%m%d"), (id_number or "")[:17], hukou[:6]))
        if progress is not None and len(rows) % 50000 == 0:
            progress(len(rows), total, stage="read")
    return rows


def _visible(actor) -> Q:
    """Candidates whose two records are both in the actor's scope (history included); once merged
    or dismissed, one of them (a merged-away record is in no one's scope)."""
    seen = scope.persons(actor, history=True).values("pk")
    both = Q(a__in=seen) & Q(b__in=seen)
    return both | (~Q(state=CandidateState.OPEN) & (Q(a__in=seen) | Q(b__in=seen)))


def candidates(*, actor, division: Division, state: str = CandidateState.OPEN):
    """The candidates of a division in the actor's scope (both records visible to her, one of
    them the division's), best score first; whichever scan found them."""
    require(actor, Action.MERGE_PEOPLE)
    of_division = Person.objects.filter(scope.division_q(division.code, history=True)).values("pk")
    qs = Candidate.objects.filter(_visible(actor)).filter(Q(a__in=of_division) | Q(b__in=of_division))
    return (qs.filter(state=state) if state else qs).order_by("-score", "id")


def held_rows(*, actor, division: Division):
    """Issue 15 part 4 with R8: the import rows of the division's batches held as probable twins of
    registered people, open, beside the scan's candidates (source "import"). Only for those who
    may import (they decide them: register people and record residences); oldest batch first."""
    require(actor, Action.MERGE_PEOPLE)
    if not (actor.can(Action.REGISTER_PERSON) and actor.can(Action.RECORD_RESIDENCE)):
        return ImportHold.objects.none()
    return (ImportHold.objects.filter(in_range("batch__division", division.code), state=HoldState.OPEN, batch__state=BatchState.DONE)
            .select_related("batch").order_by("batch_id", "row_number"))


def candidate(*, actor, candidate_id) -> Candidate:
    require(actor, Action.MERGE_PEOPLE)
    found = Candidate.objects.filter(_visible(actor), pk=candidate_id).select_related("a", "b").first() if candidate_id else None
    if found is None:
        raise NotFound(NO_CANDIDATE)
    return found


def merge_of(*, actor, merge_id) -> Merge:
    """A merge whose survivor is in the actor's scope (the merged-away record is in no one's)."""
    require(actor, Action.MERGE_PEOPLE)
    seen = scope.persons(actor, history=True).values("pk")
    found = Merge.objects.filter(pk=merge_id, survivor__in=seen).select_related("survivor", "merged").first() if merge_id else None
    if found is None:
        raise NotFound(NO_MERGE)
    return found


def side_by_side(*, actor, cand: Candidate) -> list[dict]:
    """The two records of a candidate with their histories, for the reviewer; logged as an opening
    of each (invariant 3)."""
    out = []
    for person in (cand.a, cand.b):
        residences = list(Residence.objects.filter(person=person).select_related("division").order_by("arrived_on", "id"))
        family = FamilyLink.objects.filter(person=person).count()
        record(actor, "person.view", obj=person, person_id=person.pk, fields={"shown": ["id_number", "name", "sex", "birth_date", "hukou", "residences", "phone"], "via": "duplicate_review"})
        out.append({"person": person, "residences": residences, "family": family})
    return out


def log_list(*, actor, what: str, person_ids, criteria: dict) -> None:
    """Invariant 3: a list that shows people's names (the candidate pairs, the review queue) is a
    read of each of them, logged with the ids shown."""
    record(actor, what, object_type="person", fields={"criteria": criteria, "shown": sorted(set(person_ids))})
