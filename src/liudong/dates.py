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
