"""The demo's residence permits (issue 13), so that 南头街道's police (`nantou_police`) see every
state: permits granted over the last two years (endorsed in time where their anniversary passed),
some whose endorsement falls due this month, some suspended for a missed endorsement (the daily
job run on the world's date), some restored by a late endorsement (residence years restarted),
applications pending (one past its 15 days) and refused ones. Every write goes through
permits.services as the station's police.

Residence registrations (居住登记) open only where `residence-registration` is in force, which ships
for 浙江 (深圳 has not adopted it): `build_demo_registrations` imports arrivals into two streets of
杭州市西湖区 through people's bulk import (as the county's police, `xihu_police`), so that their
registrations are opened by the import's listener exactly as for an arrival recorded by hand. The
station of 北山街道 (`beishan_police`) has registered some in time, some late, and left others
overdue; 西溪街道 has no police account in the demo, so its overdue ones show only in the county's
list. Long-settled residents of 北山街道 hold permits in every state there too: valid, due for
endorsement this month, suspended for a missed endorsement, restored by a late one, pending."""
import datetime

from django.utils import timezone

from liudong.accounts.models import Staff
from liudong.dates import months_before, years_after
from liudong.divisions.queries import in_range
from liudong.people.imports import import_people
from liudong.people.models import Person, Residence
from liudong.permits import services
from liudong.permits.models import ResidenceRegistration
from liudong.permits.queries import month_bounds

from .data import XIHU, ZJ_COMMUNITIES

NANTOU_STREET = "440305001000"
# (community, days before the world date she arrived, reason, intended stay, what the station did)
RECENT = [
    ("330106001001", 0, "work", "gt1y", ""), ("330106001002", 1, "work", "6to12m", ""), ("330106001001", 2, "work", "gt1y", ""),
    ("330106001001", 4, "work", "gt1y", "in_time"), ("330106001002", 5, "family", "gt1y", ""), ("330106001001", 7, "work", "1to6m", "late"),
    ("330106001002", 8, "work", "gt1y", ""), ("330106001001", 10, "study", "gt1y", "in_time"), ("330106001002", 12, "work", "gt1y", ""),
    ("330106001001", 15, "work", "6to12m", "late"), ("330106001002", 18, "work", "gt1y", "in_time"), ("330106001001", 21, "marriage", "gt1y", ""),
    ("330106002001", 6, "work", "gt1y", ""), ("330106002001", 13, "work", "gt1y", ""),
    ("330106001001", 3, "visit", "lt1m", ""),   # with relatives, under a month: exempt, no registration
]
SETTLED = 12   # residents of 北山街道 for three to five years: registered long ago, permits in every state
HUKOU_PROVINCES = ("34", "41", "51", "36", "43")   # 安徽 河南 四川 江西 湖南
ZJ_PEOPLE = len(RECENT) + SETTLED
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


def build_demo_registrations(world, day: datetime.date, log=print) -> dict:
    """Arrivals in 杭州市西湖区 (where `residence-registration` is in force) through people's bulk
    import, their registrations completed or left overdue by 北山街道's station, and permits of the
    long-settled ones in every state. `world` is the DemoWorld (its generator and places)."""
    county, station = Staff.objects.get(username="xihu_police"), Staff.objects.get(username="beishan_police")
    rng = world.rng
    now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    communities = {code: name for code, name, _ in ZJ_COMMUNITIES}

    def row(community, arrived_on, reason, stay):
        province = rng.choice([p for p in HUKOU_PROVINCES if p in world.counties_by_province])
        code, county_name = rng.choice(world.counties_by_province[province])
        hukou_address = f"{world.province_names.get(province, '')}{county_name}{rng.choice(['城关镇', '新华村', '和平村', '向阳村'])}{rng.randint(1, 12)}组{rng.randint(1, 60)}号"
        person = world._person(hukou=code, area6=code[:6], hukou_address=hukou_address, province=province, birth=world._birth(20, 50))
        return {**person, "division": community, "address": f"西湖区{communities[community]}{rng.randint(1, 40)}幢{rng.randint(1, 6)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室",
                "arrived_on": arrived_on, "reason": reason, "intended_stay": stay}

    rows, acts = [], []
    for community, days, reason, stay, act in RECENT:
        rows.append(row(community, day - datetime.timedelta(days=days), reason, stay))
        acts.append(act)
    for i in range(SETTLED):
        rows.append(row("330106001001" if i % 2 else "330106001002", years_after(day, -3) - datetime.timedelta(days=40 + 47 * i), "work", "gt1y"))
        acts.append("settled")
    import_people(actor=county, rows=rows, today=day)
    ids = dict(Person.objects.filter(id_number__in=[r["id_number"] for r in rows]).values_list("id_number", "id"))
    counts = {"residence permits in 北山街道": 0}
    settled = []
    for r, act in zip(rows, acts):
        reg = ResidenceRegistration.objects.filter(person_id=ids[r["id_number"]]).first()
        if act == "settled":
            settled.append(ids[r["id_number"]])
        if reg is None or not act:
            continue
        # in time: on its due day (or today, if that is earlier); late: three days after it
        done = min(reg.due_on if act in ("in_time", "settled") else reg.due_on + datetime.timedelta(days=3), day)
        services.complete_registration(actor=station, registration_id=reg.pk, data={"completed_on": str(done)}, today=day)
    done = ResidenceRegistration.objects.filter(in_range("division_id", XIHU), state="completed")
    counts["residence registrations completed late"] = sum(1 for c, due in done.values_list("completed_on", "due_on") if c > due)
    counts["residence registrations completed in time"] = done.count() - counts["residence registrations completed late"]
    counts["residence registrations overdue"] = ResidenceRegistration.objects.filter(in_range("division_id", XIHU), state="pending", due_on__lt=day).count()
    counts["residence registrations pending"] = ResidenceRegistration.objects.filter(in_range("division_id", XIHU), state="pending").count()

    def grant(pid, issued_on, i):
        permit = services.apply_permit(actor=station, data={"person_id": pid, "applied_on": str(issued_on - datetime.timedelta(days=4 + i % 7)),
                                                            "basis": BASES[i % 3], "proof": PROOFS[BASES[i % 3]]}, today=day, now=now)
        return services.decide_permit(actor=station, permit_id=permit.pk, data={"decided_on": str(issued_on), "granted": True}, today=day)

    def endorse_until(permit, until):
        while permit.next_anniversary_on <= until:
            opens = months_before(permit.next_anniversary_on, 1)
            permit = services.endorse_permit(actor=station, permit_id=permit.pk, data={"endorsed_on": str(opens + datetime.timedelta(days=5))}, today=day)
        return permit

    for i, pid in enumerate(settled):
        if i < 5:       # valid, endorsed every year in its window
            endorse_until(grant(pid, years_after(day, -2) + datetime.timedelta(days=60 * i + 20), i), day)
        elif i == 5:    # valid; its window is open and closes this month
            due = min(day + datetime.timedelta(days=10), month_bounds(day)[1])
            grant(pid, years_after(due + datetime.timedelta(days=1), -1), i)
        elif i < 8:     # its anniversary passed without an endorsement: suspended by the daily job
            grant(pid, years_after(day - datetime.timedelta(days=15 * i), -1), i)
        elif i < 10:    # endorsed in time once, missed the next anniversary, endorsed late: restored, years counted again
            permit = endorse_until(grant(pid, years_after(day - datetime.timedelta(days=30 + i), -2), i), day - datetime.timedelta(days=200))
            services.endorse_permit(actor=station, permit_id=permit.pk, data={"endorsed_on": str(day - datetime.timedelta(days=i - 7))}, today=day)
        else:           # waiting for a decision; the last one past its 15 days
            services.apply_permit(actor=station, data={"person_id": pid, "applied_on": str(day - datetime.timedelta(days=3 if i == 10 else 20)),
                                                       "basis": "housing", "proof": PROOFS["housing"]}, today=day, now=now)
        counts["residence permits in 北山街道"] += 1
    services.suspend_missed(on=day)
    log(f"  residence registrations and permits in 杭州市西湖区: {counts}")
    return counts

