"""`liudong demo`: a consistent, deterministic world (J2, R4, R5, J3, invariant 8)."""
import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from liudong.accounts.choices import ROLE_LEVELS, Role
from liudong.accounts.models import Staff
from liudong.divisions.models import Grid
from liudong.identifiers import check_credit_code, parse_resident_id
from liudong.demo.data import DEMO_PASSWORD
from liudong.people.models import Employer, FamilyLink, Person, RentalHousing, Residence, Visit
from liudong.people.services import is_floating

TODAY = datetime.date(2026, 11, 28)


def test_demo_world(db):
    """One build (the command takes a few seconds), every check on it."""
    out = io.StringIO()
    call_command("demo", people=500, seed=7, on=TODAY.isoformat(), stdout=out)
    check_consistent()
    check_left_behind_and_empty_nest()
    check_registry_rules()
    check_housing_employers_grids_and_staff(out.getvalue())


def check_consistent():
    from liudong.demo.cases import COUPLES

    from liudong.demo.permits import ZJ_PEOPLE

    # the population, plus the couples of the demo's birth registrations (B1) and the arrivals in
    # 杭州市西湖区 whose residence registrations the demo shows (issue 13)
    assert Person.objects.count() == 500 + 2 * len(COUPLES) + ZJ_PEOPLE
    open_ = {pid: rest for pid, *rest in Residence.objects.filter(left_on__isnull=True).values_list("person_id", "division_id", "floating", "reason", "expects_return")}
    for pid, where, floating, hukou, number in Person.objects.values_list("id", "residence_division_id", "floating", "hukou_division_id", "id_number"):
        assert where == (open_[pid][0] if pid in open_ else None)
        if where:
            _, floating_open, reason, expects_return = open_[pid]
            # J2: the one rule (districts of one city are one place; a short stay is not floating)
            assert floating == is_floating(where, hukou, reason=reason, expects_return=expects_return) == floating_open
        parsed = parse_resident_id(number, today=TODAY)
        assert parsed["area"] == hukou[:6]
    # every period of a person is disjoint from the others
    periods = {}
    for pid, a, b in Residence.objects.values_list("person_id", "arrived_on", "left_on"):
        periods.setdefault(pid, []).append((a, b or datetime.date.max))
    for spans in periods.values():
        spans.sort()
        assert all(x[1] <= y[0] for x, y in zip(spans, spans[1:]))
    assert Residence.objects.filter(start_kind="move").exists() and Residence.objects.filter(end_kind="departure").exists()


def check_registry_rules():
    """J2: same-city residents and short stays recorded, not floating; R5: the 2016 definition
    counts fewer children than there are children of outflow parents (a parent at home cares),
    more than none (a parent at home unable to care is recorded); R2: visits in the last quarter,
    and a to-do for the rest."""
    from liudong.people import queries, queries_follow_up

    same_city = Residence.objects.filter(division_id__gte="440305000000", division_id__lte="440305999999", hukou_division_code__startswith="4403").exclude(hukou_division_code__startswith="440305")
    assert same_city.exists() and not same_city.filter(floating=True).exists()
    assert Residence.objects.filter(expects_return=True).exists() and not Residence.objects.filter(expects_return=True, floating=True).exists()
    officer = Staff.objects.get(username="nanshan_officer")
    counts = queries.home_counts(actor=officer, today=TODAY)
    parents_of_children = Person.objects.filter(family_links__relation="parent", floating=False, birth_date__gt=datetime.date(2010, 11, 28)).distinct().count()
    assert 0 < counts["left_behind_children"] < parents_of_children
    assert FamilyLink.objects.filter(parent_unable_to_care=True).exists()
    assert counts["empty_nest_elderly"] > 0 and counts["births"] > 0
    assert Visit.objects.filter(visited_on__gt=datetime.date(2026, 8, 28)).exists()
    months, todo = queries_follow_up.follow_up_todo(actor=officer, today=TODAY)
    assert months == 3 and sum(r["count"] for r in todo) > 0


def check_left_behind_and_empty_nest():
    children = elderly = 0
    for person in Person.objects.filter(floating=False, residence_division__isnull=False):
        age = (TODAY - person.birth_date).days // 365
        linked = list(FamilyLink.objects.filter(person=person).select_related("relative"))
        parents = [f.relative for f in linked if f.relation == "parent"]
        kids = [f.relative for f in linked if f.relation == "child"]
        if age < 16 and parents and any(p.floating for p in parents):
            children += 1
        if age >= 60 and kids and all(k.floating for k in kids):
            elderly += 1
    assert children > 0 and elderly > 0
    # links are stored both ways
    assert FamilyLink.objects.filter(relation="child").count() == FamilyLink.objects.filter(relation="parent").count() > 0


def check_housing_employers_grids_and_staff(demo):
    assert RentalHousing.objects.count() == 100 and Employer.objects.count() > 0
    assert Residence.objects.filter(housing__isnull=False).exists() and Residence.objects.filter(employer__isnull=False).exists()
    for code in Employer.objects.values_list("credit_code", flat=True):
        assert check_credit_code(code) == code
    for owner_hukou in RentalHousing.objects.values_list("owner__hukou_division_id", flat=True):
        assert owner_hukou.startswith("440305")
    assert Grid.objects.filter(collector__isnull=True).count() == 0 and Grid.objects.count() > 100
    for role in Role:
        staff = Staff.objects.filter(role=role).select_related("division").first()
        assert staff is not None, role
        assert staff.division.level in ROLE_LEVELS[role]
    clerk = Staff.objects.get(username="nuojiang_clerk")
    assert clerk.division_id == "511921100000" and clerk.check_password(DEMO_PASSWORD)
    assert "nantou_clerk" in demo and DEMO_PASSWORD in demo


def test_demo_refuses_a_database_with_people_unless_if_empty(clerk):
    from liudong.people import services
    from tests.conftest import TONGJIANG_V, make_id

    services.register_person(actor=clerk, data={"id_number": make_id("511921", "19990315"), "name": "李娜", "hukou_division": TONGJIANG_V}, today=TODAY)
    out = io.StringIO()
    call_command("demo", "--if-empty", people=500, stdout=out)
    assert "demo data not built" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("demo", people=500, stdout=io.StringIO())


def test_second_make_run_still_prints_where_to_log_in(db):
    """`make run` on a database that has the demo already builds nothing but prints the logins."""
    call_command("demo", people=500, seed=7, on=TODAY.isoformat(), stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    text = out.getvalue()
    assert "demo data not built" in text
    assert "nantou_clerk" in text and "auditor" in text and "Liudong-demo-2026" in text
    assert "the demo world is dated 2026-11-28" in text  # and the date its world carries (issue 7 item 0)
