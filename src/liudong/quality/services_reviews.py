"""R6: the three-level review of every collected form (part 6 四-4), as services (invariant 1).

A form entered by a village collector (a new person, an arrival, a move, a return, a rental home,
an employer) enters the chain in force for its village that day (policy values review.chain and
review.township_signatures, invariant 5): the group leader (组长: a village cadre of the village, or
a collector of the village marked group leader, never for her own forms), the area police officer
(a police officer whose area holds the village), then the township office, where
`review.township_signatures` different experienced reviewers sign: township clerks or heads whose
account carries the mark on the signing day (accounts.StaffMark periods, set by whoever manages
accounts, audited). Each step
approves or returns the form to its collector with a reason; the collector corrects the record
and resubmits, and the chain starts again. Every signature keeps who and when (Signature rows).
The record itself is usable at once and shows its review state.
"""
import datetime

from django.db import transaction

from liudong.accounts.audit import record
from liudong.accounts.choices import Action, Role
from liudong.accounts.permissions import require
from liudong.errors import Invalid, NotFound
from liudong.policy.services import PolicyMissing
from liudong.policy.services import value as policy_value

from .choices import REVIEW_NEXT, Decision, ReviewObject, ReviewState, ReviewStep
from .models import Review, Signature

STEP_ROLES = {
    ReviewStep.GROUP_LEADER: {Role.VILLAGE_CADRE, Role.VILLAGE_COLLECTOR},
    ReviewStep.POLICE: {Role.POLICE_OFFICER},
    ReviewStep.TOWNSHIP: {Role.TOWNSHIP_CLERK, Role.TOWNSHIP_HEAD},
}


def step_refusal(*, actor, review: Review, step: str, on: datetime.date) -> str:
    """Why the actor may not sign `step` of the review on day `on` ("" when she may): the step's
    role and place, a collector only when marked group leader that day and not for her own form, a
    township reviewer only when marked experienced that day (accounts.StaffMark periods)."""
    label = ReviewStep(step).label.split(" ")[0] if step in ReviewStep.values else step
    if getattr(actor, "role", None) not in STEP_ROLES.get(step, set()) or not actor.in_scope(review.division):
        return f"该表单正等待“{label}”，不是您的环节 / the form waits for the {step} step, not yours"
    if actor.role == Role.VILLAGE_COLLECTOR:
        if not actor.holds_mark("group_leader", on):
            return f"该表单正等待“{label}”，信息员须被标记为组长才能签字 / the form waits for the {step} step: a collector signs it only when marked group leader"
        if actor.pk == review.collector_id:
            return "组长不能审核自己采集的表单 / a group leader does not sign her own forms"
    if step == ReviewStep.TOWNSHIP and not actor.holds_mark("experienced_reviewer", on):
        return "乡镇审查须由标记为审核人的工作人员签字 / the township step is signed by staff marked experienced reviewer"
    return ""


def waits_for(*, actor, review: Review, on: datetime.date) -> bool:
    """Whether the form waits for the actor's signature on day `on`."""
    return review.state == ReviewState.PENDING and not step_refusal(actor=actor, review=review, step=review.step, on=on)
NO_REVIEW = "审核记录不存在或不在您的管辖范围内 / no such review in your area"
REASON_MAX = 200


def may_see(*, actor, review: Review) -> bool:
    """Reviewers of the village's chain and the collector see a review; the township and county
    above see it too (queues and counts)."""
    return actor is not None and (actor.pk == review.collector_id or actor.in_scope(review.division))


def submit(*, actor, object_type: str, object_id: int, person, today: datetime.date) -> Review | None:
    """Put a collector's form into the chain (called in the transaction that wrote the record)."""
    if getattr(actor, "role", None) != Role.VILLAGE_COLLECTOR:
        return None
    try:
        chain = policy_value("review.chain", actor.division_id, on=today)
        signatures = int(policy_value("review.township_signatures", actor.division_id, on=today))
    except PolicyMissing:
        return None  # no chain in force there and then (a date before the rule sets): nothing to review
    steps = [s for s in chain if s in ReviewStep.values]
    review = Review.objects.create(object_type=object_type, object_id=object_id, person=person, division=actor.division_id, collector=actor,
                                   steps=steps, township_signatures=max(1, signatures), submitted_on=today, waiting_since=today,
                                   state=ReviewState.PENDING if steps else ReviewState.APPROVED)
    record(actor, "review.submit", obj=review, person_id=getattr(person, "pk", None), fields={"object": object_type, "steps": steps})
    return review


def on_person_registered(*, actor, person, today):
    submit(actor=actor, object_type=ReviewObject.PERSON, object_id=person.pk, person=person, today=today)


def on_place_registered(*, actor, obj, today):
    """A rental home or an employer registered (people.services_places)."""
    kind = ReviewObject.HOUSING if obj._meta.model_name == "rentalhousing" else ReviewObject.EMPLOYER
    submit(actor=actor, object_type=kind, object_id=obj.pk, person=None, today=today)


def on_residence_opened(*, actor, person, closed, opened):
    if opened is None:
        return
    kind = {"arrival": ReviewObject.ARRIVAL, "move": ReviewObject.MOVE, "return": ReviewObject.RETURN}.get(opened.start_kind, ReviewObject.ARRIVAL)
    submit(actor=actor, object_type=kind, object_id=opened.pk, person=person, today=opened.arrived_on)


def _locked(actor, review_id) -> Review:
    review = Review.objects.select_for_update().filter(pk=review_id).first() if review_id else None
    if review is None or not may_see(actor=actor, review=review):
        raise NotFound(NO_REVIEW)
    return review


@transaction.atomic
def sign(*, actor, review_id, decision, reason: str = "", today: datetime.date, now: datetime.datetime) -> Review:
    """Approve or return the form at its current step (the reviewing roles all hold VIEW_PERSON). 422 (Invalid, field `step`) when the form
    does not wait for the actor's step - out of order, another role, or a village outside the
    actor's area - or when the actor has signed this step already; a return needs its reason."""
    require(actor, Action.VIEW_PERSON)
    review = _locked(actor, review_id)
    errors: dict[str, list[str]] = {}
    if decision not in Decision.values:
        errors["decision"] = ["应为 approve 或 return / must be approve or return"]
    reason = str(reason or "").strip()
    if decision == Decision.RETURN and not reason:
        errors["reason"] = ["退回须写明原因 / a return needs its reason"]
    if len(reason) > REASON_MAX:
        errors["reason"] = [f"最多 {REASON_MAX} 个字符 / at most {REASON_MAX} characters"]
    step = review.step
    if review.state != ReviewState.PENDING:
        errors["step"] = [f"该表单{ReviewState(review.state).label.split(' ')[0]}，无需审核 / the form is {review.state}: nothing to sign"]
    elif step_refusal(actor=actor, review=review, step=step, on=today):
        errors["step"] = [step_refusal(actor=actor, review=review, step=step, on=today)]
    elif review.signatures.filter(submission=review.submissions, step=step, signed_by=actor).exists():
        errors["step"] = ["您已在此环节签字，需由另一名审核人签字 / you signed this step already: another reviewer signs next"]
    if errors:
        raise Invalid(errors)
    state = REVIEW_NEXT[(review.state, decision)]
    Signature.objects.create(review=review, submission=review.submissions, step=step, decision=decision, reason=reason, signed_by=actor,
                             signed_on=today, signed_at=now)
    if decision == Decision.RETURN:
        review.state, review.reason = state, reason
    else:
        needed = review.township_signatures if step == ReviewStep.TOWNSHIP else 1
        done = review.signatures.filter(submission=review.submissions, step=step, decision=Decision.APPROVE).count()
        if done >= needed:
            review.step_index += 1
            review.waiting_since = today
            if review.step_index >= len(review.steps):
                review.state = ReviewState.APPROVED
    review.save(update_fields=["state", "reason", "step_index", "waiting_since"])
    record(actor, f"review.{decision}", obj=review, person_id=review.person_id, fields={"step": step, "reason": reason, "state": review.state})
    return review


@transaction.atomic
def resubmit(*, actor, review_id, today: datetime.date) -> Review:
    """The collector sends a returned form, corrected, through the chain again."""
    require(actor, Action.REGISTER_PERSON)
    review = _locked(actor, review_id)
    if actor.pk != review.collector_id:
        raise NotFound(NO_REVIEW)
    nxt = REVIEW_NEXT.get((review.state, "resubmit"))
    if nxt is None:
        raise Invalid({"state": ["只有退回的表单可以重新提交 / only a returned form can be resubmitted"]})
    review.state, review.step_index, review.waiting_since = nxt, 0, today
    review.submissions += 1
    review.save(update_fields=["state", "step_index", "waiting_since", "submissions"])
    record(actor, "review.resubmit", obj=review, person_id=review.person_id, fields={"submission": review.submissions})
    return review
