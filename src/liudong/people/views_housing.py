"""R4: rental housing (以房管人) and employers, each scoped to the actor's subtree: lists with an
in use / closed / all filter, registration, and on the detail page the forms that correct or
close a record (people.services_places; bad input shows the page again with the errors)."""
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from liudong.accounts.choices import Action
from liudong.accounts.views_support import form_act, paginate, staff_view
from liudong.clock import today
from liudong.errors import NotFound
from liudong.identifiers import normalise_document_number

from . import queries, services_places
from .panels import render_place_panels
from .choices import HousingUse
from .forms import CloseForm, EmployerEditForm, EmployerForm, HousingEditForm, HousingForm
from .services_places import EMPLOYER_FIELDS

STATUSES = ("open", "closed", "all")


def _by_status(request, qs):
    """?status=open (the default: records in use), closed, or all."""
    status = request.GET.get("status")
    status = status if status in STATUSES else "open"
    if status != "all":
        qs = qs.filter(closed_on__isnull=status == "open")
    return status, qs


def _place_forms(actor, action, place, edit, close_form, bound) -> dict:
    """The forms of a home's or an employer's page for those who manage them: correct it (`edit()`)
    and, while it is open, close it; `bound` replaces a blank form by the submitted one, open."""
    forms = {}
    if actor.can(action):
        forms["edit"] = edit()
        if place.closed_on is None:
            forms["close"] = close_form(initial={"closed_on": today().isoformat()})
    forms.update(bound or {})
    return {"forms": forms, "open_form": next(iter(bound), None) if bound else None}


@staff_view(Action.VIEW_PERSON)
@require_safe
def housing_list(request):
    actor = request.user
    status, qs = _by_status(request, queries.housing_in_scope(actor=actor))
    text = queries.list_query(request.GET.get("q"))
    page = paginate(request, queries.housing_matching(qs, text).order_by("division_id", "address", "id"))
    queries.log_housing_page(actor=actor, rows=page.object_list, query=text)
    return render(request, "people/housing_list.html", {"page": page, "status": status, "q": text, "use_choices": HousingUse.choices, "can_add": actor.can(Action.MANAGE_HOUSING)})


@staff_view(Action.MANAGE_HOUSING)
@require_http_methods(["GET", "POST"])
def housing_new(request):
    actor = request.user
    form = HousingForm(request.POST or None, actor=actor, initial={"registered_on": today().isoformat(), "rooms": 1})
    if request.method == "POST" and form.is_valid():
        data = form.data_for_service()
        # The owner by her card: any registered person (R8); the look-up is logged.
        owner = queries.find_by_id_number(actor=actor, id_number=data.pop("owner_id_number"))
        if owner is not None:
            data["owner"] = owner
        if data.get("rooms") is None:
            data["rooms"] = 1
        done = form_act(request, form, lambda: services_places.register_housing(actor=actor, data=data, today=today()),
                        _("Rental home registered."), lambda housing: redirect("housing_detail", pk=housing.pk))
        if done:
            return done
    return render(request, "people/housing_form.html", {"form": form})


def _housing_close_form(*args, **kwargs):
    return CloseForm(*args, auto_id="close_%s", label=pgettext("housing", "Closed on"), **kwargs)


def _render_housing(request, pk, *, bound=None):
    """The detail page (a logged read); `bound` replaces a blank form by the submitted one."""
    actor = request.user
    housing, tenants = queries.get_housing(actor=actor, housing_id=pk, today=today())
    forms = _place_forms(actor, Action.MANAGE_HOUSING, housing, lambda: HousingEditForm(auto_id="edit_%s", initial={
        "address": housing.address, "owner_id_number": housing.owner.id_number or "", "use": housing.use,
        "business_category": housing.business_category, "rooms": housing.rooms,
    }), _housing_close_form, bound)
    ctx = {"housing": housing, "tenants": tenants, "use_choices": HousingUse.choices, **forms,
           "panels": render_place_panels(actor=actor, obj=housing, today=today())}
    return render(request, "people/housing_detail.html", ctx)


@staff_view(Action.VIEW_PERSON)
@require_safe
def housing_detail(request, pk):
    return _render_housing(request, pk)


@staff_view(Action.MANAGE_HOUSING)
@require_POST
def housing_edit(request, pk):
    actor = request.user
    housing = queries.housing_in_scope(actor=actor).filter(pk=pk).first()
    if housing is None:
        raise NotFound("出租房屋不存在或不在您的管辖范围内 / no such rental home in your scope")
    form = HousingEditForm(request.POST, auto_id="edit_%s")
    if form.is_valid():
        data = form.data_for_service()
        id_number = normalise_document_number(data.pop("owner_id_number"))
        if id_number and id_number != (housing.owner.id_number or ""):
            # A new owner: any registered person, found by her card (R8); the look-up is logged.
            owner = queries.find_by_id_number(actor=actor, id_number=id_number)
            if owner is not None:
                data["owner"] = owner
            else:
                data["owner_id"] = None
        done = form_act(request, form, lambda: services_places.update_housing(actor=actor, housing_id=housing.pk, data=data, today=today()),
                        _("Saved."), lambda _saved: redirect("housing_detail", pk=housing.pk))
        if done:
            return done
    return _render_housing(request, housing.pk, bound={"edit": form})


@staff_view(Action.MANAGE_HOUSING)
@require_POST
def housing_close(request, pk):
    form = _housing_close_form(request.POST)
    # The service answers NotFound (404) for a home outside the actor's area.
    return (form_act(request, form, lambda: services_places.close_housing(actor=request.user, housing_id=pk, closed_on=form.cleaned_data["closed_on"], today=today()),
                    _("The rental home is recorded as no longer let."), lambda _closed: redirect("housing_detail", pk=pk))
            or _render_housing(request, pk, bound={"close": form}))


@staff_view(Action.VIEW_PERSON)
@require_safe
def employer_list(request):
    actor = request.user
    status, qs = _by_status(request, queries.employers_in_scope(actor=actor))
    text = queries.list_query(request.GET.get("q"))
    page = paginate(request, queries.employers_matching(qs, text).order_by("division_id", "name", "id"))
    return render(request, "people/employer_list.html", {"page": page, "status": status, "q": text, "can_add": actor.can(Action.MANAGE_EMPLOYER)})


@staff_view(Action.MANAGE_EMPLOYER)
@require_http_methods(["GET", "POST"])
def employer_new(request):
    actor = request.user
    form = EmployerForm(request.POST or None, actor=actor, initial={"registered_on": today().isoformat()})
    done = request.method == "POST" and form_act(
        request, form, lambda: services_places.register_employer(actor=actor, data=form.data_for_service(), today=today()),
        _("Employer registered."), lambda employer: redirect("employer_detail", pk=employer.pk))
    return done or render(request, "people/employer_form.html", {"form": form})


def _employer_close_form(*args, **kwargs):
    return CloseForm(*args, auto_id="close_%s", label=pgettext("employer", "Closed on"), **kwargs)


def _render_employer(request, pk, *, bound=None):
    actor = request.user
    employer, employees = queries.get_employer(actor=actor, employer_id=pk, today=today())
    forms = _place_forms(actor, Action.MANAGE_EMPLOYER, employer, lambda: EmployerEditForm(auto_id="edit_%s", initial={f: getattr(employer, f) or "" for f in EMPLOYER_FIELDS}),
                         _employer_close_form, bound)
    ctx = {"employer": employer, "employees": employees, **forms, "panels": render_place_panels(actor=actor, obj=employer, today=today())}
    return render(request, "people/employer_detail.html", ctx)


@staff_view(Action.VIEW_PERSON)
@require_safe
def employer_detail(request, pk):
    return _render_employer(request, pk)


@staff_view(Action.MANAGE_EMPLOYER)
@require_POST
def employer_edit(request, pk):
    form = EmployerEditForm(request.POST, auto_id="edit_%s")
    return (form_act(request, form, lambda: services_places.update_employer(actor=request.user, employer_id=pk, data=form.data_for_service(), today=today()),
                    _("Saved."), lambda _saved: redirect("employer_detail", pk=pk))
            or _render_employer(request, pk, bound={"edit": form}))


@staff_view(Action.MANAGE_EMPLOYER)
@require_POST
def employer_close(request, pk):
    form = _employer_close_form(request.POST)
    return (form_act(request, form, lambda: services_places.close_employer(actor=request.user, employer_id=pk, closed_on=form.cleaned_data["closed_on"], today=today()),
                    _("The employer is recorded as closed."), lambda _closed: redirect("employer_detail", pk=pk))
            or _render_employer(request, pk, bound={"close": form}))
