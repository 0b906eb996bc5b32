"""X4: working days on the official calendar, with holidays and make-up workdays (调休).

Every deadline in the system goes through `add_working_days` (architecture invariant 4). The
calendar is a table (seeded from the package chinese-calendar, extended by an administrator one
year at a time); a date in a year that is not loaded is an error, never a guess.
"""
import datetime
import threading

from liudong.errors import Invalid

from .models import CalendarDay, CalendarYear, DayKind

ONE_DAY = datetime.timedelta(days=1)


class CalendarNotLoaded(Invalid):
    """A deadline the calendar cannot compute (X4): shown to the user as a field error."""

    def __init__(self, year: int, field: str = "date"):
        self.year = year
        super().__init__({field: [f"{year} 年的工作日历尚未载入，无法计算期限；请管理员载入国务院公布的 {year} 年放假安排 / "
                                  f"the working-day calendar for {year} is not loaded, so the deadline cannot be computed; an administrator must load {year}'s official schedule"]})


class WorkingCalendar:
    """A snapshot of the loaded calendar: the loaded years and their exceptions."""

    def __init__(self, years, exceptions: dict[datetime.date, str]):
        self.years = frozenset(years)
        self.exceptions = exceptions
        self._cache: dict[tuple[datetime.date, int], datetime.date] = {}

    @property
    def first_day(self) -> datetime.date | None:
        return datetime.date(min(self.years), 1, 1) if self.years else None

    @property
    def last_day(self) -> datetime.date | None:
        """The end of the run of loaded years that contains the latest one."""
        return datetime.date(max(self.years), 12, 31) if self.years else None

    def covers(self, day: datetime.date) -> bool:
        return day.year in self.years

    def is_working_day(self, day: datetime.date, field: str = "date") -> bool:
        if day.year not in self.years:
            raise CalendarNotLoaded(day.year, field)
        kind = self.exceptions.get(day)
        if kind == DayKind.HOLIDAY:
            return False
        if kind == DayKind.WORKDAY:
            return True
        return day.weekday() < 5

    def add_working_days(self, start: datetime.date, days: int, field: str = "date") -> datetime.date:
        """X4: "within N working days" of `start` ends on the Nth working day after it; the day of
        receipt is not counted (民法典 第二百零一条). N = 0 gives `start` itself."""
        if days < 0:
            raise Invalid({"days": ["工作日数不能为负 / days must not be negative"]})
        key = (start, days)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        if start.year not in self.years:
            raise CalendarNotLoaded(start.year, field)
        day, left = start, days
        while left:
            day += ONE_DAY
            if self.is_working_day(day, field):
                left -= 1
        if len(self._cache) < 100_000:
            self._cache[key] = day
        return day

    def working_days_between(self, start: datetime.date, end: datetime.date, field: str = "date") -> int:
        """Working days after `start` up to and including `end` (so add_working_days(start, n) = end
        gives n). Negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start, field)
        for year in range(start.year, end.year + 1):
            if year not in self.years:
                raise CalendarNotLoaded(year, field)
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            if self.is_working_day(day, field):
                count += 1
        return count


_lock = threading.Lock()
_snapshot: tuple[tuple, WorkingCalendar] | None = None


def working_calendar() -> WorkingCalendar:
    """The loaded calendar, re-read only when a year was loaded or replaced since: the stamp is
    every loaded year with its load time (a few dozen rows), so another process's replace of any
    year is seen on the next call."""
    global _snapshot
    stamp = tuple(CalendarYear.objects.order_by("year").values_list("year", "loaded_at"))
    with _lock:
        if _snapshot is not None and _snapshot[0] == stamp:
            return _snapshot[1]
    cal = WorkingCalendar(CalendarYear.objects.values_list("year", flat=True), dict(CalendarDay.objects.values_list("date", "kind")))
    with _lock:
        _snapshot = (stamp, cal)
    return cal


def forget_snapshot() -> None:
    """Read the calendar again on the next call (after a load or replace, and on its commit)."""
    global _snapshot
    with _lock:
        _snapshot = None


def add_working_days(start: datetime.date, days: int, field: str = "date") -> datetime.date:
    return working_calendar().add_working_days(start, days, field)


def working_days_between(start: datetime.date, end: datetime.date, field: str = "date") -> int:
    return working_calendar().working_days_between(start, end, field)


def is_working_day(day: datetime.date, field: str = "date") -> bool:
    return working_calendar().is_working_day(day, field)
