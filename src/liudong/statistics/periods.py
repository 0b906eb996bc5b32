"""T2: the periods of statistics: a month `YYYY-MM`, the calendar year, and the family-planning
statistical year (part 11: 1 October of the year before to 30 September)."""
import calendar
import datetime
import re

from liudong.errors import Invalid

PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_YEAR = 2000
STAT_YEAR_START_MONTH = 10   # part 11: the statistical year runs 1 October - 30 September


def month_end(first: datetime.date) -> datetime.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def next_month(first: datetime.date) -> datetime.date:
    return (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def previous_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def label(first: datetime.date) -> str:
    return f"{first.year:04d}-{first.month:02d}"


def parse(raw, *, today: datetime.date, field: str = "period", ended: bool = False) -> datetime.date:
    """The first day of the month `YYYY-MM`; Invalid when malformed, in the future, or (with
    `ended`) not over yet on `today` (a report is acted on only once its month has ended)."""
    m = PERIOD_RE.match(str(raw or "").strip())
    month = int(m.group(2)) if m else 0
    if not m or not 1 <= month <= 12 or int(m.group(1)) < FIRST_YEAR:
        raise Invalid({field: [f"统计月份应为 YYYY-MM，{FIRST_YEAR} 年以后 / the period is a month YYYY-MM from {FIRST_YEAR}"]})
    first = datetime.date(int(m.group(1)), month, 1)
    if first > today:
        raise Invalid({field: [f"统计月份 {label(first)} 尚未开始 / the period {label(first)} is in the future"]})
    if ended and month_end(first) >= today:
        raise Invalid({field: [f"统计月份 {label(first)} 尚未结束（{month_end(first)} 之后才能报送、审核） / the period {label(first)} has not ended "
                               f"(reports are acted on after {month_end(first)})"]})
    return first


def statistical_year(first: datetime.date) -> tuple[int, datetime.date, datetime.date]:
    """Part 11: the statistical year holding the month: (the year it ends in, 1 October, 30 September)."""
    year = first.year + 1 if first.month >= STAT_YEAR_START_MONTH else first.year
    return year, datetime.date(year - 1, STAT_YEAR_START_MONTH, 1), datetime.date(year, 9, 30)


def calendar_year(first: datetime.date) -> tuple[int, datetime.date, datetime.date]:
    return first.year, datetime.date(first.year, 1, 1), datetime.date(first.year, 12, 31)
