"""One person's record: the detail page (a logged read, invariant 3) and the forms that add
events to her history (R2: arrivals, moves, departures, returns are events, never overwrites)."""
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from liudong import clock
from liudong.accounts.choices import Action
from liudong.accounts.views_support import form_act, staff_view
from liudong.clock import today
from liudong.errors import NotFound

from .panels import render_panels
from . import queries, services
from .choices import ETHNICITIES, Education, IntendedStay, MaritalStatus, MoveReason, Relation, ResidenceEnd, ResidenceStart, Sex, VisitResult
from .forms import ArrivalClaimForm, DepartureForm, FamilyForm, FamilyProposalForm, PersonEditForm, ResidenceForm, ReturnForm, VisitForm
from .queries_follow_up import visits_of

CHOICES = {
    "sex_choices": Sex.choices, "ethnicity_choices": ETHNICITIES, "education_choices": Education.choices,
    "marital_choices": MaritalStatus.choices, "start_choices": ResidenceStart.choices, "end_choices": ResidenceEnd.choices,
    "reason_choices": MoveReason.choices, "stay_choices": IntendedStay.choices, "relation_choices": Relation.choices,
    "visit_choices": VisitResult.choices,
}


def render_detail(request, pk, *, bound=None, status=200, propose=None):
    """The detail page; `bound` replaces one blank form by the submitted one with its errors;
    `propose`: a family link to offer to another place (hole 3)."""
    actor = request.user
    person = queries.get_person(actor=actor, person_id=pk)
    residences = list(queries.residences_of(person))
    current = next((r for r in residences if r.left_on is None), None)
    day = today()
    on = day.isoformat()
    born = person.birth_date
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    forms = {}
    # Issue 9 item 2: registered (here) with her hukou elsewhere, her arrival not recorded yet.
    unfinished = not residences and not actor.in_scope(person.hukou_division_id)
    if actor.can(Action.RECORD_RESIDENCE):
        if current is None:
            forms["arrival"] = ResidenceForm(actor=actor, own_default=True, auto_id="arrival_%s", initial={"arrived_on": on})
        elif actor.in_scope(current.division_id):
            forms["move"] = ResidenceForm(actor=actor, auto_id="move_%s", initial={"arrived_on": on})
        else:
            # Hole 1: she lives in another place's area; an arrival here is claimed from it.
            forms["claim"] = ArrivalClaimForm(actor=actor, own_default=True, auto_id="claim_%s", initial={
                "arrived_on": on, "document_type": person.document_type, "document_number": person.document_number})
        mine = current is None or actor.in_scope(current.division_id)
        if current is not None and mine:
            # Hole 1: only the place where her residence lies closes it (her hukou place claims her).
            forms["departure"] = DepartureForm(auto_id="departure_%s", initial={"left_on": on})
        if person.floating and actor.in_scope(person.hukou_division_id) and mine:
            # R2/J2: a return home is recorded by the hukou side, once no other place's residence is open.
            forms["return"] = ReturnForm(auto_id="return_%s", initial={"arrived_on": on})
        if current is not None and (actor.in_scope(current.division_id) or actor.in_scope(person.hukou_division_id)):
            # R2: a clean-up check (清理查验) of where she lives now.
            forms["visit"] = VisitForm(auto_id="visit_%s", initial={"visited_on": on, "result": VisitResult.CHECKED})
    if actor.can(Action.MANAGE_FAMILY) and queries.sees_sensitive(actor=actor):
        forms["family"] = FamilyForm(auto_id="family_%s")
    if bound:
        forms.update(bound)
    ctx = {
        "person": person, "residences": list(reversed(residences)), "current": current, "family": queries.family_of(actor=actor, person=person),
        "visits": visits_of(person),
        "sensitive": queries.sees_sensitive(actor=actor), "forms": forms, "open_form": next(iter(bound), None) if bound else None,
        "can_edit": actor.can(Action.REGISTER_PERSON), "age": age, "propose": propose, "unfinished": unfinished, **CHOICES,
        "panels": render_panels(actor=actor, person=person, today=today()),
    }
    if unfinished and "arrival" in forms and not bound:
        ctx["open_form"] = "arrival"
    if "arrival" in forms or "move" in forms or "claim" in forms:
        ctx["housing_options"] = queries.housing_in_scope(actor=actor).filter(closed_on__isnull=True).values_list("id", "address")[:500]
        ctx["employer_options"] = queries.employers_in_scope(actor=actor).filter(closed_on__isnull=True).values_list("id", "name")[:500]
    return render(request, "people/detail.html", ctx, status=status)


@staff_view(Action.VIEW_PERSON)
@require_safe
def detail(request, pk):
    return render_detail(request, pk)


@staff_view(Action.VIEW_PERSON)
@require_safe
def print_view(request, pk):
    """Issue 9 item 8: the record laid out for paper, with its whole history (residences, visits,
    family where the role sees it); opening it is logged as a print (person.print, invariant 3)."""
    actor = request.user
    person = queries.get_person(actor=actor, person_id=pk, purpose="print")
    day = today()
    born = person.birth_date
    return render(request, "people/print.html", {
        "person": person, "residences": list(queries.residences_of(person)), "visits": visits_of(person),
        "family": queries.family_of(actor=actor, person=person), "sensitive": queries.sees_sensitive(actor=actor),
        "age": day.year - born.year - ((day.month, day.day) < (born.month, born.day)), "printed_at": clock.now(), **CHOICES,
    })


@staff_view(Action.REGISTER_PERSON)
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    actor = request.user
    person = queries.get_person(actor=actor, person_id=pk, purpose="edit")
    show_phone = queries.sees_sensitive(actor=actor)
    if request.method == "POST":
        form = PersonEditForm(request.POST, show_phone=show_phone)
        done = form_act(request, form, lambda: services.update_person(actor=actor, person=person, data=form.data_for_service(), today=today()),
                        _("Saved."), lambda _saved: redirect("person_detail", pk=person.pk))
        if done:
            return done
    else:
        form = PersonEditForm(initial={f: getattr(person, f) for f in services.EDITABLE_PERSON_FIELDS}, show_phone=show_phone)
    return render(request, "people/edit.html", {"person": person, "form": form})


def _residence_action(request, pk, name, service, form_class, success):
    """Run one residence service from its form; on bad input show the detail page with the form
    open, its errors and the input kept (invariant 7)."""
    actor = request.user
    person = queries.reachable_person(actor=actor, person_id=pk)
    kwargs = {"actor": actor} if form_class is ResidenceForm else {}
    form = form_class(request.POST, auto_id=f"{name}_%s", **kwargs)
    return (form_act(request, form, lambda: service(actor=actor, person=person, data=form.data_for_service(), today=today()),
                     success, lambda _done: redirect("person_detail", pk=person.pk))
            or render_detail(request, person.pk, bound={name: form}))


@staff_view(Action.RECORD_RESIDENCE)
@require_POST
def arrival(request, pk):
    return _residence_action(request, pk, "arrival", services.record_arrival, ResidenceForm, _("Arrival recorded."))


@staff_view(Action.RECORD_RESIDENCE)
@require_POST
def move(request, pk):
    return _residence_action(request, pk, "move", services.record_move, ResidenceForm, _("Move recorded."))


@staff_view(Action.RECORD_RESIDENCE)
@require_POST
def return_home(request, pk):
    return _residence_action(request, pk, "return", services.record_return, ReturnForm, _("Return recorded."))


@staff_view(Action.RECORD_RESIDENCE)
@require_POST
def departure(request, pk, residence_id):
    actor = request.user
    person = queries.reachable_person(actor=actor, person_id=pk)
    form = DepartureForm(request.POST, auto_id="departure_%s")
    # The service checks that the residence lies in the actor's scope (404 otherwise).
    return (form_act(request, form, lambda: services.record_departure(actor=actor, residence_id=residence_id, left_on=form.cleaned_data["left_on"], today=today()),
                     _("Departure recorded."), lambda residence: redirect("person_detail", pk=residence.person_id))
            or render_detail(request, person.pk, bound={"departure": form}))


@staff_view(Action.MANAGE_FAMILY)
@require_POST
def family(request, pk):
    """R5: link a relative found by ID number (any registered person) or person no. (in scope)."""
    actor = request.user
    person = queries.reachable_person(actor=actor, person_id=pk)
    form = FamilyForm(request.POST, auto_id="family_%s")
    if form.is_valid():
        raw = form.cleaned_data["relative"].strip().upper()
        relative = None
        if len(raw) == 18:
            relative = queries.find_by_id_number(actor=actor, id_number=raw)
        elif raw.isdigit():
            try:
                relative = queries.writable_person(actor=actor, person_id=raw, via="family.relative")
            except NotFound:
                relative = None
        if relative is None:
            form.add_error("relative", _("No registered person with that ID number or person no. in your area; register the relative first."))
        elif not queries.may_record(actor=actor, person=relative):
            # Hole 3: recorded by another place; the link is proposed to it, written when it accepts.
            form.add_error("relative", _("This person is recorded by another place: the link can be proposed to it."))
            propose = FamilyProposalForm(initial={"relation": form.cleaned_data["relation"], "relative_document_type": relative.document_type,
                                                  "relative_document_number": relative.document_number})
            return render_detail(request, person.pk, bound={"family": form}, propose=propose)
        else:
            done = form_act(request, form, lambda: services.link_family(actor=actor, person=person, relative_id=relative.pk, relation=form.cleaned_data["relation"]),
                            _("Family link recorded."), lambda _link: redirect("person_detail", pk=person.pk))
            if done:
                return done
    return render_detail(request, person.pk, bound={"family": form})
