"""R8 with the structure issue's arrival claim: a sure twin outside the caller's scope.

A scan reads only the people of one division. A record there may have a twin elsewhere that the
caller does not see (registered by another township, living there). Such a pair is never merged
silently nor hidden: when the match is sure (same same-sound name, sex and birth date, and two
resident ID numbers at most one edit apart, or, without two ID numbers, the same hukou county:
dedup.score at SURE), the scanning clerk's place claims her arrival (exchange.claims: her place
accepts or disputes it, unanswered it is accepted in time). The pair is kept as a candidate at
once; it shows to the caller only when both records are in her scope, that is once the claim is
accepted; then it is reviewed and merged like any other. The caller learns of the other record
only what a claim shows (name, sex, birth date, document), on the claim itself.

A twin outside the division that the caller does see becomes an ordinary candidate. A caller
who may not record arrivals (a county officer) opens no claim: the pairs wait for a township
clerk's scan (counted in the scan's audit event)."""
import datetime

from django.db import transaction

from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.divisions.queries import in_range
from liudong.errors import Denied, Invalid, NotFound
from liudong.exchange.models import ClaimState
from liudong.people import scope
from liudong.people.models import Person, Residence

from . import dedup
from .choices import HOLD_NEXT, BatchState, CandidateState, HoldState
from .models import Candidate, OutsideTwin

NO_TODO = "该待办不存在或不在您的管辖范围内 / no such to-do in your area"
SURE = 0.99
CHUNK = 500
ROW = ("id", "name", "name_key", "sex", "birth_date", "id_number", "hukou_division_id")


def _row(values) -> tuple:
    pid, name, key, sex, birth, id_number, hukou = values
    return (pid, name, key, sex, birth.strftime("%Y%m%d"), (id_number or "")[:17], hukou[:6])


def _pairs_of(others, inside_ids: set, index: dict, keys_of, found: dict, *, share_character: bool = False) -> None:
    for values in others:
        other = _row(values)
        if other[0] in inside_ids:
            continue
        for key in keys_of(other):
            for mine in index.get(key, ()):
                pair = (mine[0], other[0])
                # The birth-date block reads every record born that day: only names with a
                # character in common are scored (a wrong character leaves the others).
                if pair not in found and (not share_character or set(mine[1]) & set(other[1])):
                    s = dedup.score(mine, other)
                    if s >= SURE:
                        found[pair] = s


def sure_twins_outside(code: str) -> list[tuple[int, int, float]]:
    """(inside id, outside id, score): every live record outside the division scoring at least
    SURE with one inside it. Blocked as the in-scope dedup blocks, on more than one key so that
    one error does not hide her: same-sound name + sex + birth year or the birth date's digits
    sorted (swapped birth-date digits), and birth date + sex (a wrong character in the name)."""
    inside = [_row(v) for v in Person.objects.filter(scope.division_q(code)).values_list(*ROW)]
    inside_ids = {r[0] for r in inside}
    by_name: dict[tuple, list[tuple]] = {}
    by_birth: dict[tuple, list[tuple]] = {}
    for r in inside:
        if r[2]:
            by_name.setdefault((r[2], r[3], r[4][:4]), []).append(r)
            by_name.setdefault((r[2], r[3], "".join(sorted(r[4]))), []).append(r)
        by_birth.setdefault((r[3], r[4]), []).append(r)
    found: dict[tuple[int, int], float] = {}
    keys = sorted({r[2] for r in inside if r[2]})
    for start in range(0, len(keys), CHUNK):
        rows = Person.objects.filter(name_key__in=keys[start:start + CHUNK], merged_into__isnull=True).values_list(*ROW)
        _pairs_of(rows.iterator(chunk_size=5000), inside_ids, by_name,
                  lambda o: ((o[2], o[3], o[4][:4]), (o[2], o[3], "".join(sorted(o[4])))), found)
    births = sorted({datetime.date(int(r[4][:4]), int(r[4][4:6]), int(r[4][6:])) for r in inside})
    for start in range(0, len(births), CHUNK):
        rows = Person.objects.filter(birth_date__in=births[start:start + CHUNK], merged_into__isnull=True).values_list(*ROW)
        _pairs_of(rows.iterator(chunk_size=5000), inside_ids, by_birth, lambda o: ((o[3], o[4]),), found, share_character=True)
    return sorted(((a, b, s) for (a, b), s in found.items()), key=lambda t: (-t[2], t[0], t[1]))


def _arrival(person_id: int) -> dict | None:
    """The arrival the caller's record shows: her open residence, as a claim's data."""
    r = Residence.objects.filter(person_id=person_id, left_on__isnull=True).first()
    if r is None:
        return None
    return {"division": r.division_id, "address": r.address, "arrived_on": r.arrived_on.isoformat(), "housing_id": r.housing_id, "employer_id": r.employer_id,
            "reason": r.reason or None, "intended_stay": r.intended_stay or None}


def _claim(actor, *, arrival: dict, other: Person, today, now):
    from liudong.exchange import claims

    return claims.submit_arrival_claim(actor=actor, data={**arrival, "document_type": other.document_type, "document_number": other.document_number},
                                       today=today, now=now)


def _place_of(person_id: int) -> str:
    """Where a record lives (her current place, else the division that registered her): the
    township whose clerk claims her twin."""
    where, made = Person.objects.filter(pk=person_id).values_list("residence_division_id", "created_by_division").get()
    return where or made or ""


def claim_outside_twins(*, actor, division: str, today: datetime.date, now: datetime.datetime) -> dict:
    """Run after a scan of `division` (exports: the duplicate_scan job). Returns the counts. Each
    sure twin outside is an OutsideTwin: claimed at once when the caller may claim arrivals and
    her record has an open residence; otherwise a to-do for a township clerk of the place of the
    record inside (claim_from_todo), shown on her duplicates page."""
    counts = {"outside": 0, "claimed": 0, "in_scope": 0, "not_claimed": 0, "todo": 0}
    for inside_id, outside_id, s in sure_twins_outside(division):
        counts["outside"] += 1
        a, b = sorted((inside_id, outside_id))
        with transaction.atomic():
            cand, _ = Candidate.objects.get_or_create(a_id=a, b_id=b, defaults={"score": s, "division": division, "found_on": today, "state": CandidateState.OPEN})
        if scope.reaches(actor, outside_id):
            counts["in_scope"] += 1
            continue
        if cand.state != CandidateState.OPEN or OutsideTwin.objects.filter(candidate=cand).exists():
            counts["not_claimed"] += 1  # known already: decided, claimed, or a to-do waiting
            continue
        arrival = _arrival(inside_id)
        other = Person.objects.only("document_type", "document_number").get(pk=outside_id)
        claim = None
        if arrival is not None and getattr(actor, "can", lambda _: False)(Action.RECORD_RESIDENCE):
            try:
                claim = _claim(actor, arrival=arrival, other=other, today=today, now=now)
            except (Invalid, Denied):  # a claim for her pending already, or the arrival no longer fits
                counts["not_claimed"] += 1
                continue
        with transaction.atomic():
            OutsideTwin.objects.create(candidate=cand, inside_id=inside_id, person_id=outside_id, division=_place_of(inside_id), claim=claim,
                                       created_on=today, created_by=actor if getattr(actor, "pk", None) else None)
        counts["claimed" if claim else "todo"] += 1
    with transaction.atomic():
        record(actor, "duplicates.outside", object_type="division", object_id=division, fields={"division": division, **counts})
    return counts


def todos(*, actor):
    """The sure twins outside waiting for the actor's claim: found by a scan of someone who could
    not claim (a county officer), her record inside lying in the actor's area."""
    if not getattr(actor, "can", lambda _: False)(Action.RECORD_RESIDENCE):
        return OutsideTwin.objects.none()
    return (OutsideTwin.objects.filter(in_range("division", actor.division_id), claim__isnull=True, candidate__state=CandidateState.OPEN, inside__isnull=False)
            .select_related("inside", "person").order_by("id"))


@transaction.atomic
def claim_from_todo(*, actor, twin_id, today: datetime.date, now: datetime.datetime) -> OutsideTwin:
    """A township clerk claims the arrival of the record inside her area from its sure twin's place
    (the to-do a county officer's scan left). 404 when the to-do is not hers; 422 when the record
    has no open residence to claim with (field `residence`) or the claim does not fit."""
    require(actor, Action.RECORD_RESIDENCE)
    twin = OutsideTwin.objects.select_for_update().filter(pk=twin_id, claim__isnull=True).first() if twin_id else None
    if twin is None or twin.inside_id is None or not actor.in_scope(twin.division) or not scope.reaches(actor, twin.inside_id):
        raise NotFound(NO_TODO)
    arrival = _arrival(twin.inside_id)
    if arrival is None:
        raise Invalid({"residence": ["该人员没有未结束的居住登记，无法申报到达 / the record has no open residence to claim her arrival with"]})
    twin.claim = _claim(actor, arrival=arrival, other=twin.person, today=today, now=now)
    twin.save(update_fields=["claim"])
    record(actor, "duplicates.outside_claim", obj=twin, person_id=twin.inside_id, fields={"claim": twin.claim_id, "candidate": twin.candidate_id})
    return twin


# -- held import rows -----------------------------------------------------------------------------

ROW_ARRIVAL = ("division", "address", "arrived_on", "housing_id", "employer_id", "reason", "intended_stay", "expects_return")
SETTLED = (ClaimState.ACCEPTED, ClaimState.RECORDED)


@transaction.atomic
def take_held_row(*, actor, hold_id, decision: str, today: datetime.date, now: datetime.datetime, person_id=None) -> dict:
    """The duplicates list's door to a held import row (issue 15 part 4 with R8). A new person, or
    a candidate in the actor's area: the import's own decide_hold (every check of the import). A
    candidate outside her area: the row is never refused nor imported twice - her place is asked
    with an arrival claim made of the row's residence (OutsideTwin); the row stays held meanwhile.
    Once that claim is accepted she is in the actor's area with the row's residence (the claim
    wrote it), and taking the row as her closes it without writing the period a second time.
    Returns {"hold", "claim"}."""
    from . import services_imports as imports

    hold = imports.hold_of(actor=actor, hold_id=hold_id, lock=True)
    try:
        target = int(person_id) if decision == HoldState.EXISTING else None
    except (TypeError, ValueError):
        target = None
    if target is None or target not in hold.candidates:
        return {"hold": imports.decide_hold(actor=actor, hold_id=hold.pk, decision=decision, person_id=person_id, today=today), "claim": None}
    claimed = OutsideTwin.objects.filter(hold=hold, person_id=target).exclude(claim=None).select_related("claim").order_by("-id").first()
    if scope.reaches(actor, target):
        if claimed is None or claimed.claim.state not in SETTLED:
            return {"hold": imports.decide_hold(actor=actor, hold_id=hold.pk, decision=decision, person_id=target, today=today), "claim": None}
        nxt = HOLD_NEXT.get((hold.state, HoldState.EXISTING))
        if nxt is None or hold.batch.state != BatchState.DONE:
            raise Invalid({"state": [f"该行已处理（{hold.state}） / the row is {hold.state} already"]})
        hold.state, hold.decided_on, hold.person_id = nxt, today, target
        hold.decided_by = actor if getattr(actor, "pk", None) else None
        hold.save(update_fields=["state", "decided_on", "decided_by", "person"])
        record(actor, "import.hold_decide", obj=hold, person_id=target, fields={"batch": hold.batch_id, "row": hold.row_number, "decision": decision,
                                                                                 "claim": claimed.claim_id})
        return {"hold": hold, "claim": claimed.claim}
    errors: dict[str, list[str]] = {}
    if hold.state != HoldState.OPEN or hold.batch.state != BatchState.DONE:
        errors["state"] = [f"该行已处理（{hold.state}） / the row is {hold.state} already"]
    elif claimed is not None and claimed.claim.state == ClaimState.PENDING:
        errors["person_id"] = ["已就此人提交到达申报，等待其所在地答复 / an arrival claim for her waits for her place's answer"]
    if errors:
        raise Invalid(errors)
    arrival = {k: hold.data[k] for k in ROW_ARRIVAL if hold.data.get(k) not in (None, "")}
    other = Person.objects.only("document_type", "document_number").get(pk=target)
    claim = _claim(actor, arrival=arrival, other=other, today=today, now=now)
    twin = OutsideTwin.objects.create(hold=hold, person_id=target, division=actor.division_id, claim=claim, created_on=today,
                                      created_by=actor if getattr(actor, "pk", None) else None)
    record(actor, "duplicates.outside_claim", obj=twin, fields={"hold": hold.pk, "batch": hold.batch_id, "claim": claim.pk})
    return {"hold": hold, "claim": claim}


def hold_claims(holds) -> dict[int, dict[int, object]]:
    """{hold id: {person id: her latest arrival claim}} for the list."""
    out: dict[int, dict[int, object]] = {}
    for t in OutsideTwin.objects.filter(hold__in=list(holds)).exclude(claim=None).select_related("claim").order_by("id"):
        out.setdefault(t.hold_id, {})[t.person_id] = t.claim
    return out
