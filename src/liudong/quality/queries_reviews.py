"""R6 reads: the review queues of an area (counts and age per step), one review with its form and
signatures. The police step sees the form without phone and family fields (invariant 2)."""
import datetime

from django.db.models import Count, Min

from liudong.accounts.choices import Action, Role
from liudong.accounts.permissions import require
from liudong.divisions.models import Division
from liudong.errors import NotFound
from liudong.people.models import Residence

from .choices import ReviewState
from .models import Review
from .services_reviews import NO_REVIEW, may_see


def reviews(*, actor, division: Division, state: str = ""):
    """Reviews of forms collected in the division's subtree, oldest waiting first."""
    require(actor, Action.VIEW_PERSON)
    qs = Review.objects.filter(division__startswith=division.prefix) if hasattr(division, "prefix") else Review.objects.none()
    if actor.role == Role.VILLAGE_COLLECTOR:
        qs = qs.filter(collector=actor)
    return (qs.filter(state=state) if state else qs).order_by("waiting_since", "id")


def queues(*, actor, division: Division, today: datetime.date) -> list[dict]:
    """Per step: how many forms wait and since when (age in days of the oldest)."""
    rows = reviews(actor=actor, division=division, state=ReviewState.PENDING).values("steps", "step_index").annotate(n=Count("id"), oldest=Min("waiting_since"))
    out: dict[str, dict] = {}
    for r in rows:
        step = r["steps"][r["step_index"]] if r["step_index"] < len(r["steps"]) else ""
        q = out.setdefault(step, {"step": step, "count": 0, "oldest": r["oldest"]})
        q["count"] += r["n"]
        q["oldest"] = min(q["oldest"], r["oldest"])
    for q in out.values():
        q["age_days"] = (today - q["oldest"]).days
    return sorted(out.values(), key=lambda q: q["step"])


def review(*, actor, review_id) -> Review:
    require(actor, Action.VIEW_PERSON)
    found = Review.objects.select_related("person", "collector").filter(pk=review_id).first() if review_id else None
    if found is None or not may_see(actor=actor, review=found):
        raise NotFound(NO_REVIEW)
    return found


def form_of(*, actor, review: Review) -> dict:
    """The collected form's fields; the police see no phone (and no family) (R6)."""
    p = review.person
    if p is None:
        return {}
    form = {"name": p.name, "sex": p.sex, "birth_date": p.birth_date.isoformat(), "document_number": p.document_number, "hukou_division": p.hukou_division_id}
    if actor.role != Role.POLICE_OFFICER:
        form["phone"] = p.phone
    if review.object_type != "person":
        r = Residence.objects.filter(pk=review.object_id).first()
        if r is not None:
            form.update(division=r.division_id, address=r.address, arrived_on=r.arrived_on.isoformat())
    return form
