"""Date arithmetic the apps share. Parsing a typed date is `liudong.fields.date`; reading today's
date is `liudong.clock` (the edge only, invariant 4)."""
import datetime

from django.utils import timezone


def local_day(moment: datetime.datetime) -> datetime.date:
    """The day a moment falls on in the server's time zone (a naive moment is taken as local)."""
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months earlier, or the last day of that month when it is
    shorter (31 May less 3 months is 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return min(day.replace(year=year, month=month, day=1) + datetime.timedelta(days=day.day - 1), following - datetime.timedelta(days=1))


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months later, or the last day of that month when it is
    shorter (31 August plus 6 months is 28 or 29 February)."""
    return months_before(day, -months)


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (29 February to 28 February in a common year)."""
    return months_before(day, -12 * years)


def full_years(start: datetime.date, end: datetime.date) -> int:
    """Whole years from `start` to `end` (0 when end is before the first anniversary)."""
    if end < start:
        return 0
    n = end.year - start.year
    while n > 0 and years_after(start, n) > end:
        n -= 1
    return n
