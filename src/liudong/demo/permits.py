"""The demo's residence permits (issue 13), so that 南头街道's police (`nantou_police`) see every
state: permits granted over the last two years (endorsed in time where their anniversary passed),
some whose endorsement falls due this month, some suspended for a missed endorsement (the daily
job run on the world's date), some restored by a late endorsement (residence years restarted),
applications pending (one past its 15 days) and refused ones. Every write goes through
permits.services as the station's police. (No residence registrations: 深圳 has not adopted the
`residence-registration` set, which ships for 浙江.)"""
import datetime

from django.utils import timezone

from liudong.accounts.models import Staff
from liudong.dates import months_before, years_after
from liudong.divisions.queries import in_range
from liudong.people.models import Residence
from liudong.permits import services

NANTOU_STREET = "440305001000"
BASES = ("employment", "housing", "study")
PROOFS = {"employment": "劳动合同、社会保险缴费记录", "housing": "房屋租赁合同（已登记备案）", "study": "学校出具的在读证明"}


def build_demo_permits(day: datetime.date, log=print) -> dict:
    police = Staff.objects.get(username="nantou_police")
    now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))   # the world's date, not the clock (invariant 4)
    # Open inflow residences in 南头街道 of people who have lived there more than three years.
    residences = list(Residence.objects.filter(in_range("division_id", NANTOU_STREET), left_on__isnull=True, floating=True,
                                               arrived_on__lte=day - datetime.timedelta(days=1100)).order_by("id").values_list("person_id", flat=True)[:70])
    counts = {"permits_granted": 0, "permits_suspended": 0, "permits_late_endorsed": 0, "permits_pending": 0, "permits_refused": 0}

    def apply(pid, applied_on, i):
        basis = BASES[i % 3]
        return services.apply_permit(actor=police, data={"person_id": pid, "applied_on": str(applied_on), "basis": basis, "proof": PROOFS[basis]},
                                     today=day, now=now)

    def grant(pid, issued_on, i):
        permit = apply(pid, issued_on - datetime.timedelta(days=5 + i % 9), i)
        return services.decide_permit(actor=police, permit_id=permit.pk, data={"decided_on": str(issued_on), "granted": True}, today=day)

    def endorse_in_time(permit):
        while permit.next_anniversary_on <= day:
            opens = months_before(permit.next_anniversary_on, 1)
            permit = services.endorse_permit(actor=police, permit_id=permit.pk, data={"endorsed_on": str(opens + datetime.timedelta(days=7))}, today=day)
        return permit

    for i, pid in enumerate(residences):
        if i < 40:      # granted; a dozen fall due for endorsement within the coming month
            issued = years_after(day, -1) + datetime.timedelta(days=3 + i) if i < 12 else day - datetime.timedelta(days=30 + 17 * i)
            endorse_in_time(grant(pid, issued, i))
            counts["permits_granted"] += 1
        elif i < 46:    # the last anniversary passed without an endorsement: suspended by the daily job
            permit = grant(pid, years_after(day - datetime.timedelta(days=10 + i), -1), i)
            counts["permits_suspended"] += 1
        elif i < 50:    # suspended, then endorsed late: restored, residence years counted again
            permit = grant(pid, years_after(day - datetime.timedelta(days=40 + i), -2), i)
            permit = services.endorse_permit(actor=police, permit_id=permit.pk, data={"endorsed_on": str(months_before(permit.next_anniversary_on, 1))}, today=day)
            services.endorse_permit(actor=police, permit_id=permit.pk, data={"endorsed_on": str(day - datetime.timedelta(days=i - 45))}, today=day)
            counts["permits_late_endorsed"] += 1
        elif i < 56:    # waiting for a decision; the first one past its 15 days
            apply(pid, day - datetime.timedelta(days=20 if i == 50 else i - 50), i)
            counts["permits_pending"] += 1
        elif i < 59:
            permit = apply(pid, day - datetime.timedelta(days=30 + i), i)
            services.decide_permit(actor=police, permit_id=permit.pk, data={"decided_on": str(day - datetime.timedelta(days=20 + i)), "granted": False,
                                                                            "reason": "所提交的劳动合同经核实已解除，不符合合法稳定就业条件"}, today=day)
            counts["permits_refused"] += 1
    services.suspend_missed(on=day)
    log(f"  residence permits: {counts}")
    return counts
