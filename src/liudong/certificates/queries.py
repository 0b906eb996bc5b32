"""C1-C6: every read of certificates, scoped (invariant 2) and logged where it shows a person
(invariant 3). A certificate is visible to staff who may see certificates (VIEW_CERTIFICATES:
never the police or the query desk) when its woman is in their person scope (she lives, lived or
is registered there) or it was issued in their subtree.

The due lists (C6, part 8 四) are inflow women of childbearing age living in a division with no
certificate, an expired one, or an overdue verification, as of a day: date comparisons on indexed
columns (Certificate.last_verified_on is kept in step with the verifications).
"""
import dataclasses
import datetime

from django.db.models import Exists, F, OuterRef, Q

from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import is_system, require
from liudong.dates import months_before
from liudong.divisions.models import Division
from liudong.divisions.queries import in_range, parse_division
from liudong.errors import Invalid, NotFound
from liudong.identifiers import row_id
from liudong.people.choices import Sex
from liudong.people.models import Person, Residence
from liudong.people import scope

from . import rules
from .models import Certificate, State, Status, StatusProof
from .services import NO_CERTIFICATE

DUE_KINDS = ("missing", "expired", "overdue")
STATES = tuple(State.values)
LIST_MAX = 500
OFFSET_MAX = 10_000_000


def _visible(actor):
    if is_system(actor):
        return Certificate.objects.all()
    return Certificate.objects.filter(Q(person__in=scope.persons(actor, history=True).values("pk")) | in_range("township_id", actor.division_id))


def get_certificate(*, actor, certificate_id, log: bool = True) -> Certificate:
    """One certificate with its person and township; 404 when absent or not yours."""
    require(actor, Action.VIEW_CERTIFICATES)
    pk = row_id(certificate_id)
    cert = _visible(actor).select_related("person", "township").filter(pk=pk).first() if pk else None
    if cert is None:
        raise NotFound(NO_CERTIFICATE)
    if log:
        record(actor, "certificate.view", obj=cert, person_id=cert.person_id, fields={"number": cert.number})
    return cert


def entries_of(cert: Certificate):
    return cert.entries.select_related("division").order_by("entered_on", "id")


def verifications_of(cert: Certificate):
    """C6: the woman's verification history over all her certificates: it passes with her."""
    from .models import Verification

    return Verification.objects.filter(person_id=cert.person_id).select_related("division", "certificate").order_by("verified_on", "id")


def certificates_of_person(*, actor, person: Person):
    """The certificates of a person the actor already opened (people page): none for a role that
    may not see certificates."""
    if not is_system(actor) and not actor.can(Action.VIEW_CERTIFICATES):
        return Certificate.objects.none()
    return Certificate.objects.filter(person=person).select_related("township").order_by("-issued_on", "-id")


def state_q(state: str, on: datetime.date) -> Q:
    long_term = Q(long_term_from__lte=on) & (Q(long_term_to__isnull=True) | Q(long_term_to__gt=on))
    active = Q(status=Status.ACTIVE)
    if state == State.LONG_TERM:
        return active & long_term
    if state == State.EXPIRED:
        return active & ~long_term & Q(valid_until__lt=on)
    if state == State.VALID:
        return active & ~long_term & (Q(valid_until__isnull=True) | Q(valid_until__gte=on))
    return Q(status=state)


def certificates(*, actor, division: str | None = None, state: str | None = None, on: datetime.date):
    """The certificates of a division (issued there, or of women living or registered there), newest first."""
    require(actor, Action.VIEW_CERTIFICATES)
    errors: dict = {}
    qs = _visible(actor)
    if division:
        d = parse_division({"division": division}, "division", errors, actor=actor)
        if errors:
            raise Invalid(errors)
        people = Person.objects.filter(scope.lives_in(d.code) | scope.registered_in(d.code)).values("pk")
        qs = qs.filter(in_range("township_id", d.code) | Q(person__in=people))
    if state:
        if state not in STATES:
            raise Invalid({"state": [f"应为 {'、'.join(STATES)} 之一 / must be one of {', '.join(STATES)}"]})
        qs = qs.filter(state_q(state, on))
    return qs.select_related("person", "township").order_by("-issued_on", "-id")


def log_list(*, actor, rows, what: str = "certificate.list", criteria: dict | None = None):
    record(actor, what, object_type="certificate", fields={"criteria": criteria or {}, "shown": [r.person_id if hasattr(r, "person_id") else r.pk for r in rows]})


# ---------------------------------------------------------------- C6: the due lists

@dataclasses.dataclass
class DueList:
    division: Division
    kind: str
    on: datetime.date
    required: bool
    note: str
    rows: object  # a queryset of her open Residence periods (with .person)


def due(*, actor, division: str | None, kind: str, on: datetime.date) -> DueList:
    """Inflow women of childbearing age living in `division` (default: the actor's) on `on` with
    no certificate (missing), an expired one (expired) or an overdue verification (overdue). Under
    a set without the certificate duty (national-2021) the lists are empty and say why."""
    require(actor, Action.VIEW_CERTIFICATES)
    errors: dict = {}
    if kind not in DUE_KINDS:  # checked after the role: a role without certificates gets 403 first
        errors["kind"] = [f"应为 {'、'.join(DUE_KINDS)} 之一 / must be one of {', '.join(DUE_KINDS)}"]
    if division:
        d = parse_division({"division": division}, "division", errors, actor=actor)
    elif is_system(actor):
        errors["division"] = ["必填 / required"]
        d = None
    else:
        d = actor.division
    if errors:
        raise Invalid(errors)
    code = d.code
    required = rules.value_or("certificate.required", code, on, True)
    bounds = rules.birth_bounds(code, on)
    if not required or bounds is None:
        r = None
        try:
            from liudong.policy.services import PolicyMissing, value_row

            r = value_row("certificate.required", code, on)
        except PolicyMissing:  # no rule at all: the note says so
            pass
        note = (f"自 {r.valid_from:%Y-%m-%d} 起不再要求婚育证明（{r.rule_set}） / the certificate duty was repealed from {r.valid_from:%Y-%m-%d} ({r.rule_set})"
                if r is not None and not r.value else f"{on} 时没有适用的规定 / no rule in force on {on}")
        return DueList(d, kind, on, False, note, Residence.objects.none())
    # The women's open residence periods in the division (its scope was checked by parse_division):
    # a range scan on the residence index, joined to the person and, for overdue, her certificate.
    base = Residence.objects.filter(in_range("division_id", code), left_on__isnull=True, floating=True,
                                    person__sex=Sex.FEMALE, person__birth_date__range=bounds)
    held = Certificate.objects.filter(person=OuterRef("person_id"), issued_on__lte=on)
    current = held.filter(state_q(State.VALID, on) | state_q(State.LONG_TERM, on))
    if kind == "missing":
        rows = base.filter(~Exists(held.filter(status=Status.ACTIVE)))
    elif kind == "expired":
        rows = base.filter(Exists(held.filter(state_q(State.EXPIRED, on))) & ~Exists(current))
    else:
        rows = _overdue(base, on, rules.hand_in_days(code, on), rules.interval_months(code, on))
    return DueList(d, kind, on, True, "", rows.select_related("person", "division").order_by("person_id"))


def _overdue(base, on, days, months):
    """C6: no verification since she arrived here and the hand-in days are past, or the latest
    verification here is older than the interval: one join of her open period and her current
    certificate (Certificate.last_verified_on is kept in step with the verifications)."""
    c = "person__certificates__"
    current = Q(**{c + "status": Status.ACTIVE, c + "issued_on__lte": on}) & (
        (Q(**{c + "long_term_from__lte": on}) & (Q(**{c + "long_term_to__isnull": True}) | Q(**{c + "long_term_to__gt": on})))
        | Q(**{c + "valid_until__isnull": True}) | Q(**{c + "valid_until__gte": on}))
    conditions = Q(pk__in=[])
    if days is not None:
        cutoff = on - datetime.timedelta(days=days)
        conditions |= (Q(**{c + "last_verified_on__isnull": True}) | Q(**{c + "last_verified_on__lt": F("arrived_on")})) & Q(
            arrived_on__lt=cutoff, **{c + "issued_on__lt": cutoff})
    if months:
        conditions |= Q(**{c + "last_verified_on__gte": F("arrived_on"), c + "last_verified_on__lt": months_before(on, months)})
    return base.filter(current & conditions)


def current_certificates(person_ids, on: datetime.date) -> dict[int, Certificate]:
    """The certificate each woman holds (the latest issued on or before the day), by person."""
    out: dict[int, Certificate] = {}
    for c in Certificate.objects.filter(person_id__in=list(person_ids), issued_on__lte=on).select_related("township").order_by("person_id", "issued_on", "id"):
        if c.status == Status.ACTIVE or c.person_id not in out:
            out[c.person_id] = c
    return out


def status_proofs(*, actor, person: Person):
    require(actor, Action.VIEW_CERTIFICATES)
    return StatusProof.objects.filter(person=person).order_by("-issued_on", "-id")


def get_status_proof(*, actor, proof_id) -> StatusProof:
    """A status proof issued in the actor's subtree, or sent to it; 404 otherwise."""
    require(actor, Action.VIEW_CERTIFICATES)
    pk = row_id(proof_id)
    proof = StatusProof.objects.select_related("person", "township", "receiver").filter(pk=pk).first() if pk else None
    if proof is None or not (is_system(actor) or actor.in_scope(proof.township_id) or (proof.receiver_id and actor.in_scope(proof.receiver_id))):
        raise NotFound("婚育情况证明不存在或不在您的管辖范围内 / no such status proof in your scope")
    return proof


def person_for_form(*, actor, person_id) -> Person:
    """The woman a certificate form is about (the issue, status-proof and door-to-door pages), within
    the actor's reach (people.scope, history included as the services read it), the read logged;
    404 otherwise."""
    pk = row_id(person_id)
    person = scope.persons(actor, history=True).filter(pk=pk).first() if pk else None
    if person is None:
        raise NotFound("人员不存在或不在您的管辖范围内 / no such person in your scope")
    # Invariant 3: the form shows her name, so opening it is a read of her.
    record(actor, "person.view", obj=person, person_id=person.pk, fields={"shown": ["name"], "kind": "certificate_form"})
    return person


# ---------------------------------------------------------------- 上门: door-to-door applications

APPLICATION_STATES = ("pending", "issued", "refused")


def applications(*, actor, state: str | None = None):
    """C1, part 8 四: the door-to-door applications the actor's subtree took (a village its own, the
    township its queue, the county all of its townships'), oldest first; `state` narrows them."""
    from .models import DoorApplication

    require(actor, Action.VIEW_CERTIFICATES)
    if state and state not in APPLICATION_STATES:
        raise Invalid({"state": [f"应为 {'、'.join(APPLICATION_STATES)} 之一 / must be one of {', '.join(APPLICATION_STATES)}"]})
    qs = DoorApplication.objects.all() if is_system(actor) else DoorApplication.objects.filter(in_range("village_id", actor.division_id))
    if state:
        qs = qs.filter(state=state)
    return qs.select_related("person", "village", "township", "certificate", "taken_by", "decided_by").order_by("taken_on", "id")


def get_application(*, actor, application_id, log: bool = True):
    """One door-to-door application of the actor's subtree (404 otherwise), its read logged."""
    pk = row_id(application_id)
    app = applications(actor=actor).filter(pk=pk).first() if pk else None
    if app is None:
        raise NotFound("申请不存在或不在您的管辖范围内 / no such application in your scope")
    if log:
        record(actor, "certificate.door_application_view", obj=app, person_id=app.person_id)
    return app


def pending_application_of(*, actor, person: Person):
    """The application waiting for her, as her record shows it (None for a role without certificates)."""
    from .models import DoorApplication

    if not is_system(actor) and not actor.can(Action.VIEW_CERTIFICATES):
        return None
    return DoorApplication.objects.filter(person=person, state="pending").select_related("village").first()


# ---------------------------------------------------------------- B1: a birth registration cites the status proof

def proof_for_citation(*, actor, proof, person_ids, on: datetime.date, field: str = "status_proof") -> StatusProof:
    """B1 (1-六-(二)-1): a birth service registration rests on, among its papers, the hukou
    township's proof of marital and childbearing status (婚育情况证明, 3-八-1). The case cites the
    proof the system already holds instead of asking for the paper again: given by its number (or
    id), it must be a proof of one of `person_ids` (the couple, whom the case already found in the
    actor's scope), issued on or before `on` (the day it is cited). A field error otherwise; a
    number of someone else's proof reads as an unknown one (privacy)."""
    require(actor, Action.VIEW_CERTIFICATES)
    raw = str(getattr(proof, "number", proof) or "").strip()
    qs = StatusProof.objects.select_related("township").filter(person_id__in=list(person_ids))
    found = (qs.filter(number=raw).first() or (qs.filter(pk=row_id(raw)).first() if raw.isdigit() else None)) if raw else None
    if found is None:
        raise Invalid({field: ["本案夫妻没有此编号的婚育情况证明 / no status proof of this couple has that number"]})
    if found.issued_on > on:
        raise Invalid({field: [f"婚育情况证明 {found.number} 于 {found.issued_on} 出具，晚于 {on} / status proof {found.number} was issued on {found.issued_on}, after {on}"]})
    return found


def certificate_held(*, actor, person_id, on: datetime.date) -> Certificate | None:
    """The certificate (C1-C4) a woman held on a day, for a page or record that cites it (number,
    state and term): None when she held none or the actor may not see certificates."""
    if not is_system(actor) and not actor.can(Action.VIEW_CERTIFICATES):
        return None
    return current_certificates([person_id], on).get(person_id)
