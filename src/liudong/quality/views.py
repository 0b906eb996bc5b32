"""Duplicates on the web (R8, issue 15): the candidates of one's division with a button that starts
a scan (a background job: liudong.jobs' page shows its progress), the two records side by side
with the merge form, and a merge's page with its undo. Every change goes through
quality.services; reads through quality.queries (scoped, logged)."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from liudong.accounts.choices import Action
from liudong.accounts.templatetags.liudong_ui import pick_message
from liudong.accounts.views_support import paginate, staff_view
from liudong.clock import now, today  # the edge's one reading of the calendar (invariant 4)
from liudong.errors import Invalid
from liudong.people import scope
from liudong.people.models import Person

from . import exports, queries, services, services_outside
from .choices import CandidateState, HoldState


def _field_labels() -> list[tuple[str, str]]:
    return [(f, str(Person._meta.get_field(f).verbose_name)) for f in services.TAKEABLE]


HELD_SHOWN = 200


@require_http_methods(["GET", "POST"])
@staff_view(Action.MERGE_PEOPLE)
def duplicates_page(request):
    """The scan's candidates; below them the import rows held as probable twins (issue 15 part 4)
    with their decisions, and the sure twins outside the area a county officer's scan left for a
    township clerk to claim (R8 with the arrival claim)."""
    actor = request.user
    errors: dict = {}
    if request.method == "POST":
        try:
            if not (request.POST.get("hold") or request.POST.get("twin")):
                raise Invalid({"hold": ["请选择待定行或待办 / choose a held row or a to-do"]})
            if request.POST.get("act") == "claim_todo":
                services_outside.claim_from_todo(actor=actor, twin_id=request.POST.get("twin") or None, today=today(), now=now())
                messages.success(request, _("Arrival claim sent to her place."))
            else:
                done = services_outside.take_held_row(actor=actor, hold_id=request.POST.get("hold") or None, decision=request.POST.get("decision"),
                                                      person_id=request.POST.get("person_id") or None, today=today(), now=now())
                messages.success(request, _("Arrival claim sent to her place.") if done["claim"] is not None and done["hold"].state == HoldState.OPEN
                                 else _("The held row was imported."))
            return redirect(request.get_full_path())
        except Invalid as e:
            errors = {k: [pick_message(m) for m in v] for k, v in e.errors.items()}
    state = request.GET.get("status") or CandidateState.OPEN
    if state not in CandidateState.values:
        state = CandidateState.OPEN
    page = paginate(request, queries.candidates(actor=actor, division=actor.division, state=state).select_related("a", "b"))
    queries.log_list(actor=actor, what="person.duplicate_list", person_ids=[i for c in page for i in (c.a_id, c.b_id)], criteria={"status": state})
    holds = list(queries.held_rows(actor=actor, division=actor.division)[:HELD_SHOWN]) if state == CandidateState.OPEN else []
    seen = set(scope.persons(actor, history=True).filter(pk__in={p for h in holds for p in h.candidates}).values_list("pk", flat=True)) if holds else set()
    claims = services_outside.hold_claims(holds)
    rows = [{"hold": h, "choices": [{"id": p, "seen": p in seen, "claim": claims.get(h.pk, {}).get(p)} for p in h.candidates]} for h in holds]
    todos = list(services_outside.todos(actor=actor)[:HELD_SHOWN]) if state == CandidateState.OPEN else []
    if todos:
        queries.log_list(actor=actor, what="person.duplicate_list", person_ids=[t.inside_id for t in todos], criteria={"outside_todo": True})
    return render(request, "quality/duplicates.html", {
        "page": page, "state": state, "states": CandidateState.choices, "scan_kind": exports.KIND, "division": actor.division,
        "held": rows, "todos": todos, "errors": errors,
    }, status=422 if errors else 200)


@require_http_methods(["GET", "POST"])
@staff_view(Action.MERGE_PEOPLE)
def candidate_page(request, pk: int):
    actor = request.user
    cand = queries.candidate(actor=actor, candidate_id=pk)
    errors: dict = {}
    if request.method == "POST":
        try:
            if request.POST.get("act") == "dismiss":
                services.dismiss_candidate(actor=actor, candidate_id=cand.pk, today=today())
                messages.success(request, _("Marked as not the same person."))
                return redirect("quality_duplicates")
            merge = services.merge_candidate(actor=actor, candidate_id=cand.pk, keep=request.POST.get("keep"), today=today(),
                                             open_residence=request.POST.get("open_residence") or None, take=request.POST.getlist("take") or None)
            messages.success(request, _("Merged; it can be undone if wrong."))
            return redirect("quality_merge", pk=merge.pk)
        except Invalid as e:
            errors = e.errors
    both = queries.side_by_side(actor=actor, cand=cand) if cand.state == CandidateState.OPEN or not cand.a.merged_into_id and not cand.b.merged_into_id else []
    opens = [r for side in both for r in side["residences"] if r.left_on is None]
    return render(request, "quality/candidate.html", {
        "cand": cand, "sides": both, "opens": opens if len(opens) > 1 else [], "fields": _field_labels(), "errors": errors,
        "merges": cand.merges.order_by("-id"),
    }, status=422 if errors else 200)


@require_http_methods(["GET", "POST"])
@staff_view(Action.MERGE_PEOPLE)
def merge_page(request, pk: int):
    actor = request.user
    merge = queries.merge_of(actor=actor, merge_id=pk)
    errors: dict = {}
    if request.method == "POST":
        try:
            services.undo_merge(actor=actor, merge_id=merge.pk, today=today())
            messages.success(request, _("Merge undone: both records are restored."))
            return redirect("quality_merge", pk=merge.pk)
        except Invalid as e:
            errors = e.errors
    labels = dict(_field_labels())
    provenance = [(labels.get(f, f), p) for f, p in merge.fields.items()]
    return render(request, "quality/merge.html", {"merge": merge, "provenance": provenance, "errors": errors}, status=422 if errors else 200)
