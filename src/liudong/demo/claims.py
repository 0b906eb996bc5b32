"""Arrival claims and a family link to confirm in the demo (holes 1 and 3 of issue 7), so that the
inboxes, `/arrival-claims/` and `/family-proposals/` show them to the demo's logins:

- 南山街道 claims a migrant who lives in 南头街道 (pending: in nantou_clerk's inbox to accept or
  dispute, and in 南山街道's list of pending arrivals);
- 南头街道 claims three migrants of other streets: one pending (南山街道 answers), one accepted by
  沙河街道 (her history moves to 南头 from the claimed date), one disputed by 沙河街道 with its reason;
- 南山街道 proposes a spouse link between one of its migrants and a migrant of 南头街道 (pending:
  in nantou_clerk's inbox and on its `/family-proposals/` page).

Every act goes through exchange.claims as the street's township clerk, on office days counted back
from the world date (dating.OfficeDays), like the rest of the demo's exchange. A second run adds
nothing.
"""
import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone

from liudong.accounts.models import Staff
from liudong.errors import Invalid
from liudong.exchange import claims
from liudong.exchange.models import ArrivalClaim, FamilyProposal
from liudong.people.models import FamilyLink, Person, Residence
from liudong.people.scope import lives_in

from .data import COMMUNITIES, street_clerk
from .dating import OfficeDays

NANTOU, NANSHAN_STREET, SHAHE = "440305001", "440305002", "440305003"
DISPUTE_REASON = "经入户核实，当事人仍在本街道居住，未曾迁离。"


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _community(street9: str) -> str:
    return next(code for code, _, street in COMMUNITIES if street == street9)


def _migrants(street9: str, before: datetime.date, n: int) -> list[Person]:
    """The first `n` floating people living in a street since before `before`, with no family link
    recorded (so that a spouse link proposed to one of them is not refused)."""
    settled = Residence.objects.filter(person_id=OuterRef("pk"), left_on__isnull=True, arrived_on__lt=before)
    linked = FamilyLink.objects.filter(person_id=OuterRef("pk"))
    return list(Person.objects.filter(lives_in(street9 + "000"), floating=True).filter(Exists(settled)).exclude(Exists(linked)).order_by("id")[:n])


def _claim(clerk, person, street9, arrived: datetime.date, on: datetime.date):
    data = {"document_type": person.document_type, "document_number": person.document_number, "division": _community(street9),
            "address": "园区宿舍3栋", "arrived_on": arrived.isoformat(), "reason": "work", "intended_stay": "gt1y"}
    return claims.submit_arrival_claim(actor=clerk, data=data, today=on, now=_at(on, 10))


def build_demo_claims(office: OfficeDays, *, log=print) -> dict:
    if ArrivalClaim.objects.exists() or FamilyProposal.objects.exists():
        return {}
    clerks = {s.username: s for s in Staff.objects.filter(username__in=[street_clerk(s) for s in (NANTOU, NANSHAN_STREET, SHAHE)])}
    nantou, nanshan, shahe = (clerks.get(street_clerk(s)) for s in (NANTOU, NANSHAN_STREET, SHAHE))
    if None in (nantou, nanshan, shahe) or len(office.days) < 20:
        return {}
    back = office.back
    counts = {"arrival claims pending": 0, "arrival claims accepted": 0, "arrival claims disputed": 0, "family proposals pending": 0, "claims skipped": 0}
    from_nantou = _migrants(NANTOU, back(20), 2)
    from_nanshan = _migrants(NANSHAN_STREET, back(20), 2)
    from_shahe = _migrants(SHAHE, back(20), 2)
    try:
        if from_nantou:  # 南山街道 claims a migrant of 南头: 南头 answers (its inbox)
            _claim(nanshan, from_nantou[0], NANSHAN_STREET, back(3), back(2))
            counts["arrival claims pending"] += 1
        if from_nanshan:  # 南头 claims a migrant of 南山街道, not answered yet
            _claim(nantou, from_nanshan[0], NANTOU, back(4), back(3))
            counts["arrival claims pending"] += 1
        if len(from_shahe) >= 2:
            accepted = _claim(nantou, from_shahe[0], NANTOU, back(14), back(12))
            claims.accept(actor=shahe, message_id=accepted.message_id, now=_at(back(10), 15))
            counts["arrival claims accepted"] += 1
            disputed = _claim(nantou, from_shahe[1], NANTOU, back(9), back(8))
            claims.dispute(actor=shahe, message_id=disputed.message_id, reason=DISPUTE_REASON, now=_at(back(6), 11))
            counts["arrival claims disputed"] += 1
        if len(from_nanshan) >= 2 and len(from_nantou) >= 2:  # a spouse link for 南头 to confirm
            claims.propose_family_link(actor=nanshan, person_id=from_nanshan[1].pk, now=_at(back(2), 14),
                                       data={"relative_document_type": from_nantou[1].document_type,
                                             "relative_document_number": from_nantou[1].document_number, "relation": "spouse"})
            counts["family proposals pending"] += 1
    except Invalid as e:
        counts["claims skipped"] += 1
        log(f"  ! demo claim skipped: {e.errors}")
    return counts
