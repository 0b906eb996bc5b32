"""R8: every change liudong.quality makes (invariant 1): storing a scan's candidates, merging two
records of one person with both histories kept, undoing a merge, dismissing a candidate.

Each function takes the acting staff member (keyword `actor`) and the date of the act (`today`,
invariant 4), checks role and scope, validates, writes in one transaction with its audit event.
Bad input raises Invalid and writes nothing; a record or candidate outside the actor's scope is
NotFound, the same as an absent one (invariant 2).

What a merge does (issue 15 part 3):
- every row pointing at the merged-away record (residences, family links, visits, rental homes,
  certificates, messages, cases, permits, services ...) is pointed at the survivor, and listed on
  the Merge; a row that would break its table's rule (a family link between the two themselves, a
  second link to one relative) stays on the merged-away record and is listed as kept;
- two open residences are not resolved silently: the reviewer names the one that stays open
  (`open_residence`), the other is closed on the merge date;
- the survivor keeps her own fields; an empty one takes the merged-away record's value, and the
  reviewer may ask for more (`take`); each such field's origin is recorded (provenance);
- the merged-away record keeps its own data, marked merged_into the survivor: out of every scope,
  its id answers 404 with `merged_into` where the survivor is in scope.

What an undo does: every moved row that still points at the survivor returns; links added to the
survivor since the merge stay with her (they were made on her record); a field taken in the merge
returns to its former value unless it was edited since (then the edit stays); a residence closed by
the merge reopens unless its person has another open one since. The report says what stayed.
"""
import datetime

from django.db import transaction

from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.errors import Invalid, NotFound
from liudong.people import scope
from liudong.people import services_merge as people_merge
from liudong.people.models import Person, Residence

from . import queries
from .choices import CANDIDATE_NEXT, MERGE_NEXT, CandidateState, MergeState
from .models import Candidate, Merge

BOOKKEEPING = frozenset({"quality.Candidate", "quality.Merge"})
# The descriptive fields a merge may take from the merged-away record (identity stays the
# survivor's: her document, name, sex, birth date, hukou place).
TAKEABLE = ("ethnicity", "education", "marital_status", "phone", "hukou_address")


def _next(table, state, act, field="state"):
    nxt = table.get((state, act))
    if nxt is None:
        raise Invalid({field: [f"当前状态为 {state}，不能{ {'merge': '合并', 'dismiss': '排除', 'undo': '撤销'}[act] } / the state is {state}: cannot {act}"]})
    return nxt


@transaction.atomic
def store_candidates(*, actor, division: str, found, today: datetime.date) -> int:
    """Keep a scan's pairs (a, b, score) as open candidates; a pair known already (open, merged or
    dismissed) is not stored again. Returns how many are new."""
    require(actor, Action.MERGE_PEOPLE)
    found = list(found)
    known = set()
    ids = {a for a, _, _ in found}
    for start in range(0, len(found), 5000):
        chunk = found[start:start + 5000]
        known.update(Candidate.objects.filter(a__in={a for a, _, _ in chunk}).values_list("a_id", "b_id"))
    new = [Candidate(a_id=a, b_id=b, score=s, division=division, found_on=today) for a, b, s in found if (a, b) not in known]
    Candidate.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    record(actor, "duplicates.scan", object_type="division", object_id=division, fields={"found": len(found), "new": len(new), "persons": len(ids)})
    return len(new)


def _candidate(actor, candidate_id) -> Candidate:
    """A candidate, locked, whose two records the actor sees (once merged, the survivor: the
    merged-away record is in no one's scope)."""
    cand = Candidate.objects.select_for_update().filter(pk=candidate_id).first() if candidate_id else None
    if cand is None:
        raise NotFound(queries.NO_CANDIDATE)
    a, b = scope.reaches(actor, cand.a_id), scope.reaches(actor, cand.b_id)
    if not ((a and b) or (cand.state != CandidateState.OPEN and (a or b))):
        raise NotFound(queries.NO_CANDIDATE)
    return cand


def _locked_person(actor, person_id) -> Person:
    person = Person.objects.select_for_update().filter(pk=person_id).first()
    if person is None or not scope.reaches(actor, person.pk):
        raise NotFound(queries.NO_CANDIDATE)
    return person


def _takes(raw) -> list[str]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, (list, tuple)) or any(f not in TAKEABLE for f in raw):
        raise Invalid({"take": [f"应为以下字段的列表：{', '.join(TAKEABLE)} / must be a list of: {', '.join(TAKEABLE)}"]})
    return list(raw)


@transaction.atomic
def merge_candidate(*, actor, candidate_id, keep, today: datetime.date, open_residence=None, take=None) -> Merge:
    """Merge a candidate pair, keeping the record `keep` (a or b's person id)."""
    require(actor, Action.MERGE_PEOPLE)
    cand = _candidate(actor, candidate_id)
    try:
        keep_id = int(keep)
    except (TypeError, ValueError):
        keep_id = None
    if keep_id not in (cand.a_id, cand.b_id):
        raise Invalid({"keep": [f"应为 {cand.a_id} 或 {cand.b_id} / must be {cand.a_id} or {cand.b_id}"]})
    state = _next(CANDIDATE_NEXT, cand.state, "merge")
    merged_id = cand.b_id if keep_id == cand.a_id else cand.a_id
    merge = merge_people(actor=actor, survivor_id=keep_id, merged_id=merged_id, today=today, open_residence=open_residence, take=take, candidate=cand)
    cand.state, cand.decided_on, cand.decided_by = state, today, actor if getattr(actor, "pk", None) else None
    cand.save(update_fields=["state", "decided_on", "decided_by"])
    return merge


@transaction.atomic
def merge_people(*, actor, survivor_id, merged_id, today: datetime.date, open_residence=None, take=None, candidate=None) -> Merge:
    """Merge record `merged_id` into `survivor_id` (see the module's docstring)."""
    require(actor, Action.MERGE_PEOPLE)
    if survivor_id == merged_id:
        raise Invalid({"keep": ["不能将一条记录与其自身合并 / a record cannot be merged with itself"]})
    survivor = _locked_person(actor, survivor_id)
    merged = _locked_person(actor, merged_id)
    takes = _takes(take)
    errors: dict[str, list[str]] = {}
    # Two open residences: the reviewer decides which stays open (never silently).
    opens = people_merge.open_residences(survivor.pk) + people_merge.open_residences(merged.pk)
    to_close: list[Residence] = []
    if len(opens) > 1:
        chosen = next((r for r in opens if str(r.pk) == str(open_residence)), None) if open_residence not in (None, "") else None
        if chosen is None:
            ids = "、".join(str(r.pk) for r in opens)
            errors["open_residence"] = [f"两条记录都有未结束的居住登记（{ids}），请选择保留哪一条 / both records have an open residence ({ids}): choose the one that stays open"]
        else:
            to_close = [r for r in opens if r.pk != chosen.pk]
            late = [r for r in to_close if r.arrived_on > today]
            if late:
                errors["open_residence"] = ["要结束的居住登记晚于合并日期 / the residence to close begins after the merge date"]
    if errors:
        raise Invalid(errors)
    closed = [people_merge.close_residence(r, today) for r in to_close]
    provenance, values = {}, {}
    for f in TAKEABLE:
        mine, theirs = getattr(survivor, f), getattr(merged, f)
        if theirs not in ("", None) and theirs != mine and (mine in ("", None) or f in takes):
            values[f] = theirs
            provenance[f] = {"from": merged.pk, "value": theirs, "was": mine}
    people_merge.set_fields(survivor, values)
    # The pairs and merges themselves stay as they were found and done (history of the merging).
    moved, kept = people_merge.move_links(merged=merged, survivor=survivor, skip=BOOKKEEPING)
    people_merge.mark_merged(merged=merged, survivor=survivor)
    merge = Merge.objects.create(
        candidate=candidate, survivor=survivor, merged=merged, merged_on=today, merged_by=actor if getattr(actor, "pk", None) else None,
        moved=moved, kept=kept, fields=provenance, closed=closed,
    )
    summary = {"survivor": survivor.pk, "merged": merged.pk, "moved": len(moved), "kept": len(kept), "fields": provenance,
               "closed_residences": [c["id"] for c in closed]}
    record(actor, "person.merge", obj=merge, person_id=survivor.pk, fields=summary)
    record(actor, "person.merged_away", obj=merge, person_id=merged.pk, fields=summary)
    return merge


@transaction.atomic
def undo_merge(*, actor, merge_id, today: datetime.date) -> Merge:
    """Undo a merge (see the module's docstring); an undone merge cannot be undone again."""
    require(actor, Action.MERGE_PEOPLE)
    merge = Merge.objects.select_for_update().filter(pk=merge_id).first() if merge_id else None
    if merge is None or not scope.reaches(actor, merge.survivor_id):
        raise NotFound(queries.NO_MERGE)
    state = _next(MERGE_NEXT, merge.state, "undo")
    survivor = Person.objects.select_for_update().get(pk=merge.survivor_id)
    merged = Person.objects.select_for_update().get(pk=merge.merged_id)
    if merged.merged_into_id != survivor.pk:
        raise Invalid({"state": ["被合并记录已另行处理，不能撤销 / the merged-away record has changed since: cannot undo"]})
    restored, stayed = people_merge.restore_links(moved=merge.moved, merged=merged, survivor=survivor)
    kept_fields, restored_fields = [], []
    values = {}
    for f, p in merge.fields.items():
        if getattr(survivor, f) == p["value"]:
            values[f] = p["was"]
            restored_fields.append(f)
        else:
            kept_fields.append(f)
    people_merge.set_fields(survivor, values)
    people_merge.unmark_merged(merged=merged, survivor=survivor)
    reopened, left_closed = [], []
    for was in merge.closed:
        res = Residence.objects.filter(pk=was["id"]).first()
        if res is not None and not Residence.objects.filter(person_id=res.person_id, left_on__isnull=True).exists():
            people_merge.reopen_residence(was)
            reopened.append(was["id"])
        else:
            left_closed.append(was["id"])
    if reopened:
        people_merge.unmark_merged(merged=merged, survivor=survivor)  # the current residence again
    merge.state, merge.undone_on, merge.undone_by = state, today, actor if getattr(actor, "pk", None) else None
    merge.undo_report = {"restored": restored, "stayed": stayed, "fields_restored": restored_fields, "fields_kept": kept_fields,
                         "residences_reopened": reopened, "residences_left_closed": left_closed}
    merge.save(update_fields=["state", "undone_on", "undone_by", "undo_report"])
    if merge.candidate_id:
        cand = Candidate.objects.select_for_update().get(pk=merge.candidate_id)
        cand.state = _next(CANDIDATE_NEXT, cand.state, "undo")
        cand.decided_on, cand.decided_by = None, None
        cand.save(update_fields=["state", "decided_on", "decided_by"])
    for pid in (survivor.pk, merged.pk):
        record(actor, "person.merge_undo", obj=merge, person_id=pid, fields={"survivor": survivor.pk, "merged": merged.pk, **merge.undo_report})
    return merge


@transaction.atomic
def dismiss_candidate(*, actor, candidate_id, today: datetime.date) -> Candidate:
    """The reviewer finds the two are different people: the pair is not proposed again."""
    require(actor, Action.MERGE_PEOPLE)
    cand = _candidate(actor, candidate_id)
    cand.state = _next(CANDIDATE_NEXT, cand.state, "dismiss")
    cand.decided_on, cand.decided_by = today, actor if getattr(actor, "pk", None) else None
    cand.save(update_fields=["state", "decided_on", "decided_by"])
    record(actor, "duplicates.dismiss", obj=cand, person_id=cand.a_id, fields={"a": cand.a_id, "b": cand.b_id, "score": cand.score})
    return cand


@transaction.atomic
def add_synthetic_people(*, actor, labelled, registered_by: str, today: datetime.date, batch: int = 5000) -> dict[int, int]:
    """Issue 15 part 6: write a labelled synthetic set (quality.synthetic) as registered people,
    for measuring the scan where it runs. The system only (a command; never a page or the API):
    the set is made up. They are registered by `registered_by` and live nowhere yet, so they are
    that division's (people.scope.registered_by) whatever their hukou county. Returns {index in
    the set: person id}."""
    from liudong.errors import Denied
    from liudong.people.models import PersonNameKey
    from liudong.people.pinyin import name_key, name_keys

    if actor is not None:
        raise Denied("仅限命令行 / the command line only")
    ids: dict[int, int] = {}
    people = labelled.people
    for start in range(0, len(people), batch):
        chunk = people[start:start + batch]
        made = Person.objects.bulk_create([
            Person(id_number=p.id_number or None, document_type="resident_id" if p.id_number else "passport", document_number=p.document_number,
                   name=p.name, name_key=name_key(p.name), sex=p.sex, birth_date=p.birth, hukou_division_id=p.hukou, created_on=today,
                   created_by_division=registered_by)
            for p in chunk
        ])
        if any(m.pk is None for m in made):  # a database that does not return ids on bulk inserts
            by_doc = dict(Person.objects.filter(document_number__in=[p.document_number for p in chunk]).values_list("document_number", "pk"))
            pks = [by_doc[p.document_number] for p in chunk]
        else:
            pks = [m.pk for m in made]
        ids.update({p.index: pk for p, pk in zip(chunk, pks)})
        PersonNameKey.objects.bulk_create([PersonNameKey(person_id=pk, key=k) for p, pk in zip(chunk, pks) for k in name_keys(p.name)], ignore_conflicts=True)
    record(actor, "quality.synthetic", object_type="synthetic", object_id=str(len(people)), fields={"people": len(people), "kinds": labelled.kinds})
    return ids
