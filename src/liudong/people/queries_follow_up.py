"""R2 follow-up: which open inflow records wait for a clean-up check (清理查验), scoped to the actor
(invariant 2), and a person's visits.

The interval is the policy value `follow_up_months` (the 2009 set: 3, part 8 四 "对流入人员要坚持
每季度进行一次清理查验"). A record waits when she has lived there since on or before the day that many
months ago and no visit was recorded since then either: an arrival or a move, and a visit
(services_visits.record_visit, which sets Residence.checked_on), bring it up to date; a departure
closes it. People at home (not floating) need no visit.
"""
import datetime

from django.db.models import Count, F, Min, Q
from django.db.models.functions import Coalesce, Substr

from liudong.codes import PREFIX_LENGTH
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


def follow_up_todo(*, actor, today: datetime.date, division: str | None = None, limit: int = 100):
    """Per child division of the one shown (a county's townships, a township's villages; a
    village itself): how many records wait and since when the oldest was last updated, most
    waiting first. One grouped scan over the index range. Returns (months, rows)."""
    target = dashboard_division(actor=actor, division=division)
    code = target.code
    months, cutoff = follow_up_interval(code, today)
    if months is None:
        return None, []
    width = PREFIX_LENGTH[min(target.level + 1, 5)]
    groups = list(
        _waiting(code, cutoff).annotate(part=Substr("division_id", 1, width)).values("part")
        .annotate(n=Count("id"), oldest=Min(Coalesce("checked_on", "arrived_on"))).order_by("-n", "part")[:limit]
    )
    codes = {g["part"]: g["part"].ljust(12, "0") for g in groups}
    names = dict(Division.objects.filter(code__in=list(codes.values())).values_list("code", "name"))
    return months, [{"code": codes[g["part"]], "name": names.get(codes[g["part"]], codes[g["part"]]), "count": g["n"], "oldest": g["oldest"]}
                    for g in groups]


# R2 follow-up list orders: longest waiting first by default.
FOLLOW_UP_ORDERS = {
    "last": (F("last").asc(), "id"), "-last": (F("last").desc(), "-id"),
    "name": ("person__name_key", "id"), "-name": ("-person__name_key", "-id"),
    "arrived": ("arrived_on", "id"), "-arrived": ("-arrived_on", "-id"),
    "division": ("division_id", "last", "id"), "-division": ("-division_id", "last", "id"),
}


def follow_up_records(*, actor, today: datetime.date, division: str | None = None, order: str = "last"):
    """The waiting records themselves (a queryset, sorted by `order`, "last" when unknown) for
    the to-do page, paged by the caller, where each gets its visit button. Returns (division,
    months, order, rows); a read of persons, so the caller logs the page it shows (invariant 3)."""
    target = dashboard_division(actor=actor, division=division)
    months, cutoff = follow_up_interval(target.code, today)
    order = order if order in FOLLOW_UP_ORDERS else "last"
    if months is None:
        return target, None, order, Residence.objects.none()
    rows = (
        _waiting(target.code, cutoff).annotate(last=Coalesce("checked_on", "arrived_on")).select_related("person", "division")
        .order_by(*FOLLOW_UP_ORDERS[order])
    )
    return target, months, order, rows


def visits_of(person) -> list[Visit]:
    return list(Visit.objects.filter(person=person).select_related("residence__division", "visited_by").order_by("-visited_on", "-id"))
