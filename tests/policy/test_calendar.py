"""X4: working days on the official calendar, its end, and loading a new year."""
import datetime

import pytest

from liudong.accounts.models import AuditEvent
from liudong.errors import Denied, Invalid
from liudong.policy import services_calendar
from liudong.policy.calendar import CalendarNotLoaded, add_working_days, is_working_day, working_days_between
from liudong.policy.models import CalendarDay, CalendarYear

from .conftest import CSV_2027, NOW, assert_bilingual

D = datetime.date


# ---------------------------------------------------------------- counting (seeded 2004-2026)

@pytest.mark.django_db
def test_spring_festival_2026():
    # Thu 02-12 + 7: Fri 13 (1), Sat 14 make-up (2), Sun 15 rest, 16-20 and Mon 23 holidays, 21-22
    # weekend, Tue 24 (3), 25 (4), 26 (5), Fri 27 (6), Sat 28 make-up (7).
    assert add_working_days(D(2026, 2, 12), 7) == D(2026, 2, 28)
    # Fri 02-13 + 15: 14 (1), 24-28 (2-6), Mon 03-02 .. Fri 03-06 (7-11), 03-09 .. 03-12 (12-15).
    assert add_working_days(D(2026, 2, 13), 15) == D(2026, 3, 12)
    # Received on the Saturday make-up workday: the day of receipt is not counted; Tue 24 is next.
    assert add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert working_days_between(D(2026, 2, 12), D(2026, 2, 28)) == 7
    assert working_days_between(D(2026, 2, 13), D(2026, 3, 12)) == 15
    assert not is_working_day(D(2026, 2, 23)) and is_working_day(D(2026, 2, 14)) and not is_working_day(D(2026, 2, 15))


@pytest.mark.django_db
def test_national_day_2026():
    # Wed 09-30 + 7: 10-01, 02 holidays, 03-04 weekend, 05-07 holidays, Thu 08 (1), Fri 09 (2),
    # Sat 10 make-up (3), Sun 11 rest, Mon 12 (4), 13 (5), 14 (6), Thu 15 (7).
    assert add_working_days(D(2026, 9, 30), 7) == D(2026, 10, 15)
    # Fri 09-18 + 5: Sat 19 rest, Sun 20 make-up (1), Mon 21 .. Thu 24 (2-5).
    assert add_working_days(D(2026, 9, 18), 5) == D(2026, 9, 24)
    # Fri 09-18 + 15: 20-24 (1-5), Fri 25 Mid-autumn holiday, Mon 28 .. Wed 30 (6-8), Thu 10-08,
    # Fri 09 (9, 10), Sat 10 make-up (11), Mon 12 .. Thu 15 (12-15).
    assert add_working_days(D(2026, 9, 18), 15) == D(2026, 10, 15)
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 15)) == 7
    assert working_days_between(D(2026, 10, 1), D(2026, 10, 7)) == 0


@pytest.mark.django_db
def test_zero_days_is_the_day_itself_and_negative_is_refused():
    assert add_working_days(D(2026, 2, 16), 0) == D(2026, 2, 16)   # a holiday: still itself
    assert working_days_between(D(2026, 2, 16), D(2026, 2, 16)) == 0
    with pytest.raises(Invalid):
        add_working_days(D(2026, 2, 16), -1)


@pytest.mark.django_db
def test_end_of_the_calendar_is_an_error_until_2027_is_loaded(load_2027):
    # Thu 12-24 + 5: Fri 25 (1), Mon 28 .. Thu 31 (2-5): still 2026.
    assert add_working_days(D(2026, 12, 24), 5) == D(2026, 12, 31)
    with pytest.raises(CalendarNotLoaded) as e:
        add_working_days(D(2026, 12, 24), 7)
    assert e.value.year == 2027
    assert_bilingual(e.value.errors["date"])
    assert "2027" in e.value.errors["date"][0]
    with pytest.raises(CalendarNotLoaded):
        working_days_between(D(2026, 12, 24), D(2027, 1, 5))

    load_2027()
    # Thu 12-24 + 7: 25 (1), 28-31 (2-5), Fri 2027-01-01 holiday (test schedule), Mon 04 (6), Tue 05 (7).
    assert add_working_days(D(2026, 12, 24), 7) == D(2027, 1, 5)
    assert working_days_between(D(2026, 12, 24), D(2027, 1, 5)) == 7
    # 2027's Spring Festival of the test schedule: Thu 02-04 + 3: Fri 05 (1), 06-14 off, Mon 15 (2), Tue 16 (3).
    assert add_working_days(D(2027, 2, 4), 3) == D(2027, 2, 16)
    # Its make-up workday Sun 01-31: Fri 01-29 + 1.
    assert add_working_days(D(2027, 1, 29), 1) == D(2027, 1, 31)
    with pytest.raises(CalendarNotLoaded):
        add_working_days(D(2027, 12, 24), 7)  # 2028 is not loaded


# ---------------------------------------------------------------- loading a year

@pytest.mark.django_db
def test_load_2027_writes_the_year_its_days_and_an_audit_event(load_2027, world, nation_admin):
    result = load_2027(actor=nation_admin)
    assert (result.year, result.holidays, result.workdays, result.replaced) == (2027, 11, 4, False)
    year = CalendarYear.objects.get(year=2027)
    assert year.loaded_by == "nation_admin" and "测试" in year.source
    assert CalendarDay.objects.get(date=D(2027, 2, 8)).name == "春节"
    event = AuditEvent.objects.get(action="calendar.load")
    assert event.actor == nation_admin and event.object_id == "2027" and event.fields["holidays"] == 11


BAD_CSV = """date,kind
2027-01-01,holiday
2027-02-30,holiday
2026-12-31,holiday
2027-02-08,vacation
2027-02-06,holiday
2027-02-09,workday
2027-01-01,holiday
2027-03-01
"""


@pytest.mark.django_db
def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(load_2027, unchanged):
    with unchanged(), pytest.raises(Invalid) as e:
        load_2027(text=BAD_CSV)
    messages = e.value.errors["file"]
    assert_bilingual(messages)
    by_line = {n: [m for m in messages if m.startswith(f"第{n}行")] for n in range(2, 10)}
    assert not by_line[2]                                   # the good row
    assert "2027-02-30" in by_line[3][0]                    # not a real date
    assert "2026-12-31" in by_line[4][0] and "2027" in by_line[4][0]   # outside the year
    assert "vacation" in by_line[5][0]                      # unknown kind
    assert "星期六" in by_line[6][0] and "weekend" in by_line[6][0]    # holiday on a weekend
    assert "星期二" in by_line[7][0] and "weekday" in by_line[7][0]    # workday on a weekday
    assert "第2行" in by_line[8][0]                         # repeats line 2
    assert "2 列" in by_line[9][0]                          # a column missing
    assert all(f"line {n}" in by_line[n][0] for n in range(3, 10))
    assert not CalendarYear.objects.filter(year=2027).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("text, needle", [
    ("day,kind\n2027-01-01,holiday\n", "date,kind"),
    ("date,kind\n", "no rows"),
    (b"date,kind\n2027-01-01,\x00holiday\n", "NUL"),
    (b"date,kind\n2027-01-01,\xff\xfe\xff\n", "UTF-8"),
])
def test_bad_files(load_2027, unchanged, text, needle):
    with unchanged(), pytest.raises(Invalid) as e:
        rows = services_calendar.read_calendar_csv(text if isinstance(text, bytes) else text.encode())
        services_calendar.load_calendar_year(actor=None, year=2027, rows=rows, source="x", now=NOW)
    assert needle in " ".join(e.value.errors["file"])


@pytest.mark.django_db
@pytest.mark.parametrize("year, needle", [(2003, "2004"), (2101, "2100"), ("20x7", "whole number"), (2028, "2027")])
def test_year_must_be_in_range_and_follow_the_loaded_ones(unchanged, year, needle):
    with unchanged(), pytest.raises(Invalid) as e:
        services_calendar.load_calendar_year(actor=None, year=year, rows=[("2028-01-03", "holiday")], source="x", now=NOW)
    assert needle in e.value.errors["year"][0]


@pytest.mark.django_db
def test_gbk_file_and_pairs_without_line_numbers(db):
    rows = services_calendar.read_calendar_csv("date,kind,name\n2027-01-01,holiday,元旦\n".encode("gb18030"))
    assert rows == [(2, ["2027-01-01", "holiday", "元旦"])]
    with pytest.raises(Invalid) as e:
        services_calendar.load_calendar_year(actor=None, year=2027, rows=[("2027-01-01", "holiday"), ("2027-01-02", "holiday")], source="x", now=NOW)
    assert e.value.errors["file"][0].startswith("第3行")


@pytest.mark.django_db
def test_a_loaded_year_needs_replace_and_replace_is_audited_with_the_changes(load_2027, world, unchanged, nation_admin):
    load_2027()
    with unchanged(), pytest.raises(Invalid) as e:
        load_2027()
    assert "replace" in e.value.errors["year"][0]
    # The test schedule corrected: the make-up workday moves from Sat 02-20 to Sun 02-07.
    corrected = CSV_2027.replace("2027-02-20,workday", "2027-02-07,workday")
    assert add_working_days(D(2027, 2, 5), 1) == D(2027, 2, 15)
    result = load_2027(actor=nation_admin, text=corrected, replace=True, now=NOW)
    assert result.replaced and result.added == ["2027-02-07"] and result.removed == ["2027-02-20"]
    # The cached calendar follows the replacement at once.
    assert add_working_days(D(2027, 2, 5), 1) == D(2027, 2, 7)
    assert is_working_day(D(2027, 2, 20)) is False
    event = AuditEvent.objects.get(action="calendar.replace")
    assert event.fields["added"] == ["2027-02-07"] and event.fields["removed"] == ["2027-02-20"]


@pytest.mark.django_db
def test_loading_takes_the_calendar_role(load_2027, world, unchanged):
    for role in ("township_clerk", "province_officer", "auditor"):
        with unchanged(), pytest.raises(Denied):
            load_2027(actor=world[role])


# ---------------------------------------------------------------- status and warning

@pytest.mark.django_db
def test_calendar_status_and_the_warning(settings, load_2027, world, nation_admin):
    status = services_calendar.calendar_status(D(2026, 11, 29))
    assert status.last_day == D(2026, 12, 31) and status.days_left == 32 and status.warn and status.next_year == 2027
    assert not services_calendar.calendar_status(D(2026, 10, 31)).warn     # 61 days before the end
    assert services_calendar.calendar_status(D(2026, 11, 1)).warn          # 60 days
    settings.LIUDONG_CALENDAR_WARN_DAYS = 20
    assert not services_calendar.calendar_status(D(2026, 11, 29)).warn
    settings.LIUDONG_CALENDAR_WARN_DAYS = 60
    late = services_calendar.calendar_status(D(2027, 1, 4))
    assert late.warn and late.days_left < 0 and not late.covers_today
    assert services_calendar.calendar_warning(actor=nation_admin, today=D(2026, 11, 29)) is not None
    assert services_calendar.calendar_warning(actor=world["township_clerk"], today=D(2026, 11, 29)) is None
    load_2027()
    assert services_calendar.calendar_status(D(2026, 11, 29)).last_day == D(2027, 12, 31)
    assert services_calendar.calendar_warning(actor=nation_admin, today=D(2026, 11, 29)) is None


def test_X4_the_suite_runs_on_a_pinned_day_inside_the_loaded_calendar(db):
    """Issue 7 item 0: the calendar ships 2004-2026; the suite's clock is pinned (tests/conftest.py)
    so that no result changes once the real date runs past the loaded years."""
    from liudong import clock
    from liudong.policy.calendar import working_calendar
    from tests.conftest import TODAY

    assert clock.today() == TODAY
    assert working_calendar().covers(clock.today())
