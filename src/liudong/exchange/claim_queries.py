"""Reads of arrival claims and family proposals (holes 1 and 3), scoped to the claimant's subtree
(invariant 2) and logged with the persons they name (invariant 3). A claimant sees a pending
person's identity fields only: name, sex, birth date and document (exchange.claims)."""
from liudong import fields
from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.divisions.queries import in_range
from liudong.errors import Invalid, NotFound
from liudong.identifiers import row_id

from .models import ArrivalClaim, ClaimState, FamilyProposal

MAX_LIMIT = 200
# States in which the person is the claimant's (she lives there now): her id may be shown.
SETTLED_HERE = (ClaimState.RECORDED, ClaimState.ACCEPTED)


def _claims(actor):
    return (ArrivalClaim.objects.filter(in_range("claimant_id", actor.division_id))
            .select_related("person", "division", "claimant", "message", "message__receiver"))


def claims_page(*, actor, state: str | None = None, limit: int = 20, offset: int = 0) -> tuple[int, list[ArrivalClaim]]:
    """The arrival claims of the actor's area, newest first; `state=pending` is the list of her
    pending arrivals (hole 1: the old place keeps counting her meanwhile)."""
    require(actor, Action.VIEW_PERSON)
    errors = {}
    if state not in (None, "", *ClaimState.values):
        errors["state"] = [f"应为 {', '.join(ClaimState.values)} 之一 / one of {', '.join(ClaimState.values)}"]
    fields.window(limit, offset, errors, max_limit=MAX_LIMIT)
    if errors:
        raise Invalid(errors)
    qs = _claims(actor)
    if state:
        qs = qs.filter(state=state)
    count = qs.count()
    rows = list(qs.order_by("-id")[offset: offset + limit])
    if rows:
        record(actor, "arrival_claim.list", object_type="arrivalclaim",
               fields={"state": state or "", "shown": [c.pk for c in rows], "person_ids": sorted({c.person_id for c in rows})})
    return count, rows


def get_claim(*, actor, claim_id) -> ArrivalClaim:
    require(actor, Action.VIEW_PERSON)
    pk = row_id(claim_id)
    claim = _claims(actor).filter(pk=pk).first() if pk else None
    if claim is None:
        raise NotFound("申报不存在或不在您的管辖范围内 / no such claim in your scope")
    record(actor, "arrival_claim.view", obj=claim, person_id=claim.person_id, fields={"shown": ["name", "sex", "birth_date", "document", "claim"]})
    return claim


def person_id_shown(claim) -> int | None:
    """The person's id once she is the claimant's (recorded or accepted); before, only her
    identity fields (ids of others' people answer nothing, hole 1)."""
    return claim.person_id if claim.state in SETTLED_HERE else None


def claim_of(message):
    """The arrival claim or the family proposal a message carries, for its page (None for others)."""
    return (ArrivalClaim.objects.select_related("division", "housing", "employer", "claimant").filter(message=message).first()
            or FamilyProposal.objects.select_related("person", "relative", "proposer").filter(message=message).first())


BOXES = ("received", "sent")


def _proposals(actor):
    """Hole 3: the proposals the actor's area sent, or that were addressed to it (the place of the
    relative, which answers them)."""
    mine = in_range("proposer_id", actor.division_id) | in_range("message__receiver_id", actor.division_id)
    return (FamilyProposal.objects.filter(mine)
            .select_related("person", "relative", "proposer", "message", "message__receiver", "message__sender"))


def proposals_page(*, actor, box: str | None = None, state: str | None = None, limit: int = 20, offset: int = 0) -> tuple[int, list[FamilyProposal]]:
    """Family link proposals sent by the actor's area or addressed to it, newest first; `box`
    received (to answer) or sent. A link names a person's family, a sensitive field: roles that do
    not see those see no proposal. The persons shown are logged (invariant 3)."""
    require(actor, Action.VIEW_SENSITIVE)
    errors = {}
    if box not in (None, "", *BOXES):
        errors["box"] = [f"应为 {', '.join(BOXES)} 之一 / one of {', '.join(BOXES)}"]
    if state not in (None, "", *ClaimState.values):
        errors["state"] = [f"应为 {', '.join(ClaimState.values)} 之一 / one of {', '.join(ClaimState.values)}"]
    fields.window(limit, offset, errors, max_limit=MAX_LIMIT)
    if errors:
        raise Invalid(errors)
    qs = _proposals(actor)
    if box == "received":
        qs = qs.filter(in_range("message__receiver_id", actor.division_id))
    elif box == "sent":
        qs = qs.filter(in_range("proposer_id", actor.division_id))
    if state:
        qs = qs.filter(state=state)
    count = qs.count()
    rows = list(qs.order_by("-id")[offset: offset + limit])
    if rows:
        record(actor, "family_proposal.list", object_type="familyproposal",
               fields={"box": box or "", "state": state or "", "shown": [p.pk for p in rows],
                       "person_ids": sorted({p.person_id for p in rows} | {p.relative_id for p in rows})})
    return count, rows


def received(*, actor, proposal) -> bool:
    """Whether the proposal was addressed to the actor's area (its place answers it)."""
    return proposal.message is not None and actor.in_scope(proposal.message.receiver_id)


def get_proposal(*, actor, proposal_id) -> FamilyProposal:
    """One proposal, for the area that sent it or the place it was addressed to."""
    require(actor, Action.VIEW_PERSON)
    pk = row_id(proposal_id)
    proposal = _proposals(actor).filter(pk=pk).first() if pk else None
    if proposal is None:
        raise NotFound("申请不存在或不在您的管辖范围内 / no such proposal in your scope")
    record(actor, "family_proposal.view", obj=proposal, person_id=proposal.person_id, fields={"shown": ["proposal"]})
    return proposal
