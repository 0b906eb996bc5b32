"""Issue 16: what another node tells this one about a person, written by the rules of this app
(invariant 1: one door). Two writers:

- `register_carried`: the identifying fields an envelope carries (name, ID number, sex, birth
  date, hukou division) become a record here, unless this node has her already (R8: matched by
  ID number first, then by her document). A clerk registers her in one step from a received
  message (actor given); the system does when an event about her arrives (actor None).
- `mirror_period`: a residence period another node recorded of a person whose hukou is here (an
  arrival, a move, a departure, a return), kept here so that her hukou place sees her outflow
  record (流出地, 流出时间), its outflow register and its counts as in one database.
"""
import datetime

from django.db import transaction
from django.utils.dateparse import parse_date

from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.codes import parent_code
from liudong.divisions.models import Division
from liudong.errors import Invalid

from .choices import IntendedStay, MoveReason, ResidenceEnd, ResidenceStart
from .models import ADDRESS_MAX, Person, Residence
from .services import _open_residence, _sync_current, _tell_listeners, create_person, is_floating, register_person, validate_person

# The identifying fields that travel with a message or an event (issue 16).
CARRIED = ("name", "id_number", "document_type", "document_number", "sex", "birth_date", "hukou_division")


def carried(ident: dict | None) -> dict:
    """The carried identity as plain strings, nothing else from the envelope."""
    ident = ident if isinstance(ident, dict) else {}
    return {k: str(ident.get(k) or "") for k in CARRIED}


def match_carried(ident: dict) -> Person | None:
    """R8: this node's record of the person an envelope names: by ID number first, then by her
    document; a record merged into another is followed to the one that survives."""
    ident = carried(ident)
    person = None
    if ident["id_number"]:
        person = Person.objects.filter(id_number=ident["id_number"]).first()
    if person is None and ident["document_number"]:
        person = Person.objects.filter(document_type=ident["document_type"] or "resident_id", document_number=ident["document_number"]).first()
    while person is not None and person.merged_into_id:
        person = Person.objects.get(pk=person.merged_into_id)
    return person


def register_carried(*, actor, ident: dict, today: datetime.date) -> tuple[Person, bool]:
    """A clerk registers, in one step, the person a received message names from the fields it
    carried (R8: the record this node has already, if any, by ID number first). Her scope and
    role are the clerk's as for any registration (register_person, audited there)."""
    require(actor, Action.REGISTER_PERSON)
    found = match_carried(ident)
    if found is not None:
        record(actor, "person.duplicate", obj=found, person_id=found.pk, fields={"via": "carried"})
        return found, False
    return register_person(actor=actor, data=carried(ident), today=today)


@transaction.atomic
def register_from_node(*, ident: dict, today: datetime.date, from_node: str) -> tuple[Person, bool]:
    """The system's path: an event from another node names a person whose hukou is here and
    whom this node does not know yet; she is registered under her hukou division."""
    found = match_carried(ident)
    if found is not None:
        return found, False
    clean, errors = validate_person(carried(ident), today=today)
    if errors:
        raise Invalid(errors)
    return create_person(clean, actor=None, today=today, created_by=clean["hukou_division_id"], audit={"from_node": from_node}), True


def known_division(code: str) -> Division | None:
    """The division `code`, or its nearest ancestor this node's table has (a node knows the
    country's counties, and the townships and villages it exchanges with)."""
    codes, c = [], code
    while c:
        codes.append(c)
        c = parent_code(c) if len(c) == 12 and c.isdigit() else None
    found = {d.code: d for d in Division.objects.filter(code__in=codes)}
    return next((found[c] for c in codes if c in found), None)


def _period_fields(period: dict) -> dict:
    start = period["start_kind"]
    end = period.get("end_kind") or ""
    if start not in ResidenceStart.values or (end and end not in ResidenceEnd.values):
        raise ValueError(f"kind {start!r}/{end!r}")
    arrived = parse_date(period["arrived_on"])
    left = parse_date(period["left_on"]) if period.get("left_on") else None
    if arrived is None or (left is not None and left < arrived):
        raise ValueError("dates")
    return {"arrived_on": arrived, "left_on": left, "start_kind": start, "end_kind": end if left else "",
            "reason": period.get("reason") if period.get("reason") in MoveReason.values else "",
            "intended_stay": period.get("intended_stay") if period.get("intended_stay") in IntendedStay.values else "",
            "expects_return": period.get("expects_return") is True, "floating": period.get("floating") is not False,
            "address": str(period.get("address") or "")[:ADDRESS_MAX]}


@transaction.atomic
def mirror_period(*, person_id: int, residence_id: int | None, period: dict, recorded_by: str, from_node: str) -> Residence:
    """Keep here the period another node recorded (`residence_id`: the one kept for it already,
    None the first time). That node's record is the truth for its period: an open period here that
    began before it ends on its arrival (a move); a period once closed is never reopened, so an
    event applied twice, or one overtaken by a later one, changes nothing. Her other listeners
    (review chain, residence registration) are not told: the period is the other node's business."""
    person = Person.objects.select_for_update().get(pk=person_id)
    data = _period_fields(period)
    if residence_id is not None:
        residence = Residence.objects.select_for_update().get(pk=residence_id)
        if residence.left_on is None and data["left_on"] is not None:
            residence.left_on, residence.end_kind = max(data["left_on"], residence.arrived_on), data["end_kind"] or ResidenceEnd.DEPARTURE
            residence.save(update_fields=["left_on", "end_kind"])
            _sync_current(person)
            record(None, "residence.remote_close", obj=residence, person_id=person.pk, division_code=person.hukou_division_id,
                   fields={"left_on": str(residence.left_on), "end_kind": residence.end_kind, "from_node": from_node})
        return residence
    division = known_division(str(period.get("division") or ""))
    if division is None:
        raise Invalid({"division": [f"本节点无区划 {str(period.get('division'))[:12]} / no division {str(period.get('division'))[:12]} here"]})
    current = _open_residence(person)
    if current is not None:
        if current.arrived_on <= data["arrived_on"]:
            current.left_on, current.end_kind = data["arrived_on"], ResidenceEnd.MOVE
            current.save(update_fields=["left_on", "end_kind"])
        elif data["left_on"] is None:
            data["left_on"], data["end_kind"] = current.arrived_on, ResidenceEnd.MOVE  # a later period here supersedes it
    residence = Residence.objects.create(person=person, division=division, hukou_division_code=person.hukou_division_id,
                                         recorded_by_division=recorded_by, **data)
    _sync_current(person)
    record(None, "residence.remote", obj=residence, person_id=person.pk, division_code=person.hukou_division_id,
           fields={"division": str(period.get("division")), "arrived_on": str(data["arrived_on"]), "left_on": str(data["left_on"] or ""),
                   "start_kind": data["start_kind"], "closed": getattr(current, "pk", None), "from_node": from_node})
    return residence


@transaction.atomic
def close_for_claim(*, person_id: int, left_on: datetime.date, division: str, claimant: str, claim_id: int) -> Residence | None:
    """Issue 16, hole 1: an arrival claim from a place on another node, accepted here (or let
    lapse): her open period here ends on the claim's arrival date, as a move, as
    `apply_arrival_claim` would close it in one database; the claimed period itself is the
    claimant's node's to open (its place is not this node's). Nothing changes when she has no
    open period here; one that began after the claimed arrival is Invalid (not applied).
    `division`: the claimed place."""
    person = Person.objects.select_for_update().get(pk=person_id)
    current = _open_residence(person)
    if current is None:
        return None
    if current.arrived_on > left_on:
        raise Invalid({"arrived_on": [f"其现居住记录始于 {current.arrived_on}，晚于申报的到达日期 / her period here began on {current.arrived_on}, after the claimed arrival"]})
    # As apply_arrival_claim ends it: a claim into her hukou county is her return (a departure).
    home = not is_floating(division, person.hukou_division_id) and current.floating
    current.left_on, current.end_kind = left_on, ResidenceEnd.DEPARTURE if home else ResidenceEnd.MOVE
    current.save(update_fields=["left_on", "end_kind"])
    _sync_current(person)
    record(None, "residence.claimed_away", obj=current, person_id=person.pk, division_code=current.division_id,
           fields={"left_on": str(left_on), "claimant": claimant, "claim": claim_id})
    _tell_listeners(None, person, closed=current, opened=None)
    return current


@transaction.atomic
def close_for_hukou_node(*, residence_id: int, person_id: int, left_on: datetime.date, end_kind: str, from_node: str) -> Residence | None:
    """Issue 16 (three nodes): her hukou node ended, by an act of its own (her return home, or an
    arrival claim from a third node it accepted), the copy it kept of her open period here; this
    node's period ends the same day, as the one record of one database would have. Then her hukou
    node hears of it as of any period this node ends (the listeners: a `person` event, which
    finds its copy closed and changes nothing). Nothing changes when the period is closed already;
    None when it is not hers."""
    residence = Residence.objects.select_for_update().filter(pk=residence_id, person_id=person_id).first()
    if residence is None:
        return None
    if residence.left_on is not None:
        return residence
    person = Person.objects.select_for_update().get(pk=person_id)
    residence.left_on = max(left_on, residence.arrived_on)
    residence.end_kind = end_kind if end_kind in ResidenceEnd.values else ResidenceEnd.MOVE
    residence.save(update_fields=["left_on", "end_kind"])
    _sync_current(person)
    record(None, "residence.closed_by_hukou_node", obj=residence, person_id=person.pk, division_code=residence.division_id,
           fields={"left_on": str(residence.left_on), "end_kind": residence.end_kind, "from_node": from_node})
    _tell_listeners(None, person, closed=residence, opened=None)
    return residence
