"""Issue 13, residence registration (居住登记, `residence-registration`: Zhejiang's 2016 values):
RR1 an arrival opens a registration due within 3 working days on the official calendar (X4), not
where the set is not in force; RR2 the station completes it; overdue ones are listed."""
import pytest

from liudong.errors import Denied, Invalid, NotFound
from liudong.permits import queries, services
from liudong.permits.models import ResidenceRegistration
from tests.conftest import NANTOU_V1, TODAY, TONGJIANG_V

from .conftest import BEISHAN_V, XIXI_V, arrive, d


def reg_of(person):
    return ResidenceRegistration.objects.get(person=person)


@pytest.mark.django_db
def test_rr1_arrival_before_national_day_is_due_after_the_holiday_and_on_the_make_up_saturday(zhejiang):
    """Arrived Wed 2026-09-30: 10-01..10-07 are off (holidays and a weekend), Thu 10-08 and Fri
    10-09 are working days 1 and 2, Sat 10-10 is a make-up workday (调休): due on 2026-10-10."""
    p = arrive(zhejiang["station"], name="陈静", seq=10, division=BEISHAN_V, arrived_on="2026-09-30")
    reg = reg_of(p)
    assert (reg.arrived_on, reg.due_on, reg.state, reg.rule_set) == (d("2026-09-30"), d("2026-10-10"), "pending", "residence-registration")
    assert reg.station_code == "330106001000"


@pytest.mark.django_db
def test_rr1_arrival_on_a_tuesday_before_the_holiday_counts_the_day_before_it(zhejiang):
    p = arrive(zhejiang["station"], name="陈伟", seq=12, division=BEISHAN_V, arrived_on="2026-09-29")
    assert reg_of(p).due_on == d("2026-10-09")


@pytest.mark.django_db
def test_rr1_arrival_over_spring_festival(zhejiang):
    """Arrived Fri 2026-02-13: Sat 02-14 is a make-up workday (1), 02-15 Sun, 02-16..02-23 off, Tue 02-24 (2), Wed 02-25 (3)."""
    p = arrive(zhejiang["station"], name="陈红", seq=14, division=BEISHAN_V, arrived_on="2026-02-13")
    assert reg_of(p).due_on == d("2026-02-25")


@pytest.mark.django_db
def test_rr1_no_registration_where_the_set_is_not_in_force(police):
    """深圳 (Guangdong) has not adopted `residence-registration`: no registration opens."""
    p = arrive(police, name="赵敏", seq=16, division=NANTOU_V1, arrived_on="2026-09-30")
    assert not ResidenceRegistration.objects.filter(person=p).exists()


@pytest.mark.django_db
def test_rr1_stay_with_relatives_under_a_month_is_exempt(zhejiang):
    p = arrive(zhejiang["station"], name="孙丽", seq=18, division=BEISHAN_V, arrived_on="2026-11-20", reason="visit", intended_stay="lt1m")
    assert not ResidenceRegistration.objects.filter(person=p).exists()


@pytest.mark.django_db
def test_rr1_a_move_to_another_station_opens_a_new_registration(zhejiang):
    from liudong.people import services as people

    p = arrive(zhejiang["station"], name="周燕", seq=20, division=BEISHAN_V, arrived_on="2026-11-02")
    people.record_move(actor=zhejiang["county_police"], person=p, data={"division": XIXI_V, "arrived_on": "2026-11-20"}, today=TODAY)
    regs = list(ResidenceRegistration.objects.filter(person=p).order_by("arrived_on"))
    assert [(r.station_code, r.due_on) for r in regs] == [("330106001000", d("2026-11-05")), ("330106002000", d("2026-11-25"))]


@pytest.mark.django_db
def test_rr2_the_station_completes_and_overdue_lists_for_station_and_county(zhejiang):
    late = arrive(zhejiang["station"], name="吴静", seq=22, division=BEISHAN_V, arrived_on="2026-11-02")   # due 11-05: overdue on 11-28
    fresh = arrive(zhejiang["station"], name="郑洁", seq=24, division=BEISHAN_V, arrived_on="2026-11-27")  # due 12-02
    elsewhere = arrive(zhejiang["other_station"], name="冯雪", seq=26, division=XIXI_V, arrived_on="2026-11-03")
    station, county = zhejiang["station"], zhejiang["county_police"]

    def overdue(actor, division=None):
        qs = queries.registrations(actor=actor, data={"state": "overdue", "division": division}, today=TODAY)[0]
        return sorted(r.person.name for r in qs)

    assert overdue(station) == ["吴静"]
    assert overdue(county) == ["冯雪", "吴静"]
    assert overdue(county, "330106001000") == ["吴静"]
    reg = services.complete_registration(actor=station, registration_id=reg_of(late).pk, data={"completed_on": "2026-11-28"}, today=TODAY)
    assert (reg.state, reg.completed_on) == ("completed", TODAY)
    assert overdue(county) == ["冯雪"]
    assert reg_of(fresh).state == "pending"
    assert reg_of(elsewhere).state == "pending"


@pytest.mark.django_db
def test_rr2_bad_completions_write_nothing(zhejiang):
    p = arrive(zhejiang["station"], name="蒋芳", seq=28, division=BEISHAN_V, arrived_on="2026-11-02")
    reg = reg_of(p)
    with pytest.raises(Invalid) as e:
        services.complete_registration(actor=zhejiang["station"], registration_id=reg.pk, data={"completed_on": "2026-11-01"}, today=TODAY)
    assert "completed_on" in e.value.errors
    with pytest.raises(Invalid):
        services.complete_registration(actor=zhejiang["station"], registration_id=reg.pk, data={"completed_on": "2026-12-01"}, today=TODAY)
    with pytest.raises(Denied):   # the county's police list, the station completes
        services.complete_registration(actor=zhejiang["county_police"], registration_id=reg.pk, data={"completed_on": "2026-11-28"}, today=TODAY)
    with pytest.raises(NotFound):  # another station's registration
        services.complete_registration(actor=zhejiang["other_station"], registration_id=reg.pk, data={"completed_on": "2026-11-28"}, today=TODAY)
    with pytest.raises(Denied):   # a family-planning clerk does not handle registrations
        services.complete_registration(actor=zhejiang["clerk"], registration_id=reg.pk, data={"completed_on": "2026-11-28"}, today=TODAY)
    reg.refresh_from_db()
    assert reg.state == "pending" and reg.completed_on is None
    services.complete_registration(actor=zhejiang["station"], registration_id=reg.pk, data={"completed_on": "2026-11-28"}, today=TODAY)
    with pytest.raises(Invalid) as e:
        services.complete_registration(actor=zhejiang["station"], registration_id=reg.pk, data={"completed_on": "2026-11-28"}, today=TODAY)
    assert "state" in e.value.errors


@pytest.mark.django_db
def test_rr1_hukou_place_in_the_same_county_is_not_floating_and_not_registered(zhejiang):
    p = arrive(zhejiang["station"], name="韩梅", seq=30, division=BEISHAN_V, arrived_on="2026-11-02", hukou=XIXI_V)
    assert not ResidenceRegistration.objects.filter(person=p).exists()
    assert TONGJIANG_V  # the others' hukou place


@pytest.mark.django_db
def test_rr1_arrivals_recorded_by_a_bulk_import_open_the_same_registrations_as_by_hand(zhejiang, police):
    """Issue 13 item 2: people's import writes its periods without the ORM; its listener opens each
    arrival's registration by the rule an arrival recorded by hand gets (the same due date across
    National Day, station and rule set), nothing where the set is not in force or for an exempt
    stay, and the import's audit names the persons."""
    from liudong.accounts.models import AuditEvent
    from liudong.people.imports import import_people
    from liudong.people.models import Person
    from tests.conftest import make_id

    by_hand = arrive(zhejiang["station"], name="陈静", seq=10, division=BEISHAN_V, arrived_on="2026-09-30")

    def row(name, seq, division, arrived_on, **extra):
        return {"id_number": make_id(TONGJIANG_V[:6], "19960101", seq), "name": name, "hukou_division": TONGJIANG_V, "division": division,
                "address": "2栋202", "arrived_on": arrived_on, "reason": "work", **extra}

    result = import_people(actor=zhejiang["station"], rows=[
        row("许丽", 50, BEISHAN_V, "2026-09-30"),                                        # as by hand: due 2026-10-10
        row("何静", 52, BEISHAN_V, "2026-11-02", left_on="2026-11-20"),                 # left since: opened all the same, as by hand
        row("吕红", 54, BEISHAN_V, "2026-11-20", reason="visit", intended_stay="lt1m"),  # with relatives under a month: exempt
    ], today=TODAY)
    assert result["residences"] == 3
    imported = {p.name: p for p in Person.objects.filter(name__in=["许丽", "何静", "吕红"])}
    mine, hand = reg_of(imported["许丽"]), reg_of(by_hand)
    fields = ("arrived_on", "due_on", "state", "station_code", "division_id", "rule_set", "rules_on")
    assert [getattr(mine, f) for f in fields] == [getattr(hand, f) for f in fields]
    assert mine.residence.person_id == imported["许丽"].pk and mine.due_on == d("2026-10-10")
    assert reg_of(imported["何静"]).due_on == d("2026-11-05")
    assert not ResidenceRegistration.objects.filter(person=imported["吕红"]).exists()
    event = AuditEvent.objects.filter(action="residence_registration.open", fields__via="import").get()
    assert event.fields["count"] == 2 and sorted(event.fields["persons"]) == sorted([imported["许丽"].pk, imported["何静"].pk])
    # The station's overdue list shows the imported arrivals like the one recorded by hand.
    names = sorted(r.person.name for r in queries.registrations(actor=zhejiang["station"], data={"state": "overdue"}, today=TODAY)[0])
    assert names == ["何静", "许丽", "陈静"]
    # An import where the set is not in force (深圳) opens none.
    import_people(actor=police, rows=[row("钱芳", 56, NANTOU_V1, "2026-11-02")], today=TODAY)
    assert not ResidenceRegistration.objects.filter(person__name="钱芳").exists()
