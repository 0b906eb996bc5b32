"""Every change to people, residences and families (invariant 1); housing and employers are in
services_places (imported from there: no re-exports).

Each function takes the acting staff member (keyword `actor`) and the date of the act or `today`
explicitly (invariant 4), checks role and scope, validates, writes in one transaction and
records its audit event in that transaction. Bad input raises `Invalid` and writes nothing.
"""
import datetime

from django.db import transaction

from liudong import fields
from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import in_scope, require
from liudong.codes import Level
from liudong.divisions.models import Division
from liudong.divisions.queries import parse_division
from liudong.errors import Invalid, NotFound
from liudong.identifiers import IdentifierError, check_phone, parse_resident_id, row_id

from . import scope
from .choices import ETHNICITIES, INVERSE_RELATION, SHORT_STAY_REASONS, DocumentType, Education, IntendedStay, MaritalStatus, MoveReason, Relation, ResidenceEnd, ResidenceStart, Sex
from .floating import floating_for
from .models import ADDRESS_MAX, NAME_RE, Employer, FamilyLink, MaritalEvent, Person, PersonNameKey, RentalHousing, Residence
from .pinyin import name_key, name_keys
from .residence_rules import Place, Span, check_dates, check_overlaps, check_places, check_scope

NAME_MAX = 50
ETHNICITY_CODES = {c for c, _ in ETHNICITIES}
# Enum `.values` builds a new list on every access; validate_person runs once per imported row.
DOCUMENT_TYPES, SEXES = frozenset(DocumentType.values), frozenset(Sex.values)
EDUCATIONS, MARITAL_STATUSES = frozenset(Education.values), frozenset(MaritalStatus.values)


def is_floating(residence_code: str, hukou_code: str, *, reason: str = "", expects_return: bool = False, kinds: dict | None = None) -> bool:
    """J2 (2009 条例 第二条): floating when living in another county-level division than the hukou,
    except between districts of one 直辖市 or 设区的市 (divisions.kinds), and except a short stay
    (business trip, medical treatment, study, tourism, family visit) with a return expected.
    `kinds` ({county code: kind}) may be preloaded by bulk callers; otherwise it is read."""
    return floating_for(residence_code, hukou_code, reason=reason, expects_return=expects_return, kinds=kinds)


def area_exists(area6: str) -> bool:
    return Division.objects.filter(code=area6.ljust(12, "0")).exists()


def validate_person(data: dict, *, today: datetime.date, area_exists_fn=area_exists, divisions=None) -> tuple[dict, dict]:
    """Validate a person's fields. Returns (clean, errors); shared by the form, the API and imports."""
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    doc_type = fields.choice(data, "document_type", errors, choices=DOCUMENT_TYPES, default=DocumentType.RESIDENT_ID)
    clean["document_type"] = doc_type
    raw_id = data.get("id_number") or ""
    sex = data.get("sex") or ""
    birth = fields.date(data, "birth_date", errors)
    if doc_type == DocumentType.RESIDENT_ID:
        try:
            parsed = parse_resident_id(str(raw_id), today=today, area_exists=area_exists_fn)
        except IdentifierError as e:
            errors.setdefault("id_number", []).append(str(e))
        else:
            clean["id_number"] = parsed["id_number"]
            clean["document_number"] = parsed["id_number"]
            if birth and birth != parsed["birth_date"]:
                errors.setdefault("birth_date", []).append("出生日期与身份证号不符 / the birth date does not match the ID number")
            birth = parsed["birth_date"]
            if sex and sex != parsed["sex"]:
                errors.setdefault("sex", []).append("性别与身份证号不符 / the sex does not match the ID number")
            sex = sex or parsed["sex"]
    else:
        number = fields.document_number(data, "document_number", errors)
        clean["id_number"] = None
        clean["document_number"] = number
        if birth is None and "birth_date" not in errors:
            errors.setdefault("birth_date", []).append("无身份证号时出生日期必填 / required without an ID number")
    if birth and birth > today:
        errors.setdefault("birth_date", []).append("出生日期不能晚于今天 / the birth date cannot be in the future")
    clean["birth_date"] = birth
    if sex not in SEXES:
        errors.setdefault("sex", []).append("性别应为 M 或 F / sex must be M or F")
    clean["sex"] = sex
    name = fields.text(data, "name", errors, max_length=NAME_MAX, required=True)
    if name and "name" not in errors and not NAME_RE.match(name):
        errors.setdefault("name", []).append("姓名只能包含汉字、字母和间隔号 / a name has Chinese characters, letters and the middle dot only")
    clean["name"] = name
    clean["ethnicity"] = fields.choice(data, "ethnicity", errors, choices=ETHNICITY_CODES, default="01")
    clean["education"] = fields.choice(data, "education", errors, choices=EDUCATIONS)
    clean["marital_status"] = fields.choice(data, "marital_status", errors, choices=MARITAL_STATUSES)
    try:
        clean["phone"] = check_phone(str(data.get("phone") or ""))
    except IdentifierError as e:
        errors.setdefault("phone", []).append(str(e))
    hukou = data.get("hukou_division")
    if divisions is not None:
        if not hukou:
            errors.setdefault("hukou_division", []).append("必填 / required")
        elif hukou not in divisions:
            errors.setdefault("hukou_division", []).append(f"区划代码 {hukou} 不存在 / no division has code {hukou}")
        elif isinstance(divisions, dict) and divisions[hukou] < Level.COUNTY:
            # `divisions` may map code -> level (imports preload it): the same level rule as below.
            errors.setdefault("hukou_division", []).append(f"应为第 {Level.COUNTY} 级或以下的区划 / must be a division of level {Level.COUNTY} or below")
        clean["hukou_division_id"] = hukou
    else:
        division = parse_division(data, "hukou_division", errors, min_level=Level.COUNTY)
        clean["hukou_division_id"] = division.code if division else None
    clean["hukou_address"] = fields.text(data, "hukou_address", errors, max_length=ADDRESS_MAX)
    return clean, errors


def _store_name_keys(person: Person):
    PersonNameKey.objects.filter(person=person).delete()
    PersonNameKey.objects.bulk_create([PersonNameKey(person=person, key=k) for k in name_keys(person.name)])


@transaction.atomic
def register_person(*, actor, data: dict, today: datetime.date) -> tuple[Person, bool]:
    """R1, R8: register a person, or return the one already registered under that document."""
    require(actor, Action.REGISTER_PERSON)
    clean, errors = validate_person(data, today=today)
    if errors:
        raise Invalid(errors)
    existing = Person.objects.filter(document_type=clean["document_type"], document_number=clean["document_number"]).first()
    if existing is not None:
        # Hole 1: whoever registers a document already registered learns that it is (R8: never
        # a twin), and who holds it only when she is in the actor's scope; either way it is logged.
        from .queries import is_reachable

        record(actor, "person.duplicate", obj=existing, person_id=existing.pk,
               fields={"document_type": clean["document_type"], "in_scope": is_reachable(actor=actor, person=existing)})
        return existing, False
    person = create_person(clean, actor=actor, today=today, created_by=actor.division_id)
    for fn in REGISTRATION_LISTENERS:
        fn(actor=actor, person=person, today=today)
    return person, True


def create_person(clean: dict, *, actor, today: datetime.date, created_by: str, audit: dict | None = None) -> Person:
    """The one writer of a new person record (validated `clean` fields), with its audit event."""
    person = Person.objects.create(**clean, name_key=name_key(clean["name"]), created_on=today, created_by_division=created_by)
    _store_name_keys(person)
    record(actor, "person.create", obj=person, person_id=person.pk,
           fields={**{k: str(v) for k, v in clean.items() if v not in (None, "")}, **(audit or {})})
    return person


# R6 (issue 15): apps above people learn of a new registration in its transaction (liudong.quality
# puts a village collector's form into the review chain).
REGISTRATION_LISTENERS: list = []


def add_registration_listener(fn) -> None:
    if fn not in REGISTRATION_LISTENERS:
        REGISTRATION_LISTENERS.append(fn)


EDITABLE_PERSON_FIELDS = ("name", "ethnicity", "education", "marital_status", "phone", "hukou_address")


def update_person(*, actor, person: Person, data: dict, today: datetime.date) -> Person:
    """Correct a person's descriptive fields; the old and new values go to the audit log.
    Identity (document, birth date, sex) is not edited here: a wrong identity is a merge (R8)."""
    require(actor, Action.REGISTER_PERSON)
    _reach(actor, person.pk, via="person.update")
    return _update_person(actor, person.pk, data, today)


@transaction.atomic
def _update_person(actor, person_id, data, today) -> Person:
    person = locked_person_in_scope(actor=actor, person_id=person_id)
    merged = {f: getattr(person, f) for f in ("document_type", "id_number", "document_number", "sex", "birth_date", "hukou_division_id")}
    merged["hukou_division"] = merged.pop("hukou_division_id")
    merged.update({f: getattr(person, f) for f in EDITABLE_PERSON_FIELDS})
    merged.update({k: v for k, v in data.items() if k in EDITABLE_PERSON_FIELDS})
    clean, errors = validate_person(merged, today=today)
    if errors:
        raise Invalid({k: v for k, v in errors.items()})
    changed = {}
    for f in EDITABLE_PERSON_FIELDS:
        if getattr(person, f) != clean[f]:
            changed[f] = [getattr(person, f), clean[f]]
            setattr(person, f, clean[f])
    if changed:
        if "name" in changed:
            person.name_key = name_key(person.name)
            _store_name_keys(person)
        person.save()
        if "marital_status" in changed:
            # Issue 14, T2: a marital status change is an event on her history (invariant 6), so a
            # month's figures can be computed as of its end (people.figures).
            MaritalEvent.objects.create(person=person, changed_on=today, old_status=changed["marital_status"][0] or "",
                                        new_status=changed["marital_status"][1] or "", recorded_by_division=getattr(actor, "division_id", "") or "")
        record(actor, "person.update", obj=person, person_id=person.pk, fields=changed)
    return person


def _reach(actor, person_id, *, via: str, write: bool = False) -> Person:
    """Hole 2: scope first, before any field is validated, and outside the service's transaction
    (a 404 writes its audit row, which must not be rolled back with the refused change)."""
    from .queries import reachable_person, writable_person

    return writable_person(actor=actor, person_id=person_id, via=via) if write else reachable_person(actor=actor, person_id=person_id, via=via)


def locked_person_in_scope(*, actor, person_id) -> Person:
    """A person is within the actor's reach when she lives, lived or is registered in its subtree;
    locked for the change (_reach has logged any probe already)."""
    from .queries import NO_PERSON

    person = Person.objects.select_for_update().filter(pk=person_id).first() if person_id else None
    if person is None or not scope.reaches(actor, person.pk):
        raise NotFound(NO_PERSON)
    return person


def _open_residence(person) -> Residence | None:
    return Residence.objects.filter(person=person, left_on__isnull=True).first()


def _sync_current(person: Person):
    """Invariant 6: keep Person's current residence and floating flag in step with the periods."""
    current = _open_residence(person)
    if current is not None:
        person.residence_division_id = current.division_id
        person.floating = current.floating
    else:
        last = Residence.objects.filter(person=person).order_by("-arrived_on", "-id").first()
        person.residence_division_id = None
        # Gone from the last known place with no new one recorded: away from home unless the last
        # place was home and nothing says she left it, or was a short stay she was expected to
        # return home from (J2).
        person.floating = bool(last) and not last.expects_return and (last.floating or last.end_kind == ResidenceEnd.DEPARTURE)
    person.save(update_fields=["residence_division", "floating"])


def _locked(model, raw):
    pk = row_id(raw) if raw else None
    return model.objects.select_for_update().filter(pk=pk).first() if pk else None


def residence_fields(data, errors, *, actor, person):
    """Division, address, housing, employer, reason, intended stay of a new residence period,
    with the rules about where it is (residence_rules: scope, rental home and employer), which
    the import applies too."""
    division = parse_division(data, "division", errors, min_level=Level.COUNTY)
    address = fields.text(data, "address", errors, max_length=ADDRESS_MAX)
    # Locked: a home or an employer being closed (services_places) takes nobody meanwhile.
    housing, employer = _locked(RentalHousing, data.get("housing_id")), _locked(Employer, data.get("employer_id"))
    code = division.code if division is not None else None
    check_scope(errors, actor=actor, division=code, hukou=person.hukou_division_id)
    check_places(errors, actor=actor, division=code, left=None, housing_id=data.get("housing_id"), employer_id=data.get("employer_id"),
                 homes=_places(housing), employers=_places(employer))
    reason = fields.choice(data, "reason", errors, choices=MoveReason.values)
    stay = fields.choice(data, "intended_stay", errors, choices=IntendedStay.values)
    expects_return = data.get("expects_return") or False
    if not isinstance(expects_return, bool):
        errors.setdefault("expects_return", []).append("应为 true 或 false / must be true or false")
    elif expects_return and reason not in SHORT_STAY_REASONS:
        # J2: only a short stay is excused from the count; anyone else away is floating.
        errors.setdefault("expects_return", []).append(
            "仅出差、就医、学习、旅游、探亲访友的短期居住可标记预期返回 / only a business trip, medical treatment, study, tourism or a family visit can be marked as a stay with a return expected")
    return dict(division=division, address=address, housing=housing, employer=employer, reason=reason, intended_stay=stay, expects_return=expects_return is True)


def _places(obj) -> dict:
    """residence_rules' view of a rental home or an employer read here."""
    return {obj.pk: Place(obj.division_id, obj.closed_on)} if obj is not None else {}


def _periods(person) -> list[Span]:
    return [Span(a, b) for a, b in Residence.objects.filter(person=person).values_list("arrived_on", "left_on")]


# Hole 1: her open residence belongs to the place where it lies. Another place that sees her
# record (her hukou place, a place she lived in) does not close it by a move, a return, an arrival
# or a departure of its own: it claims her (exchange.claims), and her place confirms.
CLAIM_HINT = ("她现居住在您的辖区以外：请提交到达申报（POST /arrival-claims），由其现居住地确认 / she lives outside your area now: "
              "submit an arrival claim (POST /arrival-claims), which her place confirms")


def _not_anothers(actor, person_id, *, via: str):
    """Hole 1: refuse (with the claim to submit) a move, return or arrival that would close an open
    residence lying outside the actor's subtree. The refusal is audited as a probe, outside the
    service's transaction so that the row stays; it names nothing the actor may not see (she lives
    elsewhere, which a place that sees her record knows). The transaction checks again under lock."""
    current = Residence.objects.filter(person_id=person_id, left_on__isnull=True).values_list("pk", "division_id").first()
    if current is not None and not in_scope(actor, current[1]):
        record(actor, "residence.not_yours", object_type="residence", object_id=current[0], person_id=person_id, fields={"via": via})
        raise Invalid({"division": [CLAIM_HINT]})


def record_arrival(*, actor, person: Person, data: dict, today: datetime.date, kind: str = ResidenceStart.ARRIVAL) -> Residence:
    """R1/R2: an arrival (or, with kind=move, a move that closes the open period the same day).

    The residence side records arrivals into its subtree; the hukou side may record where its
    outflow people went (J2). A person outside the actor's scope is a 404 whatever the body
    (hole 2); one whose open residence lies outside it is claimed, not moved (hole 1)."""
    require(actor, Action.RECORD_RESIDENCE)
    _reach(actor, person.pk, via=f"residence.{kind}", write=True)
    _not_anothers(actor, person.pk, via=f"residence.{kind}")
    return _record_arrival(actor, person.pk, data, today, kind)


@transaction.atomic
def _record_arrival(actor, person_id, data, today, kind) -> Residence:
    person = Person.objects.select_for_update().get(pk=person_id)
    current = _open_residence(person)
    if current is not None and not in_scope(actor, current.division_id):
        raise Invalid({"division": [CLAIM_HINT]})
    errors: dict[str, list[str]] = {}
    arrived_on = fields.date(data, "arrived_on", errors, required=True)
    # The rules are residence_rules' (the import applies the same): dates, place, no overlap.
    check_dates(errors, birth=person.birth_date, arrived=arrived_on, left=None, today=today)
    period = residence_fields(data, errors, actor=actor, person=person)
    if arrived_on is not None and "arrived_on" not in errors:
        check_overlaps(errors, arrived=arrived_on, left=None, periods=_periods(person),
                       closing=Span(current.arrived_on, None) if current is not None and kind != ResidenceStart.ARRIVAL else None)
    if kind == ResidenceStart.RETURN and period["division"] is not None and is_floating(period["division"].code, person.hukou_division_id):
        errors.setdefault("division", []).append("返回户籍地应登记在户籍所在县内 / a return is to a place in the hukou county")
    if errors:
        raise Invalid(errors)
    return _open_period(actor, person, current, kind=kind, arrived_on=arrived_on, recorded_by=actor.division_id, **period)


# Apps above people learn of residence changes by registration, as the audit learns of person
# scopes (accounts.audit.add_subject_scope): people never imports them. Each listener is
# fn(actor, person, *, closed, opened) with the period just closed (or None) and the one just
# opened (or None, a departure); it runs inside the writing transaction, so what it writes commits
# or rolls back with the residence (issue 13: an arrival opens a residence registration, a move to
# another city ends a residence permit).
# A bulk import writes its periods without the ORM (imports/rows.py): a listener that cares gives a
# `bulk` function too, told once per import, in its transaction, of the periods it wrote (a
# queryset of Residence), so that an imported arrival has what one recorded by hand has (issue 13:
# its residence registration).
RESIDENCE_LISTENERS: list = []
IMPORT_LISTENERS: list = []


def add_residence_listener(fn, *, bulk=None) -> None:
    if fn not in RESIDENCE_LISTENERS:
        RESIDENCE_LISTENERS.append(fn)
    if bulk is not None and bulk not in IMPORT_LISTENERS:
        IMPORT_LISTENERS.append(bulk)


def _tell_listeners(actor, person, *, closed, opened) -> None:
    for fn in RESIDENCE_LISTENERS:
        fn(actor=actor, person=person, closed=closed, opened=opened)


def tell_import_listeners(*, actor, residences) -> None:
    """The periods a bulk import wrote (a queryset), inside the import's transaction."""
    for fn in IMPORT_LISTENERS:
        fn(actor=actor, residences=residences)


def _open_period(actor, person, current, *, kind, arrived_on, recorded_by, division, address, housing, employer, reason, intended_stay, expects_return=False,
                 audit=None) -> Residence:
    """Close the open period (if any) on `arrived_on` and open the next: the one residence writer
    of an arrival, a move, a return and an accepted arrival claim."""
    if current is not None:
        current.left_on = arrived_on
        current.end_kind = ResidenceEnd.MOVE if kind != ResidenceStart.RETURN else ResidenceEnd.DEPARTURE
        current.save(update_fields=["left_on", "end_kind"])
    residence = Residence.objects.create(
        person=person, division=division, arrived_on=arrived_on, start_kind=kind,
        floating=is_floating(division.code, person.hukou_division_id, reason=reason, expects_return=expects_return),
        hukou_division_code=person.hukou_division_id, recorded_by_division=recorded_by, address=address, housing=housing, employer=employer,
        reason=reason, intended_stay=intended_stay, expects_return=expects_return,
    )
    _sync_current(person)
    record(actor, f"residence.{kind}", obj=residence, person_id=person.pk,
           fields={"division": division.code, "arrived_on": str(arrived_on), "closed": getattr(current, "pk", None), "housing": getattr(housing, "pk", None),
                   "employer": getattr(employer, "pk", None), **(audit or {})})
    _tell_listeners(actor, person, closed=current, opened=residence)
    return residence


@transaction.atomic
def apply_arrival_claim(*, actor, person_id, division, arrived_on, address="", housing=None, employer=None, reason="", intended_stay="",
                        expects_return=False, recorded_by: str, claim_id, today: datetime.date) -> Residence:
    """Hole 1: an arrival claim her place accepted (or let lapse) becomes her history with the
    claim's own dates: the open period closes on the claim's arrival date and the claimed one
    opens on it, recorded by the claimant. A claim into her hukou county is a return. The checks
    of record_arrival that depend on her record run here, where her place (or the system) acts;
    the claimant's own fields were checked when it claimed. actor None: the daily tick."""
    person = Person.objects.select_for_update().get(pk=person_id)
    current = _open_residence(person)
    kind = ResidenceStart.MOVE if current is not None else ResidenceStart.ARRIVAL
    if not is_floating(division.code, person.hukou_division_id) and (current is None or current.floating):
        kind = ResidenceStart.RETURN
    errors: dict[str, list[str]] = {}
    check_dates(errors, birth=person.birth_date, arrived=arrived_on, left=None, today=today)
    # The home or employer may have closed since the claim (its scope was the claimant's to check).
    housing, employer = _locked(RentalHousing, getattr(housing, "pk", None)) or housing, _locked(Employer, getattr(employer, "pk", None)) or employer
    check_places(errors, actor=None, division=division.code, left=None, housing_id=getattr(housing, "pk", None), employer_id=getattr(employer, "pk", None),
                 homes=_places(housing), employers=_places(employer))
    if "arrived_on" not in errors:
        check_overlaps(errors, arrived=arrived_on, left=None, periods=_periods(person), closing=Span(current.arrived_on, None) if current is not None else None)
    if errors:
        raise Invalid(errors)
    return _open_period(actor, person, current, kind=kind, arrived_on=arrived_on, recorded_by=recorded_by, division=division, address=address,
                        housing=housing, employer=employer, reason=reason, intended_stay=intended_stay, expects_return=expects_return,
                        audit={"claim": claim_id, "recorded_by": recorded_by})


def record_move(*, actor, person: Person, data: dict, today: datetime.date) -> Residence:
    """R2: a move closes the open period and opens the next on the same date."""
    return record_arrival(actor=actor, person=person, data=data, today=today, kind=ResidenceStart.MOVE)


def record_return(*, actor, person: Person, data: dict, today: datetime.date) -> Residence:
    """R2: she comes back to her hukou place; by default to her hukou division."""
    require(actor, Action.RECORD_RESIDENCE)
    person = _reach(actor, person.pk, via=f"residence.{ResidenceStart.RETURN}", write=True)
    _not_anothers(actor, person.pk, via=f"residence.{ResidenceStart.RETURN}")
    data = {"division": person.hukou_division_id, "address": person.hukou_address, **{k: v for k, v in data.items() if v not in (None, "")}}
    return _record_arrival(actor, person.pk, data, today, ResidenceStart.RETURN)


NO_RESIDENCE = "居住记录不存在或不在您的管辖范围内 / no such residence in your scope"


def record_departure(*, actor, residence_id, left_on, today: datetime.date) -> Residence:
    """R2: she left; the period is closed, never deleted. Hole 1: only the place where the
    residence lies closes it; her hukou place (which sees her history) and anyone else get the 404
    of an unknown id, and the probe is audited (like person.not_found) outside the transaction."""
    require(actor, Action.RECORD_RESIDENCE)
    pk = row_id(residence_id)
    found = Residence.objects.filter(pk=pk).values_list("division_id", "person_id").first() if pk else None
    if found is None or not in_scope(actor, found[0]):
        record(actor, "residence.not_found", object_type="residence", object_id=str(residence_id)[:64], person_id=found[1] if found else None,
               fields={"via": "residence.departure"})
        raise NotFound(NO_RESIDENCE)
    return _record_departure(actor, pk, left_on, today)


@transaction.atomic
def _record_departure(actor, residence_id, left_on, today) -> Residence:
    residence = Residence.objects.select_for_update().select_related("person").get(pk=residence_id)
    errors: dict[str, list[str]] = {}
    left = fields.date({"left_on": left_on}, "left_on", errors, required=True)
    if residence.left_on is not None:
        errors.setdefault("left_on", []).append(f"该居住记录已于 {residence.left_on} 结束 / this residence already ended on {residence.left_on}")
    if left is not None:
        if left < residence.arrived_on:
            errors.setdefault("left_on", []).append(f"离开日期早于到达日期 {residence.arrived_on} / the departure is before the arrival ({residence.arrived_on})")
        if left > today:
            errors.setdefault("left_on", []).append("日期不能晚于今天 / the date cannot be in the future")
    if errors:
        raise Invalid(errors)
    residence.left_on = left
    residence.end_kind = ResidenceEnd.DEPARTURE
    residence.save(update_fields=["left_on", "end_kind"])
    _sync_current(residence.person)
    record(actor, "residence.departure", obj=residence, person_id=residence.person_id, fields={"left_on": str(left)})
    _tell_listeners(actor, residence.person, closed=residence, opened=None)
    return residence


NO_RELATIVE = "亲属不存在或不在您的管辖范围内 / no such relative in your scope"


def link_family(*, actor, person: Person, relative_id, relation: str) -> FamilyLink:
    """R5: spouse, child or parent; the inverse link is stored with it. Hole 3: both persons are
    in the actor's scope (a relative outside it is answered like one that does not exist); a link
    to a relative another place records is proposed to that place (exchange.claims)."""
    require(actor, Action.MANAGE_FAMILY)
    _reach(actor, person.pk, via="family.link")
    return _link_family(actor, person.pk, relative_id, relation)


@transaction.atomic
def _link_family(actor, person_id, relative_id, relation) -> FamilyLink:
    person = locked_person_in_scope(actor=actor, person_id=person_id)
    pk = row_id(relative_id)
    # The relative too is the actor's: in its scope, or registered by it and living nowhere yet.
    relative = scope.writable(actor).filter(pk=pk).first() if pk else None
    errors = family_link_errors(person, relative, relation)
    if errors:
        raise Invalid(errors)
    return _write_link(actor, person, relative, relation)


def family_link_errors(person, relative, relation, *, relative_known: bool = True) -> dict:
    """R5's checks of a link. relative_known=False (a link proposed to another place, hole 3):
    only what the proposer may know is checked (her own person's links, and the ages where the
    relative's resident ID number tells her birth date); her place checks the rest on accepting."""
    errors = {}
    if relation not in Relation.values:
        errors["relation"] = [f"关系应为 {', '.join(Relation.values)} / relation must be one of {', '.join(Relation.values)}"]
    ages_known = relative_known or (relative is not None and relative.document_type == DocumentType.RESIDENT_ID)
    if relative is None:
        errors["relative_id"] = [NO_RELATIVE]
    elif relative.pk == person.pk:
        errors["relative_id"] = ["不能与本人建立关系 / a person is not her own relative"]
    elif FamilyLink.objects.filter(person=person, relative=relative).exists():
        errors["relative_id"] = ["已存在该亲属关系 / this link exists already"]
    elif ages_known and relation == Relation.CHILD and relative.birth_date <= person.birth_date:
        errors["relative_id"] = ["子女应比本人年轻 / a child is younger than the parent"]
    elif ages_known and relation == Relation.PARENT and relative.birth_date >= person.birth_date:
        errors["relative_id"] = ["父母应比本人年长 / a parent is older than the child"]
    elif relation == Relation.SPOUSE and FamilyLink.objects.filter(person=person, relation=Relation.SPOUSE).exists():
        errors["relative_id"] = ["已登记配偶 / a spouse is registered already"]
    elif relative_known and relation == Relation.SPOUSE and FamilyLink.objects.filter(person=relative, relation=Relation.SPOUSE).exists():
        errors["relative_id"] = ["对方已登记配偶 / the relative has a spouse registered already"]
    return errors


def _write_link(actor, person, relative, relation, *, audit=None) -> FamilyLink:
    """Both directions, and one audit row per person (hole 3: `GET /audit?person=` finds both)."""
    link = FamilyLink.objects.create(person=person, relative=relative, relation=relation)
    FamilyLink.objects.create(person=relative, relative=person, relation=INVERSE_RELATION[relation])
    record(actor, "family.link", obj=link, person_id=person.pk, fields={"relative": relative.pk, "relation": relation, **(audit or {})})
    record(actor, "family.link", obj=link, person_id=relative.pk, fields={"relative": person.pk, "relation": INVERSE_RELATION[relation], **(audit or {})})
    return link


@transaction.atomic
def apply_family_link(*, actor, person_id, relative_id, relation, proposal_id) -> FamilyLink:
    """Hole 3: a link proposed by another place, accepted by the relative's place: every check of
    R5 again (things may have changed), then both directions."""
    person = Person.objects.select_for_update().get(pk=person_id)
    relative = Person.objects.select_for_update().get(pk=relative_id)
    errors = family_link_errors(person, relative, relation)
    if errors:
        raise Invalid(errors)
    return _write_link(actor, person, relative, relation, audit={"proposal": proposal_id})
