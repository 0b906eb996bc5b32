"""R2 follow-up: which open inflow records wait for a clean-up check (清理查验), scoped to the actor
(invariant 2), and a person's visits.

The interval is the policy value `follow_up_months` (the 2009 set: 3, part 8 四 "对流入人员要坚持
每季度进行一次清理查验"). A record waits when she has lived there since on or before the day that many
months ago and no visit was recorded since then either: an arrival or a move, and a visit
(services_visits.record_visit, which sets Residence.checked_on), bring it up to date; a departure
closes it. People at home (not floating) need no visit.
"""
import datetime

from django.db.models import Count, Min, Q
from django.db.models.functions import Coalesce

from liudong.dates import months_before
from liudong.divisions.models import Division
from liudong.divisions.queries import in_range

from .models import Residence, Visit
from .queries import dashboard_division, policy_value_or_none


def _waiting(code: str, cutoff: datetime.date):
    """Open floating residences in the subtree of `code` not updated since `cutoff` (covered by
    the index residence_open_checked)."""
    return Residence.objects.filter(in_range("division_id", code), left_on__isnull=True, floating=True, arrived_on__lte=cutoff).filter(
        Q(checked_on__isnull=True) | Q(checked_on__lte=cutoff)
    )


def follow_up_interval(code: str, today: datetime.date) -> tuple[int | None, datetime.date | None]:
    """(months, cutoff): the policy interval in force there and then, and the last day a record
    may have been updated on and still wait; (None, None) when no interval is set."""
    months = policy_value_or_none("follow_up_months", code, today)
    if months is None:
        return None, None
    return months, months_before(today, months)


def follow_up_todo(*, actor, today: datetime.date, division: str | None = None, limit: int = 50):
    """Per division of residence in the subtree: how many records wait and since when the oldest
    was last updated. Returns (months, rows)."""
    code = dashboard_division(actor=actor, division=division).code
    months, cutoff = follow_up_interval(code, today)
    if months is None:
        return None, []
    groups = list(
        _waiting(code, cutoff).values("division_id")
        .annotate(n=Count("id"), oldest=Min(Coalesce("checked_on", "arrived_on"))).order_by("-n", "division_id")[:limit]
    )
    names = dict(Division.objects.filter(code__in=[g["division_id"] for g in groups]).values_list("code", "name"))
    return months, [{"code": g["division_id"], "name": names.get(g["division_id"], g["division_id"]), "count": g["n"], "oldest": g["oldest"]} for g in groups]


def follow_up_records(*, actor, today: datetime.date, division: str | None = None, limit: int = 100):
    """The waiting records themselves, longest waiting first, for the to-do page where each gets
    its visit button. Returns (division, months, total, rows); a read of persons, so the caller
    logs it (invariant 3)."""
    target = dashboard_division(actor=actor, division=division)
    months, cutoff = follow_up_interval(target.code, today)
    if months is None:
        return target, None, 0, []
    waiting = _waiting(target.code, cutoff)
    total = waiting.count()
    rows = list(
        waiting.annotate(last=Coalesce("checked_on", "arrived_on")).select_related("person", "division")
        .order_by("last", "id")[:limit]
    )
    return target, months, total, rows


def visits_of(person) -> list[Visit]:
    return list(Visit.objects.filter(person=person).select_related("residence__division", "visited_by").order_by("-visited_on", "-id"))
