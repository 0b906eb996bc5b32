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
from liudong.errors import Denied, Invalid
from liudong.people import scope
from liudong.people.models import Person, Residence

from . import dedup
from .choices import CandidateState
from .models import Candidate

SURE = 0.99
CHUNK = 500
ROW = ("id", "name", "name_key", "sex", "birth_date", "id_number", "hukou_division_id")


def _row(values) -> tuple:
    pid, name, key, sex, birth, id_number, hukou = values
    return (pid, name, key, sex, birth.strftime("%Y%m%d"), (id_number or "")[:17], hukou[:6])


def sure_twins_outside(code: str) -> list[tuple[int, int, float]]:
    """(inside id, outside id, score): every live record outside the division with the same
    same-sound name, sex and birth date as one inside it, scoring at least SURE."""
    inside = [_row(v) for v in Person.objects.filter(scope.division_q(code)).exclude(name_key="").values_list(*ROW)]
    by_key: dict[tuple, list[tuple]] = {}
    for r in inside:
        by_key.setdefault((r[2], r[3], r[4]), []).append(r)
    inside_ids = {r[0] for r in inside}
    keys = sorted({r[2] for r in inside})
    found = []
    for start in range(0, len(keys), CHUNK):
        rows = Person.objects.filter(name_key__in=keys[start:start + CHUNK], merged_into__isnull=True).values_list(*ROW)
        for values in rows.iterator(chunk_size=5000):
            other = _row(values)
            if other[0] in inside_ids:
                continue
            for mine in by_key.get((other[2], other[3], other[4]), ()):
                s = dedup.score(mine, other)
                if s >= SURE:
                    found.append((mine[0], other[0], s))
    return found


def _arrival(person_id: int) -> dict | None:
    """The arrival the caller's record shows: her open residence, as a claim's data."""
    r = Residence.objects.filter(person_id=person_id, left_on__isnull=True).first()
    if r is None:
        return None
    return {"division": r.division_id, "address": r.address, "arrived_on": r.arrived_on.isoformat(), "housing_id": r.housing_id, "employer_id": r.employer_id,
            "reason": r.reason or None, "intended_stay": r.intended_stay or None}


def claim_outside_twins(*, actor, division: str, today: datetime.date, now: datetime.datetime) -> dict:
    """Run after a scan of `division` (exports: the duplicate_scan job). Returns the counts."""
    from liudong.exchange import claims

    counts = {"outside": 0, "claimed": 0, "in_scope": 0, "not_claimed": 0}
    for inside_id, outside_id, s in sure_twins_outside(division):
        counts["outside"] += 1
        a, b = sorted((inside_id, outside_id))
        with transaction.atomic():
            Candidate.objects.get_or_create(a_id=a, b_id=b, defaults={"score": s, "division": division, "found_on": today, "state": CandidateState.OPEN})
        if scope.reaches(actor, outside_id):
            counts["in_scope"] += 1
            continue
        arrival = _arrival(inside_id)
        other = Person.objects.only("document_type", "document_number").get(pk=outside_id)
        if arrival is None or not getattr(actor, "can", lambda _: False)(Action.RECORD_RESIDENCE):
            counts["not_claimed"] += 1
            continue
        try:
            claims.submit_arrival_claim(actor=actor, data={**arrival, "document_type": other.document_type, "document_number": other.document_number},
                                        today=today, now=now)
            counts["claimed"] += 1
        except (Invalid, Denied):  # a claim for her pending already, or the arrival no longer fits
            counts["not_claimed"] += 1
    with transaction.atomic():
        record(actor, "duplicates.outside", object_type="division", object_id=division, fields={"division": division, **counts})
    return counts
