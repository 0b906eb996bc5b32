"""S4: check frequency is county data (part 11's county example, adopted by a county, never a
national default); where no value is in force the schedule says so; due and overdue lists."""
import pytest

from tests.conftest import NANTOU_V2, make_id

from .conftest import NANSHAN, at, person

pytestmark = pytest.mark.django_db
NUMBERS = "零一二三四五六七八九"


def record(clerk, woman, day, items=("iud",), method=""):
    from liudong.technical import services

    return services.record_check(actor=clerk, data={"person_id": woman.pk, "checked_on": day, "items": list(items), "result": "normal", "method": method}, now=at("2026-11-28"))


def test_S4_without_a_county_value_in_force_nothing_is_scheduled_and_the_schedule_says_so(api, woman):
    r = api("township_clerk").get("/api/v1/checks/due", period="2026-Q4")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 0 and body["results"] == []
    [schedule] = body["schedules"]
    assert schedule["county"] == NANSHAN and schedule["in_force"] is False and schedule["key_per_year"] is None and schedule["women"] == 1
    assert "没有生效的检查频次" in schedule["note"]


def test_S4_the_county_example_is_not_a_national_default_and_only_counties_adopt_it():
    from liudong.errors import Invalid
    from liudong.policy.rule_sets import RULE_SETS
    from liudong.policy.services import PolicyMissing, adopt_rule_set, value

    rs = RULE_SETS["ningshan-2011"]
    assert rs.default_from is None and rs.default_division is None and rs.adopted_down_to == 3
    with pytest.raises(PolicyMissing):
        value("services.checks_per_year.key", "000000000000", at("2026-11-28").date())
    with pytest.raises(Invalid):
        adopt_rule_set(actor=None, code="ningshan-2011", division_code="440305001000", valid_from="2026-07-01")  # a township may not


def test_S4_a_schedule_across_a_county_policy_change(api, woman, clerk, county_policy):
    from liudong.policy.services import set_value

    # Before 2026-07-01 nothing is in force in 南山区: 2026-Q2 schedules nobody.
    q2 = api("township_clerk").get("/api/v1/checks/due", period="2026-Q2").json()
    assert q2["count"] == 0 and q2["schedules"][0]["in_force"] is False
    # From 2026-07-01 the county example: key subjects four times a year (a quarter each).
    record(clerk, woman, "2026-08-10")
    q3 = api("township_clerk").get("/api/v1/checks/due", period="2026-Q3").json()
    assert q3["schedules"][0]["key_per_year"] == 4 and q3["schedules"][0]["in_force"] is True and q3["count"] == 0
    q4 = api("township_clerk").get("/api/v1/checks/due", period="2026-Q4").json()
    assert q4["count"] == 1
    [row] = q4["results"]
    assert row["person_id"] == woman.pk and row["category"] == "key" and (row["window_start"], row["window_end"]) == ("2026-10-01", "2026-12-31")
    assert row["state"] == "due" and row["last_checked_on"] == "2026-08-10"
    # The county changes its rule from 2026-10-01: key subjects twice a year. Q4 now lies in the
    # half year 2026-07..12, in which she was checked in August: not due.
    set_value(actor=None, name="services.checks_per_year.key", raw_value="2", division_code=NANSHAN, valid_from="2026-10-01", source="南山区 2026 年调整")
    q4 = api("township_clerk").get("/api/v1/checks/due", period="2026-Q4").json()
    assert q4["schedules"][0]["key_per_year"] == 2 and q4["count"] == 0
    # ...while Q3 is still judged by the rule of its own first day (four a year).
    assert api("township_clerk").get("/api/v1/checks/due", period="2026-Q3").json()["schedules"][0]["key_per_year"] == 4


def test_S4_a_past_window_without_a_check_is_overdue(api, woman, county_policy):
    q3 = api("county_officer").get("/api/v1/checks/due", period="2026-Q3", division="440305").json()
    assert [(r["person_id"], r["state"], r["window_end"]) for r in q3["results"]] == [(woman.pk, "overdue", "2026-09-30")]


def test_S4_women_over_40_with_an_IUD_are_ordinary_subjects_checked_twice_a_year(api, clerk, county_policy):
    older = person(clerk, id_number=make_id("511921", "19800505", 44), name="刘梅", village=NANTOU_V2)
    record(clerk, older, "2026-07-15", method="iud")
    q4 = api("township_clerk").get("/api/v1/checks/due", period="2026-Q4").json()
    assert q4["count"] == 0  # ordinary: the half year 2026-07..12 is covered by July's check
    q3 = api("township_clerk").get("/api/v1/checks/due", period="2027-Q1")
    assert q3.status_code == 200  # a future period is listed by its first window
    # without the IUD she is a key subject, checked each quarter
    record(clerk, older, "2026-07-20", method="pill")
    q4 = api("township_clerk").get("/api/v1/checks/due", period="2026-Q4").json()
    assert [(r["category"], r["window_start"]) for r in q4["results"]] == [("key", "2026-10-01")]


def test_S4_screening_twice_a_year(api, woman, clerk, county_policy):
    due = api("township_clerk").get("/api/v1/checks/due", period="2026-H2", item="screening").json()
    assert [(r["category"], r["window_start"], r["window_end"]) for r in due["results"]] == [("screening", "2026-07-01", "2026-12-31")]
    record(clerk, woman, "2026-09-01", items=("screening",))
    assert api("township_clerk").get("/api/v1/checks/due", period="2026-H2", item="screening").json()["count"] == 0


def test_S4_the_due_list_is_scoped_logged_and_refuses_bad_input(api, woman, county_policy):
    from liudong.accounts.models import AuditEvent

    assert api("shekou_clerk").get("/api/v1/checks/due", period="2026-Q4").json()["count"] == 0
    assert api("shekou_clerk").get("/api/v1/checks/due", division="440305001000").status_code == 422
    bad = api("township_clerk").get("/api/v1/checks/due", period="2026-Q5", item="all")
    assert bad.status_code == 422 and {"period", "item"} <= set(bad.json()["errors"])
    api("township_clerk").get("/api/v1/checks/due", period="2026-Q4")
    event = AuditEvent.objects.filter(action="check.due_list").latest("id")
    assert event.fields["shown"] == [woman.pk]


def test_S4_a_city_list_judges_each_county_by_its_own_rule(world, clerk, woman, county_policy):
    # Only county officers and those below see the lists (privacy); a city's list is the system's
    # (a command, actor None): two counties, two rules, one pass over the women.
    from liudong.policy.services import adopt_rule_set, set_value
    from liudong.technical import queries

    from tests.conftest import FUTIAN, FUTIAN_V

    from .conftest import d

    def city(period):
        due = queries.due_list(actor=None, division_code="440300000000", period=period, today=d("2026-11-28"))
        return due, due.rows[0:50]

    other = person(world["futian_clerk"], id_number=make_id("511921", "19920202", 46), name="陈静", village=FUTIAN_V)
    record(clerk, woman, "2026-08-10")
    record(world["futian_clerk"], other, "2026-08-12")
    # 福田区 has no rule yet: its woman is counted under a schedule that says so, and never listed
    due, rows = city("2026-Q4")
    assert [(s.county, s.in_force, s.women) for s in due.schedules] == [(FUTIAN, False, 1), (NANSHAN, True, 1)]
    assert [r.person_id for r in rows] == [woman.pk] and due.count == 1
    # 福田区 adopts the example but checks its key subjects twice a year: August covers her half year
    adopt_rule_set(actor=None, code="ningshan-2011", division_code=FUTIAN, valid_from="2026-07-01")
    set_value(actor=None, name="services.checks_per_year.key", raw_value="2", division_code=FUTIAN, valid_from="2026-07-02", source="福田区")
    due, rows = city("2026-Q4")
    assert [(s.county, s.values["services.checks_per_year.key"]) for s in due.schedules] == [(FUTIAN, 2), (NANSHAN, 4)]
    assert [(r.person_id, str(r.window_start)) for r in rows] == [(woman.pk, "2026-10-01")] and due.count == 1
    # ...and in 2027-Q1 both are due, each in her own county's window
    due, rows = city("2027-Q1")
    assert sorted((r.person_id, str(r.window_end)) for r in rows) == sorted([(woman.pk, "2027-03-31"), (other.pk, "2027-06-30")]) and due.count == 2


def test_S4_a_check_recorded_before_a_move_counts_at_her_new_residence(api, woman, clerk, county_policy):
    from liudong.accounts.models import Staff
    from liudong.people import services as people

    from tests.conftest import SHEKOU_V1

    from .conftest import d

    record(clerk, woman, "2026-10-05")
    police = Staff.objects.create(username="nanshan_police", role="police_officer", division_id=NANSHAN)
    people.record_move(actor=police, person=woman, data={"division": SHEKOU_V1, "address": "南山社区3栋", "arrived_on": "2026-10-20", "reason": "work"}, today=d("2026-11-28"))
    # 南山街道 now serves her: her October check in 南头街道 covers the quarter, 2027-Q1 is due
    assert api("shekou_clerk").get("/api/v1/checks/due", period="2026-Q4").json()["count"] == 0
    assert api("township_clerk").get("/api/v1/checks/due", period="2026-Q4").json()["count"] == 0
    q1 = api("shekou_clerk").get("/api/v1/checks/due", period="2027-Q1").json()
    assert [(r["person_id"], r["village"], r["last_checked_on"]) for r in q1["results"]] == [(woman.pk, SHEKOU_V1, "2026-10-05")]


def test_S4_the_due_list_is_computed_a_page_at_a_time_with_no_query_per_woman(clerk, county_policy, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from liudong.technical import queries

    from .conftest import d

    def run(offset, limit):
        with CaptureQueriesContext(connection) as ctx:
            due = queries.due_list(actor=world["county_officer"], period="2026-Q4", today=d("2026-11-28"))
            rows = due.rows[offset:offset + limit]
            count = due.count
        return count, rows, len(ctx.captured_queries)

    women = [person(clerk, id_number=make_id("511921", f"1990{m:02d}15", 60 + m), name="李" + NUMBERS[m]) for m in range(1, 4)]
    run(0, 2)  # the officer's division is loaded once, then kept on her
    count, rows, few = run(0, 2)
    assert count == 3 and [r.person_id for r in rows] == [w.pk for w in women[:2]]
    assert [r.person_id for r in run(2, 2)[1]] == [women[2].pk]
    women += [person(clerk, id_number=make_id("511921", f"1991{m:02d}15", 70 + m), name="赵" + NUMBERS[m]) for m in range(1, 10)]
    for w in women[:4]:
        record(clerk, w, "2026-11-02", method="iud")
    count, rows, many = run(0, 100)
    assert count == 8 and len(rows) == 8 and many == few  # the same queries for 3 women or 12, 2 rows or 8


def test_S4_a_page_far_down_the_list_holds_the_same_women_as_one_near_its_start(clerk, county_policy, world, monkeypatch):
    """A page near the start of a due list probes each woman's checks in the list's order; a page
    far down has the database build the sets of checks once (PostgreSQL). Both tests must list the
    same women with the same category, ordinary subjects (older, IUD as latest method) included."""
    from liudong.technical import queries

    from .conftest import d

    women = [person(clerk, id_number=make_id("511921", f"19{78 + m:02d}0{m}15", 80 + m), name="钱" + NUMBERS[m]) for m in range(1, 9)]
    record(clerk, women[0], "2026-08-02", method="iud")   # older, IUD, checked in the half year: not due
    record(clerk, women[1], "2026-08-02", method="pill")  # older, not IUD: key, Q3 check does not count
    record(clerk, women[2], "2026-10-20", method="iud")   # checked in the quarter: not due
    record(clerk, women[3], "2026-05-02", method="iud")   # IUD before the half year: ordinary, due

    def listed():
        due = queries.due_list(actor=world["county_officer"], period="2026-Q4", today=d("2026-11-28"))
        return due.count, [(r.person_id, r.category, r.last_checked_on) for r in due.rows[0:100]]

    near = listed()
    monkeypatch.setattr(queries, "PROBED_PAGES_UP_TO", 0)
    far = listed()
    assert near == far and near[0] == len(near[1])
    ids = [pid for pid, _, _ in near[1]]
    assert women[0].pk not in ids and women[2].pk not in ids and women[1].pk in ids and women[3].pk in ids
    categories = {pid: c for pid, c, _ in near[1]}
    assert categories[women[3].pk] == "ordinary" and categories[women[1].pk] == "key"
