"""Grids (网格) of the villages in the actor's area (J1, part 6)."""
from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from liudong.accounts.choices import Action, Role
from liudong.accounts.forms import BLANK, ServiceForm, division_choices
from liudong.accounts.models import Staff
from liudong.accounts.permissions import require
from liudong.accounts.views_support import paginate, staff_view
from liudong.divisions.models import Grid
from liudong.divisions.queries import in_range
from liudong.errors import Invalid, NotFound

from . import services


class GridForm(ServiceForm):
    required = ("village", "name")
    village = forms.ChoiceField(label=gettext_lazy("Village"), required=False)
    name = forms.CharField(label=gettext_lazy("Grid name"), required=False, max_length=100)
    collector_id = forms.ChoiceField(label=gettext_lazy("Responsible collector"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = division_choices(actor, min_level=5, max_level=5)
        collectors = (
            Staff.objects.filter(in_range("division_id", actor.division_id), role__in=(Role.VILLAGE_COLLECTOR, Role.VILLAGE_CADRE), is_active=True)
            .select_related("division").order_by("division_id", "username")[:500]
        )
        self.fields["collector_id"].choices = BLANK + [(str(s.pk), f"{s.division.name} · {s.get_full_name() or s.username}") for s in collectors]


class GridEditForm(ServiceForm):
    """Rename a grid or change its collector (territory.services.update_grid); the collector is
    chosen among the staff of the grid's village, "—" for none."""

    required = ("name",)
    name = forms.CharField(label=gettext_lazy("Grid name"), required=False, max_length=100)
    collector_id = forms.ChoiceField(label=gettext_lazy("Responsible collector"), required=False)

    def __init__(self, *args, grid, staff, **kwargs):
        kwargs.setdefault("auto_id", f"grid{grid.pk}_%s")
        kwargs.setdefault("initial", {"name": grid.name, "collector_id": str(grid.collector_id or "")})
        super().__init__(*args, **kwargs)
        people = [s for s in staff if s.division_id == grid.village_id]
        if grid.collector is not None and grid.collector not in people:
            people.append(grid.collector)
        self.fields["collector_id"].choices = BLANK + [(str(s.pk), s.get_full_name() or s.username) for s in people]


def grids_in_scope(actor):
    return Grid.objects.filter(in_range("village_id", actor.division_id)).select_related("village", "collector").order_by("village_id", "name")


def _village_staff(actor, grids):
    """Staff who may be responsible for the grids shown: active collectors and cadres of their villages."""
    villages = {g.village_id for g in grids}
    return list(
        Staff.objects.filter(division_id__in=villages, role__in=(Role.VILLAGE_COLLECTOR, Role.VILLAGE_CADRE), is_active=True).order_by("division_id", "username")
    ) if villages else []


def _render_grids(request, *, form=None, edited=None, edit_form=None):
    """The list; `form` is the add form (bound after a refused add), `edited` and `edit_form` a
    refused correction, shown in its row when on this page, else above the list."""
    actor = request.user
    can_manage = actor.can(Action.MANAGE_GRIDS)
    page = paginate(request, grids_in_scope(actor))
    rows = [(g, None) for g in page]
    if can_manage:
        staff = _village_staff(actor, list(page) + ([edited] if edited else []))
        rows = [(g, edit_form if edited and g.pk == edited.pk else GridEditForm(grid=g, staff=staff)) for g in page]
        if form is None:
            form = GridForm(actor=actor)
    on_page = edited is not None and any(g.pk == edited.pk for g in page)
    ctx = {
        "page": page, "rows": rows, "form": form, "can_add": can_manage, "can_edit": can_manage,
        "edited": edited, "edit_form": edit_form, "edited_on_page": on_page,
    }
    return render(request, "territory/grids.html", ctx)


@staff_view(Action.MANAGE_GRIDS, Action.VIEW_PERSON)
@require_http_methods(["GET", "POST"])
def grid_list(request):
    actor = request.user
    if request.method != "POST":
        return _render_grids(request)
    require(actor, Action.MANAGE_GRIDS)
    form = GridForm(request.POST, actor=actor)
    if form.is_valid():
        data = form.cleaned_data
        try:
            grid = services.add_grid(actor=actor, village_code=data["village"], name=data["name"], collector_id=data["collector_id"] or None)
        except Invalid as e:
            form.add_invalid(e)
        else:
            messages.success(request, _("Grid %(name)s added.") % {"name": grid.name})
            return redirect("grid_list")
    return _render_grids(request, form=form)


@staff_view(Action.MANAGE_GRIDS)
@require_POST
def grid_edit(request, pk):
    actor = request.user
    grid = grids_in_scope(actor).filter(pk=pk).first()
    if grid is None:
        raise NotFound("网格不存在或不在您的管辖范围内 / no such grid in your scope")
    form = GridEditForm(request.POST, grid=grid, staff=_village_staff(actor, [grid]))
    if form.is_valid():
        data = form.cleaned_data
        try:
            # "" for the collector: none (the blank choice); the service checks both fields.
            grid = services.update_grid(actor=actor, grid_id=grid.pk, name=data["name"], collector_id=data["collector_id"] or "")
        except Invalid as e:
            form.add_invalid(e)
        else:
            messages.success(request, _("Grid %(name)s saved.") % {"name": grid.name})
            return redirect("grid_list")
    return _render_grids(request, edited=grid, edit_form=form)
