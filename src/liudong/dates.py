"""Date arithmetic the apps share. Parsing a typed date is `liudong.fields.date`; reading today's
date is `liudong.clock` (the edge only, invariant 4)."""
import datetime

from django.utils import timezone


def local_day(moment: datetime.datetime) -> datetime.date:
    """The day a moment falls on in the server's time zone (a naive moment is taken as local)."""
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()
