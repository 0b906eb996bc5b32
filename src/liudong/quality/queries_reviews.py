"""R6 reads: the review queues of an area (counts and age per step), one review with its form and
signatures. The police step sees the form without phone and family fields (invariant 2)."""
import datetime

from django.db.models import Count, Min

from liudong.accounts.choices import Action, Role
from liudong.accounts.permissions import require
from liudong.divisions.models import Division
from liudong.errors import NotFound
from liudong.people.models import Employer, RentalHousing, Residence

from .choices import ReviewState
from .models import Review
from .services_reviews import NO_REVIEW, may_see


def reviews(*, actor, division: Division, on: datetime.date, state: str = ""):
    """Reviews of forms collected in the division's subtree, oldest waiting first (a collector's
    own, unless she is marked group leader on day `on`)."""
    require(actor, Action.VIEW_PERSON)
    qs = Review.objects.filter(division__startswith=division.prefix) if hasattr(division, "prefix") else Review.objects.none()
    if actor.role == Role.VILLAGE_COLLECTOR and not actor.holds_mark("group_leader", on):
        qs = qs.filter(collector=actor)  # a group leader sees her village's forms (her own among them)
    return (qs.filter(state=state) if state else qs).order_by("waiting_since", "id")


def queues(*, actor, division: Division, today: datetime.date) -> list[dict]:
    """Per step: how many forms wait and since when (age in days of the oldest)."""
    rows = reviews(actor=actor, division=division, on=today, state=ReviewState.PENDING).values("steps", "step_index").annotate(n=Count("id"), oldest=Min("waiting_since"))
    out: dict[str, dict] = {}
    for r in rows:
        step = r["steps"][r["step_index"]] if r["step_index"] < len(r["steps"]) else ""
        q = out.setdefault(step, {"step": step, "count": 0, "oldest": r["oldest"]})
        q["count"] += r["n"]
        q["oldest"] = min(q["oldest"], r["oldest"])
    for q in out.values():
        q["age_days"] = (today - q["oldest"]).days
    return sorted(out.values(), key=lambda q: q["step"])


def experienced_reviewers(division: Division, on: datetime.date) -> int:
    """How many active accounts of the township may sign its step (R6: the step needs
    review.township_signatures of them; the queue page warns when there are fewer)."""
    from liudong.accounts.models import Staff, StaffMark

    marked = StaffMark.objects.filter(StaffMark.valid_on(on), mark="experienced_reviewer").values("staff_id")
    return Staff.objects.filter(division_id=division.code, role__in=(Role.TOWNSHIP_CLERK, Role.TOWNSHIP_HEAD), pk__in=marked, is_active=True).count()


def review(*, actor, review_id) -> Review:
    require(actor, Action.VIEW_PERSON)
    found = Review.objects.select_related("person", "collector").filter(pk=review_id).first() if review_id else None
    if found is None or not may_see(actor=actor, review=found):
        raise NotFound(NO_REVIEW)
    return found


def form_of(*, actor, review: Review) -> dict:
    """The collected form's fields; the police see no phone (and no family) (R6): neither the
    person's, nor a home owner's, nor an employer's contact phone."""
    police = actor.role == Role.POLICE_OFFICER
    if review.object_type == "housing":
        h = RentalHousing.objects.select_related("owner", "division").filter(pk=review.object_id).first()
        if h is None:
            return {}
        form = {"division": h.division.name, "address": h.address, "owner": h.owner.name, "owner_document": h.owner.document_number, "use": h.get_use_display(),
                "business_category": h.business_category, "rooms": h.rooms, "registered_on": h.registered_on.isoformat()}
        if not police:
            form["phone"] = h.owner.phone
        return form
    if review.object_type == "employer":
        e = Employer.objects.select_related("division").filter(pk=review.object_id).first()
        if e is None:
            return {}
        form = {"division": e.division.name, "employer": e.name, "credit_code": e.credit_code or "", "address": e.address, "contact_name": e.contact_name,
                "registered_on": e.registered_on.isoformat()}
        if not police:
            form["phone"] = e.contact_phone
        return form
    p = review.person
    if p is None:
        return {}
    form = {"name": p.name, "sex": p.sex, "birth_date": p.birth_date.isoformat(), "document_number": p.document_number, "hukou_division": p.hukou_division_id}
    if not police:
        form["phone"] = p.phone
    if review.object_type != "person":
        r = Residence.objects.filter(pk=review.object_id).first()
        if r is not None:
            form.update(division=r.division_id, address=r.address, arrived_on=r.arrived_on.isoformat())
    return form


def history_of(review: Review) -> list[tuple]:
    """The record's history beside the form: a rental home's or employer's registration and
    corrections, from their audit events: (at, created?, [(field label, old, new)])."""
    from liudong.accounts.models import AuditEvent

    if review.object_type not in ("housing", "employer"):
        return []
    model = RentalHousing if review.object_type == "housing" else Employer
    names = {f.attname: str(f.verbose_name) for f in model._meta.concrete_fields}
    out = []
    for e in AuditEvent.objects.filter(object_type=model._meta.model_name, object_id=str(review.object_id)).order_by("at", "id"):
        created = e.action.endswith(".create")
        changes = [] if created else [(names.get(k, k), v[0], v[1]) for k, v in e.fields.items() if isinstance(v, list) and len(v) == 2]
        out.append((e.at, created, changes))
    return out
