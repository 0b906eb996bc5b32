"""Grids (网格) of the villages in the actor's area (J1, part 6)."""
from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from liudong.accounts.choices import Action, Role
from liudong.accounts.forms import ServiceForm
from liudong.accounts.models import Staff
from liudong.accounts.services import require
from liudong.accounts.views_support import paginate, staff_view
from liudong.errors import Invalid
from liudong.people.forms import BLANK, division_choices
from liudong.people.queries import in_range

from . import services
from .models import Grid


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


def grids_in_scope(actor):
    return Grid.objects.filter(in_range("village_id", actor.division_id)).select_related("village", "collector").order_by("village_id", "name")


@staff_view(Action.MANAGE_GRIDS, Action.VIEW_PERSON)
@require_http_methods(["GET", "POST"])
def grid_list(request):
    actor = request.user
    can_add = actor.can(Action.MANAGE_GRIDS)
    form = GridForm(actor=actor) if can_add else None
    if request.method == "POST":
        if not can_add:
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
    page = paginate(request, grids_in_scope(actor))
    return render(request, "divisions/grids.html", {"page": page, "form": form, "can_add": can_add})
