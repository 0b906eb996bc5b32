"""T2 (issue 14): every figure's definition on dated data that crosses month and statistical-year
boundaries (the statistical year runs 1 October - 30 September, part 11)."""
import datetime

from liudong.people import services as people
from liudong.people.choices import Relation
from liudong.statistics import figures, periods
from tests.conftest import NANSHAN, NANTOU, NANTOU_V1, NANTOU_V2, TODAY, TONGJIANG_V, make_id

from .conftest import arrive, at, d, depart, register


def month(code, label):
    first = periods.parse(label, today=TODAY)
    return figures.compute(code, first, periods.month_end(first))


def test_t2_inflow_counts_who_lived_here_on_the_last_day_of_the_month(clerk):
    left = register(clerk, seq=120)
    depart(clerk, arrive(clerk, left, "2026-08-20"), d("2026-10-01"))      # gone on 1 October
    came = register(clerk, seq=122)
    arrive(clerk, came, "2026-10-01", division=NANTOU_V2)                 # came on 1 October
    sept, octo = month(NANTOU, "2026-09"), month(NANTOU, "2026-10")
    assert (sept["inflow"], octo["inflow"]) == (1, 1)
    assert month(NANTOU_V1, "2026-09")["inflow"] == 1 and month(NANTOU_V1, "2026-10")["inflow"] == 0
    assert month(NANTOU_V2, "2026-09")["inflow"] == 0 and month(NANTOU_V2, "2026-10")["inflow"] == 1
    # T2, J2: the hukou side counts the same periods as outflow.
    assert month(TONGJIANG_V, "2026-09")["outflow"] == 1 and month("511921000000", "2026-10")["outflow"] == 1
    assert month(NANSHAN, "2026-10")["outflow"] == 0


def test_t2_rental_homes_and_employers_as_registered_and_closed(clerk):
    from liudong.people.models import Employer, RentalHousing

    owner = register(clerk, area="440305", birth="19700101", seq=111, female=False, hukou=NANTOU_V1, name="陈强")
    RentalHousing.objects.create(division_id=NANTOU_V1, address="1号", owner=owner, registered_on=d("2026-09-15"), closed_on=d("2026-10-31"))
    RentalHousing.objects.create(division_id=NANTOU_V2, address="2号", owner=owner, registered_on=d("2026-10-31"))
    Employer.objects.create(division_id=NANTOU_V1, name="南头工厂", registered_on=d("2026-10-01"))
    assert month(NANTOU, "2026-08")["rental_homes"] == 0
    assert month(NANTOU, "2026-09")["rental_homes"] == 1 and month(NANTOU, "2026-09")["employers"] == 0
    # Closed on the 31st: gone at the end of October; the other registered that day counts.
    assert month(NANTOU, "2026-10")["rental_homes"] == 1 and month(NANTOU_V2, "2026-10")["rental_homes"] == 1
    assert month(NANTOU, "2026-10")["employers"] == 1


def test_t2_women_by_origin_and_births_in_the_period_and_the_statistical_year(clerk):
    # Married women of childbearing age living in 红花园社区: one from 四川 (another province), one
    # from 广东's 韶关 (this province, another county).
    sichuan = register(clerk, birth="19960101", seq=130, marital="20", name="李梅")
    arrive(clerk, sichuan, "2025-06-01")
    guangdong = register(clerk, area="440203", birth="19940202", seq=132, marital="20", hukou="440203000000", name="黄丽")
    arrive(clerk, guangdong, "2025-06-01")
    single = register(clerk, birth="19980303", seq=134, name="赵敏")
    arrive(clerk, single, "2025-06-01")
    # Births: 李梅's child born 30 September 2025 (statistical year 2025), 黄丽's on 1 October 2025
    # (statistical year 2026); 赵敏 (not married) gave birth too, not counted (当年生育 of married women).
    for mother, born, seq in ((sichuan, "20250930", 140), (guangdong, "20251001", 142), (single, "20251001", 144)):
        child = register(clerk, birth=born, seq=seq, name="小宝", hukou=TONGJIANG_V)
        people.link_family(actor=clerk, person=mother, relative_id=child.pk, relation=Relation.CHILD)
    sept, octo = month(NANTOU, "2025-09"), month(NANTOU, "2025-10")
    assert sept["women_childbearing_inflow_other_province"] == 1 and sept["women_childbearing_inflow_same_province"] == 1
    assert sept["births"] == 1 and octo["births"] == 1
    assert month(NANTOU, "2025-11")["births"] == 0
    # The year's figures of October 2025: the statistical year 2026 began on 1 October (one birth),
    # the calendar year 2025 holds both.
    stat_year, calendar_year = (figures.compute(NANTOU, start, periods.month_end(d("2025-10-01")))
                                for _, start, _ in (periods.statistical_year(d("2025-10-01")), periods.calendar_year(d("2025-10-01"))))
    assert stat_year["births"] == 1 and calendar_year["births"] == 2
    assert periods.statistical_year(d("2025-09-01"))[0] == 2025 and periods.statistical_year(d("2025-10-01"))[0] == 2026


def test_t2_marital_status_on_a_past_day_follows_the_recorded_events(clerk):
    from liudong.people.models import MaritalEvent

    woman = register(clerk, birth="19970404", seq=150, name="孙丽", on=d("2026-06-01"))
    arrive(clerk, woman, "2026-06-01", on=d("2026-06-01"))
    people.update_person(actor=clerk, person=woman, data={"marital_status": "20"}, today=d("2026-10-15"))
    event = MaritalEvent.objects.get(person=woman)
    assert (event.changed_on, event.old_status, event.new_status) == (d("2026-10-15"), "", "20")
    assert month(NANTOU, "2026-09")["women_childbearing_inflow_other_province"] == 0
    assert month(NANTOU, "2026-10")["women_childbearing_inflow_other_province"] == 1
    people.update_person(actor=clerk, person=woman, data={"marital_status": "40"}, today=d("2026-11-02"))   # divorced
    assert month(NANTOU, "2026-10")["women_childbearing_inflow_other_province"] == 1
    assert figures.compute(NANTOU, d("2026-11-01"), d("2026-11-27"))["women_childbearing_inflow_other_province"] == 0


def test_r5_left_behind_children_and_empty_nest_elderly_as_of_the_month_end(clerk, world):
    # A family of 通江: the father leaves for 南头 on 2026-10-10; the mother is at home but unable to care.
    tj = world["tongjiang_clerk"]
    father = register(tj, birth="19850505", seq=161, female=False, name="张军")
    mother = register(tj, birth="19870606", seq=162, name="刘芳")
    child = register(tj, birth="20150707", seq=164, name="张小")
    grandma = register(tj, birth="19500808", seq=166, name="张母")
    people.link_family(actor=tj, person=child, relative_id=father.pk, relation=Relation.PARENT)
    people.link_family(actor=tj, person=child, relative_id=mother.pk, relation=Relation.PARENT)
    people.link_family(actor=tj, person=grandma, relative_id=father.pk, relation=Relation.CHILD)
    from liudong.people.models import FamilyLink

    FamilyLink.objects.filter(person=child, relative=mother).update(parent_unable_to_care=True)
    from tests.permits.conftest import move_by_claim

    move_by_claim(father, NANTOU_V1, "2026-10-10")   # the system path: an accepted arrival claim
    sept, octo = month("511921000000", "2026-09"), month("511921000000", "2026-10")
    assert sept["left_behind_children"] == 0 and octo["left_behind_children"] == 1
    assert sept["empty_nest_elderly"] == 0 and octo["empty_nest_elderly"] == 1


def test_t2_the_home_page_uses_the_same_names(clerk):
    from liudong.people.figures import NAMES
    from liudong.people.queries import home_counts

    counts = home_counts(actor=clerk, today=TODAY)
    assert set(NAMES) <= set(counts)
    assert set(NAMES) <= set(figures.NAMES)


def test_t2_certificate_and_service_figures_of_the_period(clerk):
    from liudong.certificates.models import Certificate, Verification
    from liudong.technical.models import Check

    woman = register(clerk, birth="19950909", seq=170, name="周燕")
    arrive(clerk, woman, "2026-01-01")
    cert = Certificate.objects.create(number="T-1", township_id=NANTOU, year=2026, sequence=1, person=woman, issued_on=d("2023-10-01"),
                                      valid_until=d("2026-09-30"), name=woman.name, birth_date=woman.birth_date, token="tok-1")
    Verification.objects.create(certificate=cert, person=woman, verified_on=d("2026-10-31"), result="ok", division_id=NANTOU_V1)
    Check.objects.create(person=woman, division_id=NANTOU, village=NANTOU_V1, checked_on=d("2026-11-01"), result="normal", recorded_at=at("2026-11-01"))
    sept, octo, nov = month(NANTOU, "2026-09"), month(NANTOU, "2026-10"), figures.compute(NANTOU, d("2026-11-01"), d("2026-11-28"))
    assert sept["certificates_expired"] == 0 and octo["certificates_expired"] == 1
    assert (sept["certificates_verified"], octo["certificates_verified"]) == (0, 1)
    assert (octo["checks_done"], nov["checks_done"]) == (0, 1)
    assert month(NANTOU, "2023-10")["certificates_issued"] == 1
