"""Issue 13: every read of registrations and permits, scoped (invariant 2) and, for a permit or a
person's permit status, logged (invariant 3: every read of a permit is in the audit log)."""
import datetime

from django.db import transaction

from liudong import fields
from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import is_system, require
from liudong.divisions.models import Division
from liudong.divisions.queries import in_range, parse_division
from liudong.errors import Invalid, NotFound
from liudong.identifiers import row_id
from liudong.people.scope import persons

from .models import PermitState, RegistrationState, ResidencePermit, ResidenceRegistration
from .services import NOT_FOUND_PERSON, permit_in_scope

REGISTRATION_FILTERS = ("pending", "overdue", "completed", "all")
MAX_LIMIT = 200


def _division(*, actor, data: dict, errors: dict) -> Division | None:
    """The division to list for: the actor's own by default, else one inside its subtree."""
    if not data.get("division"):
        return None if is_system(actor) else actor.division
    return parse_division(data, "division", errors, actor=None if is_system(actor) else actor)


def page_args(data: dict, errors: dict) -> tuple[int, int]:
    """limit and offset of a list (the field kit's window); the API passes integers already."""
    limit, offset = data.get("limit", 50), data.get("offset", 0)
    limit = 50 if limit in (None, "") else limit
    offset = 0 if offset in (None, "") else offset
    try:
        limit, offset = int(limit), int(offset)
    except (TypeError, ValueError):
        fields.add(errors, "limit", "应为整数 / must be a whole number")
        return 50, 0
    fields.window(limit, offset, errors, max_limit=MAX_LIMIT)
    return limit, offset


def registrations(*, actor, data: dict, today: datetime.date):
    """RR2: registrations of the division's subtree (a station's, or its county's): pending,
    overdue (pending and past due), completed or all; the most overdue first."""
    require(actor, Action.HANDLE_RESIDENCE)
    errors: dict[str, list[str]] = {}
    division = _division(actor=actor, data=data, errors=errors)
    state = fields.choice(data, "state", errors, choices=REGISTRATION_FILTERS, default="pending")
    limit, offset = page_args(data, errors)
    if errors:
        raise Invalid(errors)
    qs = ResidenceRegistration.objects.select_related("person", "division")
    if division is not None:
        qs = qs.filter(in_range("division_id", division.code))
    if state == "pending":
        qs = qs.filter(state=RegistrationState.PENDING)
    elif state == "overdue":
        qs = qs.filter(state=RegistrationState.PENDING, due_on__lt=today)
    elif state == "completed":
        qs = qs.filter(state=RegistrationState.COMPLETED)
    qs = qs.order_by("due_on", "id")
    return qs, division, state, limit, offset


def registration(*, actor, registration_id) -> ResidenceRegistration:
    require(actor, Action.HANDLE_RESIDENCE)
    pk = row_id(registration_id)
    reg = ResidenceRegistration.objects.select_related("person", "division", "residence").filter(pk=pk).first() if pk else None
    if reg is None or not (is_system(actor) or actor.in_scope(reg.division_id)):
        raise NotFound("居住登记不存在或不在您的管辖范围内 / no such residence registration in your scope")
    return reg


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = day.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def endorsements_due(*, actor, division_code: str | None, month_of: datetime.date):
    """RP3: granted permits whose endorsement falls due in the month (the window closes then), in
    the subtree of a station or county: a range of due dates, then the division (one index)."""
    require(actor, Action.HANDLE_RESIDENCE)
    first, last = month_bounds(month_of)
    code = division_code or (None if is_system(actor) else actor.division_id)
    qs = ResidencePermit.objects.filter(state=PermitState.GRANTED, next_endorsement_due_on__gte=first, next_endorsement_due_on__lte=last)
    if code:
        qs = qs.filter(in_range("division_id", code))
    return qs.order_by("next_endorsement_due_on", "id")


def permits(*, actor, division_code: str | None = None, state: str = ""):
    """The permits of the actor's subtree, newest first (the station's page)."""
    require(actor, Action.HANDLE_RESIDENCE)
    code = division_code or (None if is_system(actor) else actor.division_id)
    qs = ResidencePermit.objects.select_related("person")
    if code:
        qs = qs.filter(in_range("division_id", code))
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-id")


@transaction.atomic
def permit(*, actor, permit_id, via: str = "api") -> ResidencePermit:
    """One permit, for the police of its place; the read is logged (invariant 3)."""
    require(actor, Action.HANDLE_RESIDENCE)
    found = permit_in_scope(actor=actor, permit_id=permit_id)
    record(actor, "residence_permit.view", obj=found, person_id=found.person_id, fields={"via": via})
    return found


@transaction.atomic
def permit_exists(*, actor, person_id, via: str = "api") -> bool:
    """Who sees what: the family-planning roles learn only whether she holds a permit (granted or
    suspended), nothing of it; the look is logged."""
    require(actor, Action.VIEW_PERMIT_EXISTS)
    pk = row_id(person_id)
    person = persons(actor).filter(pk=pk).first() if pk else None
    if person is None:
        raise NotFound(NOT_FOUND_PERSON)
    exists = ResidencePermit.objects.filter(person_id=person.pk, state__in=(PermitState.GRANTED, PermitState.SUSPENDED)).exists()
    record(actor, "residence_permit.exists", object_type="person", object_id=person.pk, person_id=person.pk, fields={"via": via, "exists": exists})
    return exists


@transaction.atomic
def public_permit(token: str, *, address: str = "") -> ResidencePermit | None:
    """The public page's permit by its unguessable token (no log-in); None when unknown. The look
    is logged like every read of a permit (invariant 3), with the client address, in the audit of
    the permit's place (the page is rate-limited per address, liudong.limits.hit)."""
    if not token or len(token) > 64:
        return None
    found = ResidencePermit.objects.select_related("person", "city").filter(public_token=token).first()
    if found is not None:
        record(None, "residence_permit.public_check", obj=found, person_id=found.person_id, fields={"address": address},
               division_code=found.division_id)
    return found



@transaction.atomic
def application_check(*, actor, person_id, applied_on, basis=None, proof=None, scans: int = 0, today: datetime.date):
    """RP1 on the application page: the person (scoped) and her eligibility as checked from the
    registry on `applied_on` (a bad date: checked without it). Reading her residence history is
    logged (invariant 3)."""
    from .services import applicant, eligibility

    person = applicant(actor=actor, person_id=person_id)
    day = None
    if applied_on:
        errors: dict[str, list[str]] = {}
        day = fields.date({"applied_on": applied_on}, "applied_on", errors, today=today)
    found = eligibility(actor=actor, person=person, applied_on=day, basis=basis, proof=proof, scans=scans)
    record(actor, "residence_permit.eligibility", object_type="person", object_id=person.pk, person_id=person.pk,
           fields={"applied_on": str(day) if day else None, "ok": found.ok})
    return person, found


@transaction.atomic
def scan(*, actor, permit_id, scan_id):
    """A proof scan of a permit in scope, downloaded; logged (invariant 3)."""
    require(actor, Action.HANDLE_RESIDENCE)
    found = permit_in_scope(actor=actor, permit_id=permit_id)
    pk = row_id(scan_id)
    att = found.attachments.filter(pk=pk).first() if pk else None
    if att is None:
        raise NotFound("扫描件不存在 / no such scan")
    record(actor, "residence_permit.scan", obj=found, person_id=found.person_id, fields={"scan": att.pk, "name": att.name})
    return att


def of_person(*, actor, person) -> dict:
    """Her permits and registrations for the police's panel on her record (the person page already
    logs the read of her record); whether she holds a permit for the family-planning roles (logged)."""
    if actor.can(Action.HANDLE_RESIDENCE):
        code = None if is_system(actor) else actor.division_id
        permits_qs = ResidencePermit.objects.filter(person_id=person.pk).order_by("-id")
        regs = ResidenceRegistration.objects.filter(person_id=person.pk).select_related("division").order_by("-arrived_on")
        if code:
            permits_qs, regs = permits_qs.filter(in_range("division_id", code)), regs.filter(in_range("division_id", code))
        found = {"police": True, "permits": list(permits_qs[:10]), "registrations": list(regs[:10])}
        if found["permits"]:  # every read of a permit is logged (invariant 3)
            record(actor, "residence_permit.list", object_type="residence_permit",
                   fields={"persons": [person.pk], "permits": [p.pk for p in found["permits"]], "via": "person_page"})
        return found
    if actor.can(Action.VIEW_PERMIT_EXISTS):
        return {"police": False, "exists": permit_exists(actor=actor, person_id=person.pk, via="person_page")}
    return {}
