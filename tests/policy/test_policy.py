"""P1: the shipped sets as seeded, values by date and division, adopting a set (with what held
before its date carried), overriding one value, audit, and nothing written on error."""
import datetime

import pytest

from liudong.accounts.choices import Role
from liudong.accounts.models import AuditEvent
from liudong.errors import Denied, Invalid
from liudong.policy import queries, services, services_calendar
from liudong.policy.models import PolicyValue
from liudong.policy.rule_sets import RULE_SETS
from liudong.policy.services import PolicyMissing, require_case_type_open, value, value_row
from tests.conftest import NANSHAN, NANTOU, TONGJIANG_T

from .conftest import GUANGDONG, NATION, NOW, SICHUAN, XIHU, ZHEJIANG, assert_bilingual

D = datetime.date


# ---------------------------------------------------------------- the sets of policy-timeline.md

@pytest.mark.django_db
@pytest.mark.parametrize("code", [c for c, rs in RULE_SETS.items() if rs.default_from])
def test_every_value_of_a_set_is_in_force_where_and_from_when_it_was_enacted(code):
    rs = RULE_SETS[code]
    for name, (expected, source) in rs.values.items():
        row = value_row(name, rs.default_division, rs.default_from)
        assert (row.value, row.rule_set, row.source) == (expected, code, source), name


@pytest.mark.django_db
def test_national_2009():
    # Under the 2009 norms (policy-timeline.md): verify within 7 working days, answer within 15,
    # notify within 15; fee consultation replies within 7; first child registered on documents.
    on = D(2012, 5, 1)
    assert value("birth.verify_request_days", TONGJIANG_T, on) == 7
    assert value("exchange.reply_days.verification", TONGJIANG_T, on) == 15
    assert value("birth.notify_days", NANTOU, on) == 15
    assert value("birth.second_birth_notify_days", TONGJIANG_T, on) == 15
    assert value("exchange.reply_days.fee_consultation", NANSHAN, on) == 7
    assert value("birth.max_child_order_registered", NANTOU, on) == 1
    assert value("birth.registration_basis", NANTOU, on) == "documents"
    assert value("certificate.term_years", NANTOU, on) == 3 and value("certificate.hand_in_days", NANTOU, on) == 30
    assert value("certificate.obtain_months", NANTOU, on) == 3
    with pytest.raises(PolicyMissing):
        value("birth.verify_request_days", NANTOU, D(2009, 9, 30))   # before the 2009 norms


@pytest.mark.django_db
def test_national_2016_and_2021_child_order_and_basis():
    assert [value("birth.max_child_order_registered", NANTOU, d) for d in (D(2015, 12, 31), D(2016, 1, 1), D(2021, 8, 19), D(2021, 8, 20))] == [1, 2, 2, None]
    assert value("birth.registration_basis", NANTOU, D(2016, 1, 1)) == "commitment"
    assert value("case_open.second_birth_approval", TONGJIANG_T, D(2021, 8, 19)) is True
    assert value("case_open.second_birth_approval", TONGJIANG_T, D(2021, 8, 20)) is False
    assert value("certificate.required", NANTOU, D(2021, 8, 19)) is True
    assert value("certificate.required", NANTOU, D(2021, 8, 20)) is False


@pytest.mark.django_db
def test_fee_consultation_closes_on_2021_08_20():
    assert require_case_type_open("fee_consultation", NANSHAN, D(2021, 8, 19)).value is True
    with pytest.raises(Invalid) as e:
        require_case_type_open("fee_consultation", NANSHAN, D(2021, 8, 20))
    message = e.value.errors["received_on"][0]
    assert "2021-08-20" in message and "national-2021" in message
    assert_bilingual([message])


@pytest.mark.django_db
def test_residence_permit_2016_everywhere_and_residence_registration_in_zhejiang_only():
    assert value("residence_permit.issue_days", NANTOU, D(2016, 1, 1)) == 15
    assert value("residence_permit.issue_days_remote", NANTOU, D(2016, 1, 1)) == 30
    assert value("residence_permit.min_residence_months", XIHU, D(2020, 1, 1)) == 6
    with pytest.raises(PolicyMissing):
        value("residence_permit.issue_days", NANTOU, D(2015, 12, 31))
    assert value("residence_registration.report_working_days", XIHU, D(2016, 1, 1)) == 3
    assert value("residence_registration.address_change_days", ZHEJIANG, D(2020, 1, 1)) == 10
    assert value("residence_registration.exempt_stay_days", XIHU, D(2020, 1, 1)) == 30
    with pytest.raises(PolicyMissing):
        value("residence_registration.report_working_days", NANTOU, D(2020, 1, 1))


# ---------------------------------------------------------------- overriding one value

@pytest.mark.django_db
def test_override_by_date_and_division_and_its_audit(gd_admin):
    row = services.set_value(actor=gd_admin, name="birth.notify_days", raw_value="10", division_code=GUANGDONG, valid_from="2027-01-01", source="粤卫〔2026〕1号")
    assert (row.rule_set, row.value, row.valid_to) == ("override", 10, None)
    assert value("birth.notify_days", NANTOU, D(2026, 12, 31)) == 15
    assert value("birth.notify_days", NANTOU, D(2027, 1, 1)) == 10
    assert value("birth.notify_days", GUANGDONG, D(2027, 1, 1)) == 10
    assert value("birth.notify_days", TONGJIANG_T, D(2027, 1, 1)) == 15      # Sichuan keeps the nation's
    # A county's own value beats the province's, whatever their dates.
    services.set_value(actor=None, name="birth.notify_days", raw_value="12", division_code=NANSHAN, valid_from="2026-06-01")
    assert value("birth.notify_days", NANTOU, D(2027, 6, 1)) == 12
    assert value("birth.notify_days", "440304001000", D(2027, 6, 1)) == 10   # 福田: the province's
    event = AuditEvent.objects.filter(action="policy.set").order_by("id").first()
    assert event.actor == gd_admin and event.division_code == GUANGDONG
    assert event.fields["policy_name"] == "birth.notify_days" and event.fields["policy_value"] == [15, 10]
    assert event.fields["valid_from"] == "2027-01-01" and event.object_id == str(row.pk)
    assert AuditEvent.objects.filter(action="policy.set", actor=None, actor_name="system").count() == 1


@pytest.mark.django_db
def test_override_takes_json_of_the_kind_in_force(gd_admin):
    # null where the name is null-able (max child order is None under national-2021)
    assert services.set_value(actor=gd_admin, name="birth.max_child_order_registered", raw_value="null", division_code=GUANGDONG, valid_from="2020-01-01").value is None
    assert value("birth.max_child_order_registered", NANTOU, D(2020, 6, 1)) is None
    assert services.set_value(actor=gd_admin, name="birth.max_child_order_registered", raw_value="3", division_code=GUANGDONG, valid_from="2022-01-01").value == 3
    assert services.set_value(actor=gd_admin, name="birth.registration_basis", raw_value='"commitment"', division_code=GUANGDONG, valid_from="2015-06-01").value == "commitment"
    assert services.set_value(actor=gd_admin, name="case_open.fee_consultation", raw_value="false", division_code=GUANGDONG, valid_from="2021-01-01").value is False
    with pytest.raises(Invalid):
        require_case_type_open("fee_consultation", NANTOU, D(2021, 1, 1))
    assert services.set_value(actor=gd_admin, name="audit_retention_days", raw_value="2000", division_code=GUANGDONG, valid_from="2027-01-01").value == 2000   # a name seeded by 0002


@pytest.mark.django_db
@pytest.mark.parametrize("name, raw, field, needle", [
    ("birth.verify_request_days", "true", "value", "whole number"),
    ("birth.verify_request_days", '"7"', "value", "whole number"),
    ("birth.verify_request_days", "null", "value", "cannot be null"),
    ("birth.verify_request_days", "7.5", "value", "whole number"),
    ("birth.verify_request_days", "-1", "value", "between 0"),
    ("birth.verify_request_days", "[7]", "value", "whole number"),
    ("birth.verify_request_days", "", "value", "required"),
    ("birth.registration_basis", "commitment", "value", "JSON"),
    ("birth.registration_basis", "3", "value", "text in double quotes"),
    ("case_open.fee_consultation", "1", "value", "true or false"),
    ("no.such.value", "3", "name", "no policy value"),
    ("", "3", "name", "required"),
])
def test_override_refuses_bad_values_and_writes_nothing(gd_admin, unchanged, name, raw, field, needle):
    with unchanged(), pytest.raises(Invalid) as e:
        services.set_value(actor=gd_admin, name=name, raw_value=raw, division_code=GUANGDONG, valid_from="2027-01-01")
    assert needle in " ".join(e.value.errors[field]), e.value.errors
    assert_bilingual(e.value.errors[field])


@pytest.mark.django_db
def test_override_refuses_bad_places_dates_and_roles(gd_admin, world, unchanged):
    cases = [
        (dict(division_code=SICHUAN), "division", "outside your scope"),
        (dict(division_code="999999999999"), "division", "no division"),
        (dict(valid_from="2027-02-30"), "valid_from", "real date"),
        (dict(valid_from="1900-01-01"), "valid_from", "between"),
    ]
    for change, field, needle in cases:
        args = dict(name="birth.notify_days", raw_value="10", division_code=GUANGDONG, valid_from="2027-01-01") | change
        with unchanged(), pytest.raises(Invalid) as e:
            services.set_value(actor=gd_admin, **args)
        assert needle in e.value.errors[field][0]
    services.set_value(actor=gd_admin, name="birth.notify_days", raw_value="10", division_code=GUANGDONG, valid_from="2027-01-01")
    with unchanged(), pytest.raises(Invalid) as e:
        services.set_value(actor=gd_admin, name="birth.notify_days", raw_value="11", division_code=GUANGDONG, valid_from="2027-01-01")   # history, not overwrites
    assert "another date" in e.value.errors["valid_from"][0]
    for role in ("township_clerk", "province_officer", "auditor", "nation_officer"):
        with unchanged(), pytest.raises(Denied):
            services.set_value(actor=world[role], name="birth.notify_days", raw_value="10", division_code=world[role].division_id, valid_from="2027-02-01")


# ---------------------------------------------------------------- adopting a set

def _values(code, names, days):
    return {(n, d): value(n, code, d) for n in names for d in days}


@pytest.mark.django_db
def test_adoption_keeps_what_held_before_its_date(gd_admin, nation_admin):
    names = list(RULE_SETS["national-2016"].values)
    days = [D(2015, 6, 1), D(2016, 6, 1), D(2019, 12, 31)]
    before = _values(NANTOU, names, days)
    count = PolicyValue.objects.count()
    result = services.adopt_rule_set(actor=gd_admin, code="national-2016", division_code=GUANGDONG, valid_from="2020-01-01")
    # Every name was inherited from the nation on 2019-12-31: carried into 广东 up to the date.
    assert sorted(r.name for r in result.carried) == sorted(names) and len(result.added) == len(names)
    assert PolicyValue.objects.count() == count + 2 * len(names)
    carried = PolicyValue.objects.get(name="birth.verify_request_days", division_id=GUANGDONG, valid_to=D(2020, 1, 1))
    assert (carried.valid_from, carried.rule_set, carried.value) == (D(2016, 1, 1), "national-2016", 7)
    assert "carried" in carried.source and "沿用" in carried.source
    assert _values(NANTOU, names, days) == before
    # The nation later changes a value from a date before 广东's adoption: 广东 keeps what held
    # there (the carried row), 四川 follows the nation.
    services.set_value(actor=nation_admin, name="birth.verify_request_days", raw_value="10", division_code=NATION, valid_from="2018-01-01")
    assert value("birth.verify_request_days", TONGJIANG_T, D(2019, 1, 1)) == 10
    assert value("birth.verify_request_days", NANTOU, D(2019, 1, 1)) == 7
    assert value("birth.verify_request_days", NANTOU, D(2020, 6, 1)) == 7
    assert value_row("birth.verify_request_days", NANTOU, D(2020, 6, 1)).valid_from == D(2020, 1, 1)
    assert value("birth.verify_request_days", NANTOU, D(2017, 6, 1)) == 7
    # Audit: the adoption with what it added and carried.
    event = AuditEvent.objects.get(action="policy.adopt")
    assert event.actor == gd_admin and event.fields["rule_set"] == "national-2016" and event.fields["valid_from"] == "2020-01-01"
    assert sorted(event.fields["added"]) == sorted(names) and event.fields["carried"]["birth.verify_request_days"] == ["2016-01-01", "national-2016", NATION]


@pytest.mark.django_db
def test_adoption_carries_only_what_the_province_does_not_hold_itself(gd_admin):
    services.adopt_rule_set(actor=gd_admin, code="national-2016", division_code=GUANGDONG, valid_from="2020-01-01")
    result = services.adopt_rule_set(actor=gd_admin, code="national-2021", division_code=GUANGDONG, valid_from="2021-10-01")
    # 广东's own 2016 rows hold on 2021-09-30 for the names both sets share; the two names only
    # the 2021 set has are inherited from the nation's 2021 rows and carried.
    assert sorted(r.name for r in result.carried) == ["case_open.fee_consultation", "certificate.required"]
    assert all(r.valid_from == D(2021, 8, 20) and r.valid_to == D(2021, 10, 1) for r in result.carried)
    assert value("birth.max_child_order_registered", NANTOU, D(2021, 9, 1)) == 2      # 广东's own 2016 value
    assert value("birth.max_child_order_registered", NANTOU, D(2021, 10, 1)) is None
    assert value("birth.max_child_order_registered", TONGJIANG_T, D(2021, 9, 1)) is None
    with pytest.raises(Invalid):
        require_case_type_open("fee_consultation", NANTOU, D(2021, 9, 1))


@pytest.mark.django_db
def test_adoption_carry_starts_after_a_more_specific_row_that_held_in_between(gd_admin):
    # Test data: a national row in force 2017 only (a temporary value); on the day before the
    # adoption the 2016 row holds again. The carry must not hide the 2017 value at 广东.
    PolicyValue.objects.create(name="birth.notify_days", division_id=NATION, valid_from=D(2017, 1, 1), valid_to=D(2018, 1, 1), value=20, rule_set="override", source="test")
    before = _values(NANTOU, ["birth.notify_days"], [D(2016, 6, 1), D(2017, 6, 1), D(2019, 6, 1)])
    result = services.adopt_rule_set(actor=gd_admin, code="national-2016", division_code=GUANGDONG, valid_from="2020-01-01")
    carried = next(r for r in result.carried if r.name == "birth.notify_days")
    assert (carried.valid_from, carried.valid_to, carried.value) == (D(2018, 1, 1), D(2020, 1, 1), 15)
    assert _values(NANTOU, ["birth.notify_days"], [D(2016, 6, 1), D(2017, 6, 1), D(2019, 6, 1)]) == before
    assert value("birth.notify_days", NANTOU, D(2017, 6, 1)) == 20


@pytest.mark.django_db
def test_adopting_residence_registration_where_nothing_held_before(gd_admin):
    result = services.adopt_rule_set(actor=gd_admin, code="residence-registration", division_code=GUANGDONG, valid_from="2025-07-01")
    assert result.carried == [] and len(result.added) == 5
    with pytest.raises(PolicyMissing):
        value("residence_registration.report_working_days", NANTOU, D(2025, 6, 30))
    assert value("residence_registration.report_working_days", NANTOU, D(2025, 7, 1)) == 3


@pytest.mark.django_db
def test_adoption_refusals_write_nothing(gd_admin, world, unchanged):
    services.adopt_rule_set(actor=gd_admin, code="national-2016", division_code=GUANGDONG, valid_from="2020-01-01")
    cases = [
        (("national-2016", GUANGDONG, "2020-01-01"), "valid_from", "already"),          # the same set twice
        (("national-2021", GUANGDONG, "2020-01-01"), "valid_from", "choose another date"),  # same names, same day
        (("national-2099", GUANGDONG, "2022-01-01"), "rule_set", "no rule set"),
        (("national-2021", "440300000000", "2022-01-01"), "division", "province"),       # a city
        (("national-2021", ZHEJIANG, "2022-01-01"), "division", "outside your scope"),
        (("national-2021", GUANGDONG, "2022-13-01"), "valid_from", "real date"),
        (("national-2021", GUANGDONG, ""), "valid_from", "required"),
    ]
    for args, field, needle in cases:
        with unchanged(), pytest.raises(Invalid) as e:
            services.adopt_rule_set(actor=gd_admin, **dict(zip(("code", "division_code", "valid_from"), args)))
        assert needle in " ".join(e.value.errors[field]), (args, e.value.errors)
        assert_bilingual(e.value.errors[field])
    with unchanged(), pytest.raises(Invalid):
        services.adopt_rule_set(actor=world["admin"], code="national-2021", division_code=NANSHAN, valid_from="2022-01-01")    # a county administrator
    for role in ("township_clerk", "province_officer", "auditor"):
        with unchanged(), pytest.raises(Denied):
            services.adopt_rule_set(actor=world[role], code="national-2021", division_code=GUANGDONG, valid_from="2022-01-01")


@pytest.mark.django_db
def test_values_in_force_matches_value_for_every_name(gd_admin):
    services.adopt_rule_set(actor=gd_admin, code="national-2016", division_code=GUANGDONG, valid_from="2020-01-01")
    services.set_value(actor=gd_admin, name="birth.notify_days", raw_value="9", division_code=GUANGDONG, valid_from="2024-01-01")
    for code, on in [(NANTOU, D(2019, 12, 31)), (NANTOU, D(2025, 1, 1)), (TONGJIANG_T, D(2025, 1, 1)), (XIHU, D(2012, 1, 1))]:
        rows = queries.values_in_force(code, on)
        assert rows and all(value(r.name, code, on) == r.value for r in rows)
        assert {r.name for r in rows} >= {"birth.notify_days", "audit_retention_days"}


@pytest.mark.django_db
def test_a_name_that_was_always_null_takes_the_kind_of_its_siblings(gd_admin, unchanged):
    # A notification needs no reply (null) under every set; a province may ask for one in working days.
    with unchanged(), pytest.raises(Invalid) as e:
        services.set_value(actor=gd_admin, name="exchange.reply_days.notification", raw_value="true", division_code=GUANGDONG, valid_from="2027-01-01")
    assert "whole number" in e.value.errors["value"][0]
    assert services.set_value(actor=gd_admin, name="exchange.reply_days.notification", raw_value="5", division_code=GUANGDONG, valid_from="2027-01-01").value == 5
    assert value("exchange.reply_days.notification", NANTOU, D(2027, 1, 1)) == 5
    assert value("exchange.reply_days.notification", TONGJIANG_T, D(2027, 1, 1)) is None


@pytest.mark.django_db
def test_the_nation_adopts_a_set_for_the_whole_country(nation_admin):
    result = services.adopt_rule_set(actor=nation_admin, code="residence-registration", division_code=NATION, valid_from="2027-01-01")
    assert result.carried == [] and {r.division_id for r in result.added} == {NATION}
    assert value("residence_registration.report_working_days", TONGJIANG_T, D(2027, 1, 1)) == 3
    with pytest.raises(PolicyMissing):
        value("residence_registration.report_working_days", TONGJIANG_T, D(2026, 12, 31))
    assert value("residence_registration.report_working_days", XIHU, D(2020, 1, 1)) == 3     # Zhejiang's own since 2016


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_services_refuse_exactly_without_the_action(world, role):
    from liudong.accounts.choices import Action, allowed

    staff = world[role]
    if role == "admin":   # the official schedule is loaded at the nation or a province (X4)
        from liudong.divisions.models import Division

        staff.division = Division.objects.get(code="000000000000")
    calls = {
        Action.MANAGE_POLICY: lambda: services.set_value(actor=staff, name="birth.notify_days", raw_value="10", division_code=staff.division_id, valid_from="2027-01-01"),
        Action.MANAGE_CALENDAR: lambda: services_calendar.load_calendar_year(actor=staff, year=2027, rows=[("2027-01-01", "holiday")], source="test", now=NOW),
    }
    for action, call in calls.items():
        if allowed(role, action):
            call()
        else:
            with pytest.raises(Denied):
                call()


@pytest.mark.django_db
def test_a_null_value_is_carried_as_json_null(gd_admin):
    # 广东 goes back to the two-child registration from 2022: what held in late 2021 (no limit) is kept.
    result = services.adopt_rule_set(actor=gd_admin, code="national-2016", division_code=GUANGDONG, valid_from="2022-01-01")
    carried = next(r for r in result.carried if r.name == "birth.max_child_order_registered")
    assert carried.value is None and (carried.valid_from, carried.valid_to) == (D(2021, 8, 20), D(2022, 1, 1))
    assert PolicyValue.objects.filter(pk=carried.pk, value__isnull=True).count() == 0   # JSON null, not SQL NULL
    assert value("birth.max_child_order_registered", NANTOU, D(2021, 9, 1)) is None
    assert value("birth.max_child_order_registered", NANTOU, D(2022, 1, 1)) == 2
