"""T2 (issue 14): the month close counts every figure set-based (one grouped pass per figure for a
whole subtree, summed up the tree, the year's births in the month's pass) and must give exactly
what the per-division computation gives (statistics.figures.compute, the definitions the other
tests pin down), on dated data that crosses month and statistical-year boundaries: a departure
on 1 October, an arrival on 1 October, births on 30 September and 1 October, a marriage recorded
mid-month, a rental home closed on a month's last day, a certificate expiring, a family whose
father leaves (left-behind child, empty-nest elder)."""
from liudong.divisions.models import Division
from liudong.people import services as people
from liudong.people.choices import Relation
from liudong.statistics import figures, periods, services
from liudong.statistics.models import Report
from tests.conftest import NANTOU, NANTOU_V1, NANTOU_V2, TODAY, TONGJIANG_V

from .conftest import arrive, at, d, depart, register


def dated_world(clerk, world):
    from liudong.certificates.models import Certificate
    from liudong.people.models import FamilyLink, RentalHousing
    from tests.permits.conftest import move_by_claim

    depart(clerk, arrive(clerk, register(clerk, seq=120), "2025-08-20"), d("2025-10-01"))
    arrive(clerk, register(clerk, seq=122, marital="20", name="李梅"), "2025-10-01", division=NANTOU_V2)
    sichuan = register(clerk, birth="19960101", seq=130, marital="20", name="李梅")
    arrive(clerk, sichuan, "2025-06-01")
    guangdong = register(clerk, area="440203", birth="19940202", seq=132, marital="20", hukou="440203000000", name="黄丽")
    arrive(clerk, guangdong, "2025-06-01", division=NANTOU_V2)
    for mother, born, seq in ((sichuan, "20250930", 140), (guangdong, "20251001", 142)):
        child = register(clerk, birth=born, seq=seq, name="小宝", hukou=TONGJIANG_V)
        people.link_family(actor=clerk, person=mother, relative_id=child.pk, relation=Relation.CHILD)
    late = register(clerk, birth="19970404", seq=150, name="孙丽", on=d("2025-06-01"))
    arrive(clerk, late, "2025-06-01", on=d("2025-06-01"))
    people.update_person(actor=clerk, person=late, data={"marital_status": "20"}, today=d("2025-10-15"))
    owner = register(clerk, area="440305", birth="19700101", seq=111, female=False, hukou=NANTOU_V1, name="陈强")
    RentalHousing.objects.create(division_id=NANTOU_V1, address="1号", owner=owner, registered_on=d("2025-09-15"), closed_on=d("2025-10-31"))
    Certificate.objects.create(number="T-1", township_id=NANTOU, year=2025, sequence=1, person=sichuan, issued_on=d("2022-10-01"),
                               valid_until=d("2025-09-30"), name=sichuan.name, birth_date=sichuan.birth_date, token="tok-1")
    tj = world["tongjiang_clerk"]
    father = register(tj, birth="19850505", seq=161, female=False, name="张军")
    child = register(tj, birth="20150707", seq=164, name="张小")
    grandma = register(tj, birth="19500808", seq=166, name="张母")
    people.link_family(actor=tj, person=child, relative_id=father.pk, relation=Relation.PARENT)
    people.link_family(actor=tj, person=grandma, relative_id=father.pk, relation=Relation.CHILD)
    assert FamilyLink.objects.count() >= 4
    move_by_claim(father, NANTOU_V1, "2025-10-10")


def test_t2_the_set_based_close_gives_the_per_division_figures(clerk, world):
    dated_world(clerk, world)
    codes = set(Division.objects.values_list("code", flat=True))
    # Every division of the world's three counties and their ancestors is compared one by one (the
    # per-division computation costs a dozen queries each: the ~3,000 shipped counties elsewhere
    # hold no rows, and their stored figures must be all zero).
    compared = {c for c in codes if c[:6] in ("440305", "440203", "511921")} | {"440300000000", "440200000000", "440000000000", "510000000000", "511900000000", "000000000000"}
    compared &= codes
    seen = set()
    for label, hour_day in (("2025-09", "2025-10-01"), ("2025-10", "2025-11-01"), ("2025-12", "2026-01-01")):
        services.close_month(actor=None, period=label, now=at(hour_day, 1))
        first = periods.parse(label, today=TODAY)
        end = periods.month_end(first)
        stored = {r.division_id: r for r in Report.objects.filter(period=first)}
        assert set(stored) == codes
        for code in compared:
            one = figures.compute(code, first, end)
            assert stored[code].figures == one, (label, code)
            assert stored[code].live == one
            for year in stored[code].years:
                flows = figures.compute(code, d(year["start"]), end, flows_only=True)
                assert year["figures"] == figures.year_figures(one, flows), (label, code, year["kind"])
            seen.update(name for name, n in one.items() if n)
        for code in codes - compared:
            assert not any(stored[code].figures.values()), (label, code)
            assert not any(any(y["figures"].values()) for y in stored[code].years), (label, code)
    # The data did reach every figure the world can show (so the comparison is not of zeros).
    assert {"inflow", "outflow", "rental_homes", "women_childbearing_inflow_other_province", "women_childbearing_inflow_same_province", "births",
            "left_behind_children", "empty_nest_elderly", "certificates_expired"} <= seen
    october = Report.objects.get(division_id=NANTOU, period=d("2025-10-01"))
    statistical, calendar = october.years
    assert (statistical["kind"], statistical["figures"]["births"], calendar["figures"]["births"]) == ("statistical", 1, 2)


def test_t2_due_dates_at_once_match_one_by_one(world):
    from liudong.divisions.models import Division as D

    divisions = list(D.objects.all())
    first = d("2026-10-01")
    assert services.due_dates(divisions, first) == {x.code: services.due_on(x, first) for x in divisions}
