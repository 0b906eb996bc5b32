"""Invariant 4: the one place the web pages, the API and the commands read the clock. Domain code
never does: services and queries take the date of the act (`today`, `on`) or its moment (`now`)
as an argument, so that every rule can be tested on any date; tests replace `today` or `now`
where an edge module imported it. The only other readings are the audit log's own timestamps,
the log-in lock-out and token expiry (tests/kernel/test_clock.py keeps the list)."""
import datetime

from django.utils import timezone


def today() -> datetime.date:
    """Today's date in the server's time zone."""
    return timezone.localdate()


def now() -> datetime.datetime:
    """The moment of an act, aware."""
    return timezone.now()
