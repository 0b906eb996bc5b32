"""R6 on the web: the review queues of one's area (counts and age per step, the reviewed share
beside all registered forms), the forms awaiting one's own step (or, for a collector, her returned
and pending forms), and one form beside the record's history with the sign / return buttons or the
resubmit button. Every change goes through quality.services_reviews."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from liudong.accounts.choices import Action, Role
from liudong.accounts.views_support import staff_view
from liudong.clock import now, today  # the edge's one reading of the clock (invariant 4)
from liudong.errors import Invalid
from liudong.people.models import Employer, RentalHousing, Residence

from . import queries, queries_reviews, services_reviews
from .choices import ReviewState, ReviewStep


def _subjects(rows) -> None:
    """What each form is about, for the lists: the person's name, the home's address, the employer."""
    homes = dict(RentalHousing.objects.filter(pk__in=[r.object_id for r in rows if r.object_type == "housing"]).values_list("pk", "address"))
    employers = dict(Employer.objects.filter(pk__in=[r.object_id for r in rows if r.object_type == "employer"]).values_list("pk", "name"))
    for r in rows:
        r.subject = (homes.get(r.object_id, "") if r.object_type == "housing" else employers.get(r.object_id, "") if r.object_type == "employer"
                     else r.person.name if r.person_id else "")
        r.step_label = ReviewStep(r.step).label if r.step else ""


@require_GET
@staff_view(Action.VIEW_PERSON)
def reviews_page(request):
    actor = request.user
    division = actor.division
    day = today()
    all_forms = queries_reviews.reviews(actor=actor, division=division, on=day)
    total = all_forms.count()
    approved = all_forms.filter(state=ReviewState.APPROVED).count()
    plain_collector = actor.role == Role.VILLAGE_COLLECTOR and not actor.holds_mark("group_leader", day)
    own = list(all_forms.filter(collector=actor).exclude(state=ReviewState.APPROVED).select_related("person").order_by("-state", "waiting_since", "id")[:200]) \
        if actor.role == Role.VILLAGE_COLLECTOR else []
    rows = [] if plain_collector else [r for r in all_forms.filter(state=ReviewState.PENDING).select_related("person")[:2000]
                                       if services_reviews.waits_for(actor=actor, review=r, on=day)][:200]
    queries.log_list(actor=actor, what="person.review_list", person_ids=[r.person_id for r in rows + own if r.person_id], criteria={"division": division.code})
    _subjects(rows + own)
    queues = queries_reviews.queues(actor=actor, division=division, today=today())
    for q in queues:
        q["label"] = ReviewStep(q["step"]).label if q["step"] in ReviewStep.values else q["step"]
    return render(request, "quality/reviews.html", {
        "rows": rows, "own": own, "queues": queues, "total": total, "approved": approved, "share": round(100 * approved / total) if total else None,
        "collector": actor.role == Role.VILLAGE_COLLECTOR, "reviewer": not plain_collector, "division": division,
        "experienced": queries_reviews.experienced_reviewers(division, day) if actor.role in (Role.TOWNSHIP_CLERK, Role.TOWNSHIP_HEAD) else None,
    })


@require_http_methods(["GET", "POST"])
@staff_view(Action.VIEW_PERSON)
def review_page(request, pk: int):
    actor = request.user
    review = queries_reviews.review(actor=actor, review_id=pk)
    errors: dict = {}
    if request.method == "POST":
        try:
            if request.POST.get("act") == "resubmit":
                services_reviews.resubmit(actor=actor, review_id=review.pk, today=today())
                messages.success(request, _("Resubmitted for review."))
            else:
                services_reviews.sign(actor=actor, review_id=review.pk, decision=request.POST.get("decision", ""), reason=request.POST.get("reason", ""),
                                      today=today(), now=now())
                messages.success(request, _("Returned to the collector.") if request.POST.get("decision") == "return" else _("Signed."))
            return redirect("quality_reviews")
        except Invalid as e:
            errors = e.errors
    form = queries_reviews.form_of(actor=actor, review=review)
    history = list(Residence.objects.filter(person_id=review.person_id).select_related("division").order_by("arrived_on", "id")) if review.person_id else []
    changes = queries_reviews.history_of(review)
    signatures = list(review.signatures.select_related("signed_by"))
    for s in signatures:
        s.step_label = ReviewStep(s.step).label
    return render(request, "quality/review.html", {
        "review": review, "form": form, "history": history, "changes": changes, "signatures": signatures, "errors": errors,
        "step_label": ReviewStep(review.step).label if review.step else "", "mine": services_reviews.waits_for(actor=actor, review=review, on=today()),
        "may_resubmit": review.state == ReviewState.RETURNED and actor.pk == review.collector_id,
        "object_label": review.get_object_type_display(), "state_label": review.get_state_display(),
    }, status=422 if errors else 200)
