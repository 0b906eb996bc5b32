"""The policy page (P1: values in force, the shipped sets, adopting a set, overriding a value)
and the calendar page (X4: loaded years, a year's holidays and make-up workdays, loading a year).

Both are for the roles that administer them (MANAGE_POLICY or MANAGE_CALENDAR); the forms that
write only for the role that may (the services check again)."""
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from liudong import fields
from liudong.accounts.choices import Action
from liudong.accounts.views_support import staff_view
from liudong.clock import now, today
from liudong.codes import Level
from liudong.divisions.models import Division
from liudong.divisions.queries import parse_division
from liudong.errors import Invalid

from . import labels, queries, services, services_calendar
from .forms import AdoptForm, CalendarUploadForm, OverrideForm, ShowForm
from .rule_sets import RULE_SETS

ADMIN_ACTIONS = (Action.MANAGE_POLICY, Action.MANAGE_CALENDAR)


def _division_options(actor):
    """Suggestions for the division inputs: the nation, the provinces, the actor's own chain."""
    chain, node = [], actor.division
    while node is not None:
        chain.append(node)
        node = node.parent
    provinces = list(Division.objects.filter(level__lte=Level.PROVINCE).order_by("code").values_list("code", "name"))
    seen = {c for c, _ in provinces}
    return provinces + [(d.code, d.name) for d in reversed(chain) if d.code not in seen]


def _shown(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _policy_page(request, *, adopt_form=None, override_form=None):
    actor = request.user
    on = today()
    shown = request.GET.copy()
    shown.setdefault("division", actor.division_id)
    shown.setdefault("on", on.isoformat())
    show = ShowForm(shown)
    division = actor.division
    if show.is_valid():
        errors = {}
        code = show.cleaned_data.get("division")
        if code:
            division = parse_division({"division": code}, "division", errors) or division
        raw_on = show.cleaned_data.get("on")
        if raw_on:
            on = fields.date({"on": raw_on}, "on", errors, between=services.POLICY_DATES) or on
        if errors:
            show.add_invalid(Invalid(errors))
    rows = queries.values_in_force(division.code, on)
    names = queries.policy_names()
    name = request.GET.get("name", "")
    history = None
    if name in names:
        history = queries.value_history(name)
    for r in rows + (history or []):
        # Issue 9 item 4: words, not codes; the codes stay in the cells' tooltips.
        r.value_json = _shown(r.value)
        r.shown, r.label, r.set_label, r.source_text = labels.value_label(r.value), labels.name_label(r.name), labels.set_label(r.rule_set), labels.source_label(r.source)
    can_manage = actor.can(Action.MANAGE_POLICY)
    if can_manage:
        adopt_form = adopt_form or AdoptForm(initial={"division": actor.division_id if actor.division.level <= Level.PROVINCE else ""})
        override_form = override_form or OverrideForm(names=names, initial={"division": actor.division_id, "name": name if name in names else ""})
    sets = [{"rs": rs, "title": labels.set_label(rs.code), "source": labels.source_label(rs.source),
             "values": [(n, labels.name_label(n), _shown(v), labels.value_label(v), labels.source_label(src)) for n, (v, src) in rs.values.items()]}
            for rs in RULE_SETS.values()]
    adoptions = queries.adoptions()
    for a in adoptions:
        a["set_label"] = labels.set_label(a["rule_set"])
    return render(request, "policy/index.html", {
        "show": show, "division": division, "on": on, "rows": rows, "names": names, "name": name, "history": history,
        "adopt_form": adopt_form, "override_form": override_form, "can_manage": can_manage, "may_adopt": actor.division.level <= Level.PROVINCE,
        "sets": sets, "adoptions": adoptions, "name_label": labels.name_label(name) if name in names else name, "division_options": _division_options(actor), "override_set": services.OVERRIDE_SET,
    })


@staff_view(*ADMIN_ACTIONS)
@require_safe
def index(request):
    return _policy_page(request)


def _back_to(division_code, on=None, name=None) -> str:
    query = {"division": division_code}
    if on:
        query["on"] = on.isoformat()
    if name:
        query["name"] = name
    return reverse("policy_index") + "?" + urlencode(query)


@staff_view(Action.MANAGE_POLICY)
@require_POST
def adopt(request):
    form = AdoptForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = services.adopt_rule_set(actor=request.user, code=data["rule_set"], division_code=data["division"], valid_from=data["valid_from"])
        except Invalid as e:
            form.add_invalid(e)
        else:
            messages.success(request, _("%(division)s adopts %(set)s from %(date)s: %(added)d values added, %(carried)d carried.") % {
                "division": result.division.name, "set": labels.set_label(result.rule_set), "date": result.valid_from, "added": len(result.added), "carried": len(result.carried)})
            return redirect(_back_to(result.division.code, result.valid_from))
    return _policy_page(request, adopt_form=form)


@staff_view(Action.MANAGE_POLICY)
@require_POST
def set_value(request):
    form = OverrideForm(request.POST, names=queries.policy_names())
    if form.is_valid():
        data = form.cleaned_data
        try:
            row = services.set_value(actor=request.user, name=data["name"], raw_value=data["value"], division_code=data["division"], valid_from=data["valid_from"], source=data["source"])
        except Invalid as e:
            form.add_invalid(e)
        else:
            messages.success(request, _("%(name)s = %(value)s for %(division)s from %(date)s.") % {
                "name": labels.name_label(row.name), "value": labels.value_label(row.value), "division": row.division.name, "date": row.valid_from})
            return redirect(_back_to(row.division_id, row.valid_from, row.name))
    return _policy_page(request, override_form=form)


# ---------------------------------------------------------------- calendar (X4)

@staff_view(*ADMIN_ACTIONS)
@require_http_methods(["GET", "POST"])
def calendar_index(request):
    actor = request.user
    on = today()
    status = services_calendar.calendar_status(on)
    can_load = services_calendar.loads_calendar(actor=actor)
    form = None
    if request.method == "POST":
        if not can_load:
            raise PermissionDenied("角色无权执行此操作 / your role may not do this")
        form = CalendarUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = services_calendar.read_calendar_csv(upload.read(services.CALENDAR_MAX_BYTES + 1))
                result = services_calendar.load_calendar_year(actor=actor, year=form.cleaned_data["year"], rows=rows, replace=form.cleaned_data["replace"],
                                                     source=form.cleaned_data["source"] or f"上传文件 / uploaded file {upload.name[:100]}", now=now())
            except Invalid as e:
                form.add_invalid(e)
            else:
                messages.success(request, _("%(year)s loaded: %(holidays)d holidays, %(workdays)d make-up workdays.") % {
                    "year": result.year, "holidays": result.holidays, "workdays": result.workdays})
                return redirect(reverse("calendar_index") + f"?year={result.year}")
    elif can_load:
        form = CalendarUploadForm(initial={"year": status.next_year or on.year})
    years = queries.calendar_years()
    loaded = [y["year"] for y in years]
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = on.year if on.year in loaded else (loaded[-1] if loaded else None)
    if year not in loaded:
        year = on.year if on.year in loaded else (loaded[-1] if loaded else None)
    return render(request, "policy/calendar.html", {
        "status": status, "years": years, "year": year, "today": on, "form": form, "can_load": can_load,
        "months": queries.month_grids(year) if year else [], "exceptions": queries.exceptions_of(year) if year else [],
        "weekdays": services.WEEKDAY_ZH,
    })
