"""R7 and R9 reads for the pages: a division's back-check draws, one draw with its items per
collector, one item; the error rates by month as a chart; the births reconciliations of an area
and one with its to-dos. Scoped by the actor's division (404 for what lies outside, as for what
does not exist); the lists that show people's names are logged (invariant 3, queries.log_list)."""
from django.utils.translation import gettext_lazy as _

from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.divisions.models import Division
from liudong.divisions.queries import in_range
from liudong.errors import NotFound

from .models import BackcheckDraw, BackcheckItem, Reconciliation
from .services_backchecks import NO_ITEM

NO_DRAW = "抽样不存在或不在您的管辖范围内 / no such draw in your area"
NO_RECON = "核对记录不存在或不在您的管辖范围内 / no such reconciliation in your area"
# The fields a back-check may find wrong (services_backchecks.CHECKED_FIELDS), as the page names them.
FIELD_LABELS = {
    "name": _("Name"), "id_number": _("ID number"), "sex": _("Sex"), "birth_date": _("Birth date"), "phone": _("Phone"),
    "hukou_address": _("Hukou address"), "address": _("Address"), "arrived_on": _("Arrived on"), "housing": _("Rental home"),
    "employer": _("Employer"), "education": _("Education"), "marital_status": _("Marital status"),
}
MAX_SERIES = 12


def draws(*, actor):
    require(actor, Action.RUN_BACKCHECKS)
    return BackcheckDraw.objects.filter(in_range("division", actor.division_id)).order_by("-period", "-id")


def draw_of(*, actor, draw_id) -> BackcheckDraw:
    require(actor, Action.RUN_BACKCHECKS)
    found = BackcheckDraw.objects.filter(pk=draw_id).first() if draw_id else None
    if found is None or not actor.in_scope(found.division):
        raise NotFound(NO_DRAW)
    return found


def by_collector(draw: BackcheckDraw) -> list[dict]:
    """The draw's items assigned per collector (a grouped reverse check of a rental home goes with
    the collector whose sampled record brought it in: her group of the same home)."""
    items = list(draw.items.select_related("person", "collector", "housing").order_by("id"))
    leader_of_home = {i.housing_id: i.collector for i in items if i.kind == "sample" and i.housing_id}
    groups: dict = {}
    for i in items:
        who = i.collector or leader_of_home.get(i.housing_id)
        g = groups.setdefault(getattr(who, "pk", None), {"collector": who, "items": [], "done": 0})
        g["items"].append(i)
        g["done"] += bool(i.result)
    return sorted(groups.values(), key=lambda g: getattr(g["collector"], "username", ""))


def item_of(*, actor, item_id) -> BackcheckItem:
    from liudong.people import scope

    require(actor, Action.RUN_BACKCHECKS)
    item = BackcheckItem.objects.select_related("person", "collector", "housing", "draw").filter(pk=item_id).first() if item_id else None
    if item is None or not actor.in_scope(item.village) or not scope.reaches(actor, item.person_id):
        raise NotFound(NO_ITEM)
    return item


def rate_chart(rows: list[dict], names: dict[str, str]) -> tuple[list[dict], dict]:
    """The error rates (services_backchecks.error_rates) as table rows with names, and the chart's
    data: months across, one line per collector or village (the error rate in %)."""
    for r in rows:
        r["name"] = names.get(r["who"], r["who"]) or "—"
        r["percent"] = round(100 * r["rate"], 1)
    periods = sorted({r["period"] for r in rows})
    whos = sorted({r["who"] for r in rows}, key=lambda w: -sum(x["checked"] for x in rows if x["who"] == w))[:MAX_SERIES]
    at = {(r["who"], r["period"]): r["percent"] for r in rows}
    chart = {"periods": periods, "series": [{"name": names.get(w, w) or "—", "data": [at.get((w, p)) for p in periods]} for w in whos]}
    return rows, chart


def village_names(codes) -> dict[str, str]:
    return dict(Division.objects.filter(code__in=set(codes)).values_list("code", "name"))


def reconciliations(*, actor):
    require(actor, Action.HANDLE_CASES)
    return Reconciliation.objects.filter(in_range("division", actor.division_id)).order_by("-period", "-id")


def reconciliation_of(*, actor, reconciliation_id) -> Reconciliation:
    require(actor, Action.HANDLE_CASES)
    found = Reconciliation.objects.filter(pk=reconciliation_id).first() if reconciliation_id else None
    if found is None or not actor.in_scope(found.division):
        raise NotFound(NO_RECON)
    return found
