"""Issue 7 item 0: the date the demo world carries, and its office days.

Everything in the demo is dated relative to its world date D (invariant 4: the services get D, not
the clock), and the demo opens deadlines up to LONGEST_DEADLINE working days after D (X4: every
deadline is counted on the loaded working-day calendar, and one that runs into a year not loaded is
refused, never guessed). So D is the day the demo is built on, unless the calendar cannot count that
far from it; then D is the last date the calendar "covers well": the latest date from which
LONGEST_DEADLINE working days still end inside the loaded calendar. With the shipped calendar
(chinese-calendar 1.11.0: 2004-2026) that is 2026-12-10, so a demo built on 2027-01-15 is dated
2026-12-10, and says so (the command's output, the home page). Once an administrator loads the next
year (`liudong calendar load`), a new demo is dated the day it is built.

The acts of the demo fall on office days counted back from D (`OfficeDays.back(n)`: the n-th working
day before D), so that a world built on another date is the same world, shifted: the same number of
messages sent, answered, late and overdue.
"""
import datetime

from liudong.errors import Invalid
from liudong.policy.calendar import WorkingCalendar

# Working days: the answer periods of verification requests (X3, B3) and the time to notify a
# registration (B5), the longest the demo opens; a request sent the day before D is due within it.
LONGEST_DEADLINE = 15
# How far back the year of exchange reaches, in working days (about ten and a half months).
OFFICE_DAYS_BACK = 230
ONE_DAY = datetime.timedelta(days=1)


def _fits(cal: WorkingCalendar, day: datetime.date) -> bool:
    if not cal.covers(day):
        return False
    try:
        cal.add_working_days(day, LONGEST_DEADLINE)
    except Invalid:  # CalendarNotLoaded: the deadline runs into a year not loaded
        return False
    return True


def covered_until(cal: WorkingCalendar) -> datetime.date:
    """The last date the calendar covers well (see the module doc)."""
    if cal.last_day is None:
        raise Invalid({"on": ["尚未载入任何年份的工作日历，无法生成演示数据 / no year of the working-day calendar is loaded: the demo cannot be built"]})
    day = cal.last_day
    while not _fits(cal, day):
        day -= ONE_DAY
        if cal.first_day is not None and day < cal.first_day:
            raise Invalid({"on": [f"已载入的工作日历太短，无法计算 {LONGEST_DEADLINE} 个工作日的期限 / the loaded calendar is too short for a deadline of {LONGEST_DEADLINE} working days"]})
    return day


def world_date(cal: WorkingCalendar, on: datetime.date) -> datetime.date:
    """The date the demo world carries when it is built on `on`."""
    if _fits(cal, on):
        return on
    last = covered_until(cal)
    if on > last:
        return last
    raise Invalid({"on": [f"工作日历不包括 {on} 所在的年份 / the working-day calendar does not cover {on}"]})


class OfficeDays:
    """The working days before the world date, latest first."""

    def __init__(self, cal: WorkingCalendar, day: datetime.date, count: int = OFFICE_DAYS_BACK + 60):
        self.world_date = day
        self.days: list[datetime.date] = []
        d = day - ONE_DAY
        while len(self.days) < count and cal.covers(d):
            if cal.is_working_day(d):
                self.days.append(d)
            d -= ONE_DAY

    def back(self, n: int) -> datetime.date:
        """The n-th working day before the world date (n >= 1)."""
        return self.days[min(n, len(self.days)) - 1]
