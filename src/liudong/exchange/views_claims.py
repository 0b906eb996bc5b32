"""Pages of arrival claims (hole 1) and family links to confirm (hole 3): submitting a claim from
the registration page or a person's page, the list of the area's claims (its pending arrivals),
proposing a family link to another place, and the list of proposals received and sent. Her place
answers on the message's page or from the list (exchange.views: accept, dispute)."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST, require_safe

from liudong.accounts.choices import Action
from liudong.accounts.views_support import int_or_none, staff_view
from liudong.clock import now, today
from liudong.errors import Invalid
from liudong.people.forms import ArrivalClaimForm, FamilyProposalForm
from liudong.people.views import arrive_here

from . import claim_queries, claims
from .models import ClaimState

PER_PAGE = 50
TABS = [("pending", gettext_lazy("Pending")), ("", gettext_lazy("All"))]
PROPOSAL_BOXES = [("received", pgettext_lazy("exchange", "To answer")), ("sent", pgettext_lazy("exchange", "Proposed by us"))]


@staff_view(Action.RECORD_RESIDENCE)
@require_POST
def arrival_claim_new(request):
    """She arrived here and showed her document: recorded at once when her place is this one,
    otherwise claimed from her place (exchange.claims.submit_arrival_claim)."""
    actor = request.user
    form = ArrivalClaimForm(request.POST, actor=actor)
    if form.is_valid():
        try:
            claim = claims.submit_arrival_claim(actor=actor, data=form.data_for_service(), today=today(), now=now())
        except Invalid as e:
            form.add_invalid(e)
        else:
            if claim.state == ClaimState.RECORDED:
                messages.success(request, _("Arrival recorded."))
                return redirect("person_detail", pk=claim.person_id)
            messages.success(request, _("Arrival claim sent to %(place)s; her or his place confirms it.") % {"place": claim.message.receiver.name})
            return redirect("arrival_claims")
    return arrive_here(request, None, created=bool(form.cleaned_data.get("created")) if hasattr(form, "cleaned_data") else False, form=form, status=200)


@staff_view(Action.VIEW_PERSON)
@require_safe
def arrival_claims(request):
    """The area's arrival claims; pending ones first (her place has not answered)."""
    actor = request.user
    state = request.GET.get("state", "pending")
    state = state if state in ClaimState.values else ""
    page = max(int_or_none(request.GET.get("page")) or 1, 1)
    count, rows = claim_queries.claims_page(actor=actor, state=state or None, limit=PER_PAGE, offset=min((page - 1) * PER_PAGE, 1_000_000_000))
    pages = max((count + PER_PAGE - 1) // PER_PAGE, 1)
    return render(request, "exchange/claims.html", {"rows": rows, "count": count, "state": state, "tabs": TABS, "page": page, "pages": pages,
                                                    "states": dict(ClaimState.choices)})


@staff_view(Action.VIEW_SENSITIVE)
@require_safe
def family_proposals(request):
    """Hole 3: the family links proposed to this place (to accept or dispute here) and those it
    proposed to others; pending ones first by default."""
    actor = request.user
    box = request.GET.get("box", "received")
    box = box if box in claim_queries.BOXES else "received"
    state = request.GET.get("state", "pending")
    state = state if state in ClaimState.values else ""
    page = max(int_or_none(request.GET.get("page")) or 1, 1)
    count, rows = claim_queries.proposals_page(actor=actor, box=box, state=state or None, limit=PER_PAGE, offset=min((page - 1) * PER_PAGE, 1_000_000_000))
    pages = max((count + PER_PAGE - 1) // PER_PAGE, 1)
    return render(request, "exchange/proposals.html", {
        "rows": rows, "count": count, "box": box, "boxes": PROPOSAL_BOXES, "state": state, "tabs": TABS, "page": page, "pages": pages,
        "can_answer": actor.can(Action.HANDLE_EXCHANGE), "here": request.get_full_path(),
    })


@staff_view(Action.MANAGE_FAMILY)
@require_POST
def family_propose(request, pk):
    """Hole 3: propose a family link to the place that records the relative."""
    actor = request.user
    form = FamilyProposalForm(request.POST)
    if form.is_valid():
        try:
            proposal = claims.propose_family_link(actor=actor, person_id=pk, data=form.data_for_service(), now=now())
        except Invalid as e:
            for msgs in e.errors.values():
                for m in msgs:
                    messages.error(request, m)
        else:
            if proposal.state == ClaimState.RECORDED:
                messages.success(request, _("Family link recorded."))
            else:
                messages.success(request, _("Family link proposed to %(place)s; it is recorded when that place accepts.") % {"place": proposal.message.receiver.name})
    return redirect("person_detail", pk=pk)
