"""Invariant 4: the one place the web pages and the API read the calendar. Domain code never does:
services and queries take the date of the act (or `today`) as an argument, so every rule can be
tested on any date; tests replace `today` where an edge module imported it."""
import datetime

from django.utils import timezone


def today() -> datetime.date:
    return timezone.localdate()
