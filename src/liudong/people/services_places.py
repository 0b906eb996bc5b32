"""R4: rental housing (以房管人) and employers (用工单位): register, correct, close.

The same door as every other write (invariant 1): each function takes the acting staff member and
the date explicitly, checks the role (403) and that the record lies in the actor's subtree (404
otherwise, so a scope never leaks what lies outside it), validates every field at once, writes in
one transaction and records its audit event in it. A correction is audited as {field: [old, new]}.

A closed record is history, not deleted: a rental home closed (停租) takes no new tenants and an
employer closed (注销) no new employees (people.services.record_arrival refuses them). A home is
closed only once nobody lives there after the closing date: its tenants' departures or moves are
recorded first, so the register never shows people living in a home that is no longer let.
"""
import datetime

from django.db import transaction
from django.db.models import Q

from liudong import fields
from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.codes import Level
from liudong.divisions.queries import parse_division
from liudong.errors import Invalid, NotFound
from liudong.identifiers import IdentifierError, check_credit_code, check_phone, row_id

from . import scope
from .choices import HousingUse
from .models import ADDRESS_MAX, Employer, Person, RentalHousing, Residence

HOUSING_USES = frozenset(HousingUse.values)
# The fields a correction may change; the division is not one of them (it decides the scope).
HOUSING_FIELDS = ("address", "owner_id", "use", "business_category", "rooms")
EMPLOYER_FIELDS = ("name", "credit_code", "address", "contact_name", "contact_phone")
BUSINESS_MAX, EMPLOYER_NAME_MAX, CONTACT_MAX = 100, 200, 50


# Apps above people that act on a new rental home or employer (liudong.quality's review chain, R6)
# register here: fn(actor=, obj=, today=), called in the registering transaction.
PLACE_LISTENERS: list = []


def add_place_listener(fn) -> None:
    if fn not in PLACE_LISTENERS:
        PLACE_LISTENERS.append(fn)


def _tell_place_listeners(actor, obj, today) -> None:
    for fn in PLACE_LISTENERS:
        fn(actor=actor, obj=obj, today=today)


# ---------------------------------------------------------------- field checks

def _owner(data, errors, actor) -> Person | None:
    """The owner: a person the page found by her card (`owner`, any registered person, the look-up
    logged there: R8), or one by id (`owner_id`) in the actor's area. An id outside it is answered
    like one that does not exist, and its name never comes back (issue 7, hole 3)."""
    if isinstance(data.get("owner"), Person):
        return data["owner"]
    pk = row_id(data.get("owner_id"))
    owner = scope.writable(actor).filter(pk=pk).first() if pk else None
    if owner is None:
        errors.setdefault("owner_id", []).append("房主应为已登记的人员（您辖区以外的房主请按身份证号填写） / "
                                                 "the owner must be a registered person (one recorded outside your area is given by her ID number)")
    return owner


def _rooms(data, errors, *, default=1):
    rooms = data.get("rooms", default)
    try:
        if isinstance(rooms, bool) or (isinstance(rooms, float) and not rooms.is_integer()):
            raise ValueError
        rooms = int(rooms)
        if not 1 <= rooms <= 10000:
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        errors.setdefault("rooms", []).append("间数应为1到10000的整数 / rooms is a whole number from 1 to 10000")
        return None
    return rooms


def _housing_fields(data, errors, names, *, partial: bool, actor) -> dict:
    """Clean values of the housing fields in `names`, keyed by model attribute (owner -> owner_id).
    In a correction (`partial`) a field sent empty is an error, never a silent default."""
    clean = {}
    if "address" in names:
        clean["address"] = fields.text(data, "address", errors, max_length=ADDRESS_MAX, required=True)
    if "owner_id" in names:
        owner = _owner(data, errors, actor)
        clean["owner_id"] = owner.pk if owner else None
    if "use" in names:
        clean["use"] = fields.choice(data, "use", errors, choices=HOUSING_USES, required=partial, default="" if partial else HousingUse.RESIDENTIAL)
    if "business_category" in names:
        clean["business_category"] = fields.text(data, "business_category", errors, max_length=BUSINESS_MAX)
    if "rooms" in names:
        clean["rooms"] = _rooms(data, errors)
    return clean


def _credit_code(raw, errors, *, exclude_pk=None) -> str | None:
    """GB 32100 check character, and one employer per code; empty means no code."""
    if not raw:
        return None
    try:
        code = check_credit_code(str(raw))
    except IdentifierError as e:
        errors.setdefault("credit_code", []).append(str(e))
        return None
    others = Employer.objects.filter(credit_code=code)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        errors.setdefault("credit_code", []).append(f"信用代码 {code} 已登记 / credit code {code} is registered already")
    return code


def _employer_fields(data, errors, names, *, exclude_pk=None) -> dict:
    clean = {}
    if "name" in names:
        clean["name"] = fields.text(data, "name", errors, max_length=EMPLOYER_NAME_MAX, required=True)
    if "credit_code" in names:
        clean["credit_code"] = _credit_code(data.get("credit_code"), errors, exclude_pk=exclude_pk)
    if "address" in names:
        clean["address"] = fields.text(data, "address", errors, max_length=ADDRESS_MAX)
    if "contact_name" in names:
        clean["contact_name"] = fields.text(data, "contact_name", errors, max_length=CONTACT_MAX)
    if "contact_phone" in names:
        try:
            clean["contact_phone"] = check_phone(str(data.get("contact_phone") or ""))
        except IdentifierError as e:
            errors.setdefault("contact_phone", []).append(str(e))
    return clean


def _registered_on(data, errors, today):
    return fields.date(data, "registered_on", errors, today=today) or today


def _closing_date(obj, raw, errors, today, *, closed_already: str):
    """The date a record closes: a real date, not before it was registered, not in the future,
    and only once."""
    when = fields.date({"closed_on": raw}, "closed_on", errors, required=True, today=today)
    if obj.closed_on is not None:
        errors.setdefault("closed_on", []).append(closed_already)
    if when is not None and when < obj.registered_on:
        errors.setdefault("closed_on", []).append(f"日期早于登记日期 {obj.registered_on} / the date is before the record was registered ({obj.registered_on})")
    return when


def _in_scope(actor, model, row, missing: str):
    """The home or employer `row` names, locked for the write, when it lies in the actor's
    subtree; NotFound (`missing`) otherwise, whether or not it exists."""
    pk = row_id(row)
    found = model.objects.select_for_update().filter(pk=pk).first() if pk else None
    if found is None or not actor.in_scope(found.division_id):
        raise NotFound(missing)
    return found


def _save_changes(actor, obj, clean: dict, event: str, *, person_attr: str = "") -> None:
    """Set the changed attributes and save them, audited as {field: [old, new]} (about the person
    `person_attr` names after the change); nothing when nothing changes."""
    changed = {}
    for attr, new in clean.items():
        old = getattr(obj, attr)
        if old != new:
            changed[attr] = [old, new]
            setattr(obj, attr, new)
    if changed:
        obj.save(update_fields=list(changed))
        record(actor, event, obj=obj, person_id=getattr(obj, person_attr) if person_attr else None, fields=changed)


def _close(actor, obj, when: datetime.date, errors: dict, event: str, **audit):
    """Close the record from `when` once every check passed."""
    if errors:
        raise Invalid(errors)
    obj.closed_on = when
    obj.save(update_fields=["closed_on"])
    record(actor, event, obj=obj, fields={"closed_on": [None, when.isoformat()]}, **audit)
    return obj


# ---------------------------------------------------------------- rental housing

def _housing_in_scope(actor, housing_id) -> RentalHousing:
    return _in_scope(actor, RentalHousing, housing_id, "出租房屋不存在或不在您的管辖范围内 / no such rental home in your scope")


@transaction.atomic
def register_housing(*, actor, data: dict, today: datetime.date) -> RentalHousing:
    """R4: a rental home with its owner (a registered person)."""
    require(actor, Action.MANAGE_HOUSING)
    errors: dict[str, list[str]] = {}
    division = parse_division(data, "division", errors, min_level=Level.TOWNSHIP, actor=actor)
    clean = _housing_fields(data, errors, HOUSING_FIELDS, partial=False, actor=actor)
    registered_on = _registered_on(data, errors, today)
    if errors:
        raise Invalid(errors)
    housing = RentalHousing.objects.create(division=division, registered_on=registered_on, **clean)
    record(actor, "housing.create", obj=housing, person_id=housing.owner_id, fields={"division": division.code, "address": housing.address, "owner": housing.owner_id})
    _tell_place_listeners(actor, housing, today)
    return housing


@transaction.atomic
def update_housing(*, actor, housing_id, data: dict, today: datetime.date) -> RentalHousing:
    """R4: correct a rental home's address, owner (`owner_id`, a registered person), use,
    business category or rooms. Only the fields present in `data` change."""
    require(actor, Action.MANAGE_HOUSING)
    housing = _housing_in_scope(actor, housing_id)
    errors: dict[str, list[str]] = {}
    clean = _housing_fields(data, errors, [f for f in HOUSING_FIELDS if f in data or (f == "owner_id" and "owner" in data)], partial=True, actor=actor)
    if errors:
        raise Invalid(errors)
    _save_changes(actor, housing, clean, "housing.update", person_attr="owner_id")
    return housing


@transaction.atomic
def close_housing(*, actor, housing_id, closed_on, today: datetime.date) -> RentalHousing:
    """R4: the home is no longer let (停租) from `closed_on`; nobody may live there after it."""
    require(actor, Action.MANAGE_HOUSING)
    housing = _housing_in_scope(actor, housing_id)
    errors: dict[str, list[str]] = {}
    when = _closing_date(housing, closed_on, errors, today, closed_already=f"该出租房屋已于 {housing.closed_on} 停租 / this rental home was closed on {housing.closed_on} already")
    if when is not None and "closed_on" not in errors:
        staying = Residence.objects.filter(housing=housing).filter(Q(left_on__isnull=True) | Q(left_on__gt=when)).count()
        if staying:
            errors.setdefault("closed_on", []).append(
                f"{when} 之后仍有 {staying} 人住在这里，请先登记其离开或迁移 / {staying} tenant(s) live here after {when}: record their departure or move first"
            )
    return _close(actor, housing, when, errors, "housing.close", person_id=housing.owner_id)


# ---------------------------------------------------------------- employers

def _employer_in_scope(actor, employer_id) -> Employer:
    return _in_scope(actor, Employer, employer_id, "用工单位不存在或不在您的管辖范围内 / no such employer in your scope")


@transaction.atomic
def register_employer(*, actor, data: dict, today: datetime.date) -> Employer:
    """R4: an employer with its GB 32100 unified social credit code."""
    require(actor, Action.MANAGE_EMPLOYER)
    errors: dict[str, list[str]] = {}
    division = parse_division(data, "division", errors, min_level=Level.COUNTY, actor=actor)
    clean = _employer_fields(data, errors, EMPLOYER_FIELDS)
    registered_on = _registered_on(data, errors, today)
    if errors:
        raise Invalid(errors)
    employer = Employer.objects.create(division=division, registered_on=registered_on, **clean)
    record(actor, "employer.create", obj=employer, fields={"division": division.code, "name": employer.name, "credit_code": employer.credit_code})
    _tell_place_listeners(actor, employer, today)
    return employer


@transaction.atomic
def update_employer(*, actor, employer_id, data: dict, today: datetime.date) -> Employer:
    """R4: correct an employer's name, credit code (checked again: GB 32100, one employer per
    code), address or contact. Only the fields present in `data` change; an empty code removes it."""
    require(actor, Action.MANAGE_EMPLOYER)
    employer = _employer_in_scope(actor, employer_id)
    errors: dict[str, list[str]] = {}
    clean = _employer_fields(data, errors, [f for f in EMPLOYER_FIELDS if f in data], exclude_pk=employer.pk)
    if errors:
        raise Invalid(errors)
    _save_changes(actor, employer, clean, "employer.update")
    return employer


@transaction.atomic
def close_employer(*, actor, employer_id, closed_on, today: datetime.date) -> Employer:
    """R4: the employer is deregistered (注销) from `closed_on` and takes no new employees. The
    residences of people who worked there stay as recorded (history, invariant 6)."""
    require(actor, Action.MANAGE_EMPLOYER)
    employer = _employer_in_scope(actor, employer_id)
    errors: dict[str, list[str]] = {}
    when = _closing_date(employer, closed_on, errors, today, closed_already=f"该用工单位已于 {employer.closed_on} 注销 / this employer was closed on {employer.closed_on} already")
    if when is not None and "closed_on" not in errors:
        later = Residence.objects.filter(employer=employer, arrived_on__gt=when).order_by("-arrived_on").first()
        if later is not None:
            errors.setdefault("closed_on", []).append(
                f"有人员于 {later.arrived_on} 起在该单位就业，注销日期不能早于此日 / someone started working there on {later.arrived_on}: the date cannot be earlier"
            )
    return _close(actor, employer, when, errors, "employer.close")
