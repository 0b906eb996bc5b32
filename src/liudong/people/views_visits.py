"""R2 pages: the follow-up to-do with a visit button per record, the visit form of a person's
record; R5: marking a parent unable to care on a family link."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.views_support import button_act, form_act, next_url, paginate, staff_view
from liudong.clock import today

from . import queries, queries_follow_up, services_visits
from .choices import VisitResult
from .forms import VisitForm


@staff_view(Action.RECORD_RESIDENCE)
@require_POST
def visit(request, pk):
    """Record a visit from the person's record or, with `next`, from the follow-up list."""
    from .views_person import render_detail

    actor = request.user
    person = queries.reachable_person(actor=actor, person_id=pk)
    form = VisitForm(request.POST, auto_id="visit_%s")
    back = next_url(request, reverse("person_detail", args=[person.pk]))
    done = form_act(request, form, lambda: services_visits.record_visit(actor=actor, person=person, data=form.data_for_service(), today=today()),
                    _("Visit recorded."), lambda _visit: redirect(back))
    if done:
        return done
    if request.POST.get("next"):
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, f"{person.name}: {message}")
        return redirect(back)
    return render_detail(request, person.pk, bound={"visit": form})


FOLLOW_UP_PER_PAGE = 50


@staff_view(Action.VIEW_PERSON)
@require_safe
def follow_up(request):
    """The records waiting for a clean-up check in a division of the actor's subtree (the home
    page's to-do opens it), paged and sortable (longest waiting first by default), each with a
    button that records today's visit; the page shown is a logged read (invariant 3)."""
    actor = request.user
    on = today()
    division, months, order, rows = queries_follow_up.follow_up_records(
        actor=actor, today=on, division=request.GET.get("division") or None, order=request.GET.get("order") or "last")
    page = paginate(request, rows, per_page=FOLLOW_UP_PER_PAGE)
    record(actor, "person.follow_up_list", object_type="division", object_id=division.code,
           fields={"shown": [r.person_id for r in page.object_list], "count": page.paginator.count, "page": page.number, "order": order})
    return render(request, "people/follow_up.html", {
        "division": division, "months": months, "total": page.paginator.count, "page": page, "order": order, "today": on,
        "can_visit": actor.can(Action.RECORD_RESIDENCE), "checked": VisitResult.CHECKED, "here": request.get_full_path(),
        "columns": [("name", _("Name")), ("division", _("Lives in")), (None, _("Address")), ("arrived", _("Since")), ("last", _("last updated"))],
    })


@staff_view(Action.MANAGE_FAMILY)
@require_POST
def family_care(request, pk, relative_id):
    """R5: mark (or unmark) a parent of this parent-child link as unable to care for the child."""
    actor = request.user
    person = queries.reachable_person(actor=actor, person_id=pk)
    unable = request.POST.get("parent_unable_to_care") == "1"
    button_act(request, lambda: services_visits.set_parent_unable_to_care(actor=actor, person=person, relative_id=relative_id, unable=unable), _("Saved."))
    return redirect("person_detail", pk=person.pk)
