"""Home page (T2/R5 counts and the R2 follow-up list), search, and registering a person (R1, R8)."""
import math

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from liudong import clock
from liudong.accounts.choices import Action
from liudong.accounts.login import slowed_accounts
from liudong.accounts.views_support import int_or_none, staff_view
from liudong.clock import today
from liudong.errors import Invalid
from liudong.policy import services_calendar

from . import queries, queries_follow_up, services
from .forms import ArrivalClaimForm, PersonForm, SearchForm

SEARCH_PER_PAGE = 20
# Panels of the home page of roles without the dashboard, added by the apps above (issue 16: the
# node's state, federation.views.node_panel): fn(actor) -> {"template": ..., ...} or None.
HOME_PANELS: list = []
MAX_PAGE = 100000


def _ancestors(division, stop_code):
    """The breadcrumb from the actor's own division down to `division`."""
    chain = []
    node = division
    while node is not None:
        chain.append(node)
        if node.code == stop_code:
            break
        node = node.parent
    return list(reversed(chain))


@staff_view()
@require_safe
def home(request):
    actor = request.user
    # X4: staff who load the calendar are warned when its end is near (policy.services).
    calendar_warning = services_calendar.calendar_warning(actor=actor, today=today())
    if not actor.can(Action.VIEW_DASHBOARD):
        # Auditors, administrators and the query desk see only their own links.
        # J3: administrators see the accounts of their area that failed log-ins slow down.
        slowed = slowed_accounts(actor=actor, now=clock.now()) if actor.can(Action.MANAGE_STAFF) else []
        panels = [panel for panel in (fn(actor) for fn in HOME_PANELS) if panel]
        return render(request, "people/home_links.html", {"calendar_warning": calendar_warning, "slowed_accounts": slowed, "panels": panels})
    on = today()
    chosen = request.GET.get("division") or None
    division = queries.dashboard_division(actor=actor, division=chosen)
    counts = queries.home_counts(actor=actor, today=on, division=division.code)
    follow_up_months, todo = queries_follow_up.follow_up_todo(actor=actor, today=on, division=division.code)
    return render(request, "people/home.html", {
        "division": division, "trail": _ancestors(division, actor.division_id), "counts": counts, "children": counts["children"],
        "todo": todo, "todo_total": sum(item["count"] for item in todo), "follow_up_months": follow_up_months, "today": on, "calendar_warning": calendar_warning,
    })


@staff_view(Action.VIEW_PERSON)
@require_safe
def search(request):
    actor = request.user
    form = SearchForm(request.GET or None, actor=actor)
    ctx = {"form": form, "searched": False}
    if form.is_bound and form.is_valid():
        page_no = min(max(int_or_none(request.GET.get("page")) or 1, 1), MAX_PAGE)
        criteria = form.criteria()
        try:
            count, rows = queries.search_persons(actor=actor, **criteria, limit=SEARCH_PER_PAGE, offset=(page_no - 1) * SEARCH_PER_PAGE, today=today())
        except Invalid as e:
            form.add_invalid(e)
        else:
            pages = max(math.ceil(count / SEARCH_PER_PAGE), 1)
            ctx.update(searched=True, count=count, rows=rows, unfinished=queries.unfinished_ids(rows), page_no=page_no, pages=pages, order=criteria["order"],
                       id_prefix=criteria["id_number"].strip() if queries.id_prefix(criteria.get("id_number") or "") else "",
                       page_range=[n for n in range(max(page_no - 3, 1), min(page_no + 3, pages) + 1)])
    return render(request, "people/search.html", ctx)


@staff_view(Action.REGISTER_PERSON)
@require_http_methods(["GET", "POST"])
def register(request):
    actor = request.user
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person, created = services.register_person(actor=actor, data=form.data_for_service(), today=today())
        except Invalid as e:
            form.add_invalid(e)
        else:
            if created:
                messages.success(request, _("Registered %(name)s.") % {"name": person.name})
                if actor.in_scope(person.hukou_division_id):
                    return redirect("person_detail", pk=person.pk)
                # An inflow person: her hukou place is elsewhere, so her record enters this
                # area with her arrival (J2). Ask for it now.
                return arrive_here(request, person, created=True)
            # R8: the document is registered already: lead to that record, never a twin; who
            # registered her is named only when that division is in this area (hole 1).
            if queries.is_reachable(actor=actor, person=person):
                by = queries.registered_by_name(actor=actor, person=person)
                if queries.unfinished_ids([person]) and not actor.in_scope(person.hukou_division_id):
                    # Issue 9 item 2: registered here half-way; offer to finish her arrival.
                    messages.info(request, _("Already registered (已登记) by %(place)s; her or his arrival is not recorded yet: record it now.") % {"place": by or "—"})
                    return arrive_here(request, person, created=True)
                if by:
                    messages.info(request, _("Already registered (已登记) by %(place)s: this is the existing record.") % {"place": by})
                else:
                    messages.info(request, _("Already registered (已登记): this is the existing record."))
                return redirect("person_detail", pk=person.pk)
            return arrive_here(request, person, created=False)
    return render(request, "people/register.html", {"form": form})


def arrive_here(request, person, *, created: bool, form=None, status=200):
    """A person whose record is not (yet) in this area: just registered here with her hukou
    elsewhere (her arrival is recorded next), or registered elsewhere (hole 1: only that, and the
    arrival claim to submit; her place confirms it). The form posts to exchange.claims through
    `arrival_claim_new`, which decides which of the two it is."""
    actor = request.user
    if form is None:
        form = ArrivalClaimForm(actor=actor, own_default=True, initial={"arrived_on": today().isoformat(), "document_type": person.document_type,
                                                      "document_number": person.document_number, "created": created})
    return render(request, "people/arrive_here.html", {
        "person": person if created else None, "created": created, "form": form, "can_record": actor.can(Action.RECORD_RESIDENCE),
        "housing_options": queries.housing_in_scope(actor=actor).filter(closed_on__isnull=True).values_list("id", "address")[:500],
        "employer_options": queries.employers_in_scope(actor=actor).filter(closed_on__isnull=True).values_list("id", "name")[:500],
    }, status=status)
