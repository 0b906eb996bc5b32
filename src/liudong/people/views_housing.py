"""R4: rental housing (以房管人) and employers, each scoped to the actor's subtree."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from liudong.accounts.choices import Action
from liudong.accounts.views_support import paginate, staff_view, today
from liudong.errors import Invalid

from . import queries, services
from .choices import HousingUse
from .forms import EmployerForm, HousingForm


@staff_view(Action.VIEW_PERSON)
@require_safe
def housing_list(request):
    actor = request.user
    page = paginate(request, queries.housing_in_scope(actor).order_by("division_id", "address", "id"))
    return render(request, "people/housing_list.html", {"page": page, "use_choices": HousingUse.choices, "can_add": actor.can(Action.MANAGE_HOUSING)})


@staff_view(Action.MANAGE_HOUSING)
@require_http_methods(["GET", "POST"])
def housing_new(request):
    actor = request.user
    form = HousingForm(request.POST or None, actor=actor, initial={"registered_on": today().isoformat(), "rooms": 1})
    if request.method == "POST" and form.is_valid():
        data = form.data_for_service()
        owner = queries.find_by_id_number(actor, data.pop("owner_id_number"))
        data["owner_id"] = owner.pk if owner else None
        if data.get("rooms") is None:
            data["rooms"] = 1
        try:
            housing = services.register_housing(actor=actor, data=data, today=today())
        except Invalid as e:
            form.add_invalid(e)
        else:
            messages.success(request, _("Rental home registered."))
            return redirect("housing_detail", pk=housing.pk)
    return render(request, "people/housing_form.html", {"form": form})


@staff_view(Action.VIEW_PERSON)
@require_safe
def housing_detail(request, pk):
    housing, tenants = queries.get_housing(request.user, pk, today=today())
    return render(request, "people/housing_detail.html", {"housing": housing, "tenants": tenants, "use_choices": HousingUse.choices})


@staff_view(Action.VIEW_PERSON)
@require_safe
def employer_list(request):
    actor = request.user
    page = paginate(request, queries.employers_in_scope(actor).order_by("division_id", "name", "id"))
    return render(request, "people/employer_list.html", {"page": page, "can_add": actor.can(Action.MANAGE_EMPLOYER)})


@staff_view(Action.MANAGE_EMPLOYER)
@require_http_methods(["GET", "POST"])
def employer_new(request):
    actor = request.user
    form = EmployerForm(request.POST or None, actor=actor, initial={"registered_on": today().isoformat()})
    if request.method == "POST" and form.is_valid():
        try:
            employer = services.register_employer(actor=actor, data=form.data_for_service(), today=today())
        except Invalid as e:
            form.add_invalid(e)
        else:
            messages.success(request, _("Employer registered."))
            return redirect("employer_detail", pk=employer.pk)
    return render(request, "people/employer_form.html", {"form": form})


@staff_view(Action.VIEW_PERSON)
@require_safe
def employer_detail(request, pk):
    employer, employees = queries.get_employer(request.user, pk, today=today())
    return render(request, "people/employer_detail.html", {"employer": employer, "employees": employees})
