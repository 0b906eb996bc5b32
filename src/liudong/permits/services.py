"""Issue 13: every write of residence registration (居住登记) and residence permits (居住证).

Each service takes the acting staff member as `actor` (keyword), checks role and scope, validates
with the field kit, writes in one transaction with its audit event, and takes the day of the act
and `today` explicitly (invariants 1, 4, 7). Numbers come from the rule sets (P1):
`residence-registration` (Zhejiang's values ship) and `residence-permit-2016` (nation-wide).

The rules carried out (《居住证暂行条例》, 国务院令第663号; 《浙江省流动人口居住登记条例》):

- RR1 an arrival where `residence_registration.required` opens a registration, due within
  `residence_registration.report_working_days` working days (X4: the day of arrival not counted);
  a stay with relatives of at most `exempt_stay_days` days (投亲靠友/探亲访友 under a month) is exempt.
- RR2 the police station of the residence (a police account acting for the township-level
  division) completes it; overdue ones are listed for the station and its county.
- RP1 eligibility: at least `min_residence_months` of continuous residence in the city in the
  registry on the day she applies (exactly half a year is enough), a basis (stable job, stable
  home, continuous study) with its proof; she lives in the city and her hukou is elsewhere.
- RP2 decision within `issue_days` (calendar days unless `decision_day_kind` says working days).
- RP3 endorsement (签注) once every `endorsement_interval_years`, in the `endorsement_months_before`
  months before each anniversary; before the window: refused.
- RP4 a missed endorsement suspends the permit (the daily job, on the anniversary); a late one
  restores it and restarts the count of residence years from its day.
- RP5 a move to another city (or a departure) ends the permit there; a move within the city
  carries it along.
- RP6 first issue and endorsement free (`fee`).
"""
import datetime
import hashlib
import secrets
from dataclasses import dataclass
from dataclasses import field as dc_field

from django.db import connection, transaction

from liudong import fields
from liudong.accounts.audit import record
from liudong.accounts.choices import Action, Role
from liudong.accounts.permissions import is_system, require
from liudong.codes import PREFIX_LENGTH, Level
from liudong.dates import full_years, months_after, months_before, years_after
from liudong.divisions.models import Division
from liudong.errors import Denied, Invalid, NotFound
from liudong.exchange.services import read_scan
from liudong.identifiers import row_id
from liudong.people.choices import IntendedStay, MoveReason
from liudong.people.imports.rows import insert_sql
from liudong.people.models import Residence
from liudong.people.scope import persons
from liudong.policy.calendar import CalendarNotLoaded, add_working_days, working_calendar
from liudong.policy.services import PolicyMissing, value, value_row

from .models import (
    LIVE_STATES,
    Basis,
    Endorsement,
    PermitAttachment,
    PermitState,
    RegistrationState,
    ResidencePermit,
    ResidenceRegistration,
)

ONE_DAY = datetime.timedelta(days=1)
PROOF_MAX = 2000
REASON_MAX = 500
EXEMPT_REASONS = (MoveReason.CARE, MoveReason.VISIT)

NOT_FOUND_PERMIT = "居住证不存在或不在您的管辖范围内 / no such residence permit in your scope"
NOT_FOUND_REGISTRATION = "居住登记不存在或不在您的管辖范围内 / no such residence registration in your scope"
NOT_FOUND_PERSON = "人员不存在或不在您的管辖范围内 / no such person in your scope"
STATION_ONLY = ("居住登记由居住地公安派出所（乡镇、街道级民警账号）办理 / a residence registration is completed by the police station "
                "of the residence (a police account acting for a township or street)")


def code_at(code: str, level: int) -> str:
    """The code of the ancestor at `level` (J1: a prefix)."""
    return code[: PREFIX_LENGTH[level]].ljust(12, "0")


def city_of(code: str) -> Division:
    """The city (设区的市, level 2) a division lies in; a province-level city's districts sit under
    its level-2 row (市辖区), so that row is the city."""
    found = Division.objects.filter(code=code_at(code, Level.CITY)).first()
    return found or Division.objects.get(code=code_at(code, Level.PROVINCE))


def _rule_set(name: str, division, on) -> str:
    try:
        return value_row(name, division, on).rule_set
    except PolicyMissing:
        return ""


# ====================================================================== RR1, RR2: registration

def _required(division_code: str, on: datetime.date) -> bool:
    try:
        return bool(value("residence_registration.required", division_code, on))
    except PolicyMissing:
        return False


def _exempt(residence: Residence, division_code: str, on: datetime.date) -> bool:
    """投靠近亲属居住30日以内的免于登记: she came to relatives and means to stay under a month."""
    try:
        days = value("residence_registration.exempt_stay_days", division_code, on)
    except PolicyMissing:
        return False
    return days is not None and residence.reason in EXEMPT_REASONS and residence.intended_stay == IntendedStay.UNDER_1M and int(days) >= 30


def _report_days(division_code: str, on: datetime.date) -> int | None:
    try:
        return int(value("residence_registration.report_working_days", division_code, on))
    except PolicyMissing:
        return None


def _due(arrived_on: datetime.date, days: int | None, calendar=None) -> datetime.date | None:
    """X4 on the official calendar (`calendar`: one snapshot for a whole import)."""
    if days is None:
        return None
    try:
        if calendar is not None:
            return calendar.add_working_days(arrived_on, days, "arrived_on")
        return add_working_days(arrived_on, days, field="arrived_on")
    except CalendarNotLoaded:
        return None


def registration_due_on(division_code: str, arrived_on: datetime.date) -> datetime.date | None:
    """RR1: the day the registration is due, or None while the calendar cannot count it (X4)."""
    return _due(arrived_on, _report_days(division_code, arrived_on))


def _rule(residence: Residence, code: str) -> tuple[int | None, str] | None:
    """RR1's rule for one period: None when it is not floating (J2), the set is not in force there
    on the day she arrived, or her stay is exempt; else (the working days to register, the set)."""
    on = residence.arrived_on
    if not residence.floating or not _required(code, on) or _exempt(residence, code, on):
        return None
    return _report_days(code, on), _rule_set("residence_registration.required", code, on)


def _new_registration(residence: Residence, code: str, *, now=None) -> ResidenceRegistration | None:
    """The registration an arrival opens (unsaved), or None (`_rule`)."""
    rule = _rule(residence, code)
    if rule is None:
        return None
    days, rule_set = rule
    return ResidenceRegistration(
        person_id=residence.person_id, residence_id=residence.pk, division_id=code, station_code=code_at(code, Level.TOWNSHIP),
        arrived_on=residence.arrived_on, due_on=_due(residence.arrived_on, days), rules_on=residence.arrived_on, rule_set=rule_set,
        **({"created_at": now} if now is not None else {}),
    )


def open_registration(*, actor, residence: Residence, now: datetime.datetime | None = None) -> ResidenceRegistration | None:
    """RR1: called inside the transaction that records an arrival or a move (people's residence
    listener). Nothing when the set is not in force there and then, the period is not floating
    (J2) or exempt, or one exists."""
    code = residence.division_id
    if ResidenceRegistration.objects.filter(residence=residence).exists():
        return None
    reg = _new_registration(residence, code, now=now)
    if reg is None:
        return None
    reg.save()
    record(actor, "residence_registration.open", obj=reg, person_id=residence.person_id,
           fields={"division": code, "arrived_on": str(reg.arrived_on), "due_on": str(reg.due_on) if reg.due_on else None})
    return reg


REGISTRATION_FIELDS = ("id", "person_id", "division_id", "arrived_on", "floating", "reason", "intended_stay")
BULK_CHUNK = 2000


BULK_COLUMNS = ("person", "residence", "division", "station_code", "arrived_on", "due_on", "state", "rules_on", "rule_set")
BULK_ATTRS = ("person_id", "residence_id", "division_id", "station_code", "arrived_on", "due_on", "state", "rules_on", "rule_set")
REGISTRATION_NAMES = ("residence_registration.required", "residence_registration.report_working_days", "residence_registration.exempt_stay_days")


def open_registrations(*, actor, residences) -> int:
    """RR1 for the periods a bulk import wrote (people's import listener, inside the import's
    transaction): each gets the registration an arrival recorded by hand gets, by the same rule
    (`_rule`, `_due`). Only periods in a division under a place that has a
    `residence_registration.required` value at all are looked at (one small query: an import
    elsewhere costs nothing more). The rule's policy values change only on the dates their rows
    start or end, so it is worked out once for each division, stretch between those dates and kind
    of stay (policy.value itself, on the first arrival of each), and the due date per arrival on the
    working-day calendar. The registrations are written in chunks, with one audit event for the
    import (as the import itself has one) naming the persons."""
    from bisect import bisect_right

    from liudong.policy.models import PolicyValue
    from liudong.policy.services import ancestor_codes

    rows = list(PolicyValue.objects.filter(name__in=REGISTRATION_NAMES).values_list("name", "division_id", "valid_from", "valid_to"))
    places = {d for name, d, _, _ in rows if name == "residence_registration.required"}
    if not places:
        return 0
    edges: dict[str, list | None] = {}

    def edges_of(code: str) -> list | None:
        """The dates where a value in force at `code` starts or ends; None when no place above it
        has the set at all."""
        if code not in edges:
            above = set(ancestor_codes(code))
            if not above & places:
                edges[code] = None
            else:
                edges[code] = sorted({day for _, d, start, end in rows if d in above for day in (start, end) if day is not None})
        return edges[code]

    rules: dict[tuple, tuple | None] = {}
    calendar = working_calendar()
    opened, persons = 0, []
    chunk: list[ResidenceRegistration] = []

    def flush():
        nonlocal opened
        if not chunk:
            return
        done = set(ResidenceRegistration.objects.filter(residence_id__in=[r.residence_id for r in chunk]).values_list("residence_id", flat=True))
        fresh = [r for r in chunk if r.residence_id not in done]
        # Raw executemany, as the import writes its own rows (bulk_create spends most of its time
        # preparing each value); created_at takes the column's database default.
        with connection.cursor() as cur:
            cur.executemany(insert_sql(ResidenceRegistration, BULK_COLUMNS), [tuple(getattr(r, c) for c in BULK_ATTRS) for r in fresh])
        opened += len(fresh)
        persons.extend(r.person_id for r in fresh)
        chunk.clear()

    periods = residences.filter(floating=True).order_by("id").values_list(*REGISTRATION_FIELDS)
    for pk, person_id, code, arrived_on, floating, reason, intended_stay in periods.iterator(chunk_size=BULK_CHUNK):
        dates = edges_of(code)
        if dates is None:
            continue
        key = (code, bisect_right(dates, arrived_on), reason in EXEMPT_REASONS and intended_stay == IntendedStay.UNDER_1M)
        if key not in rules:
            rules[key] = _rule(Residence(person_id=person_id, division_id=code, arrived_on=arrived_on, floating=floating, reason=reason,
                                         intended_stay=intended_stay), code)
        rule = rules[key]
        if rule is None:
            continue
        days, rule_set = rule
        chunk.append(ResidenceRegistration(
            person_id=person_id, residence_id=pk, division_id=code, station_code=code_at(code, Level.TOWNSHIP), arrived_on=arrived_on,
            due_on=_due(arrived_on, days, calendar), rules_on=arrived_on, rule_set=rule_set))
        if len(chunk) >= BULK_CHUNK:
            flush()
    flush()
    if opened:
        record(actor, "residence_registration.open", object_type="residenceregistration",
               fields={"via": "import", "count": opened, "persons": sorted(set(persons))[:10000]})
    return opened


def may_complete(*, actor) -> bool:
    """RR2: whether the actor is a station (a police account acting for a township-level division)."""
    return is_system(actor) or (actor.role == Role.POLICE_OFFICER and actor.division.level == Level.TOWNSHIP)


def _station_actor(actor) -> None:
    """RR2: only a police account acting for a township-level division (the station) completes."""
    if not may_complete(actor=actor):
        raise Denied(STATION_ONLY)


@transaction.atomic
def complete_registration(*, actor, registration_id, data: dict, today: datetime.date) -> ResidenceRegistration:
    """RR2: the station registers her (and prints the voucher, 登记凭证)."""
    require(actor, Action.HANDLE_RESIDENCE)
    pk = row_id(registration_id)
    reg = ResidenceRegistration.objects.select_for_update().filter(pk=pk).first() if pk else None
    if reg is None or not (is_system(actor) or actor.in_scope(reg.division_id)):
        raise NotFound(NOT_FOUND_REGISTRATION)
    _station_actor(actor)
    errors: dict[str, list[str]] = {}
    done = fields.date(data, "completed_on", errors, required=True, today=today, not_before=reg.arrived_on, before_label="到达日期")
    if reg.state != RegistrationState.PENDING:
        fields.add(errors, "state", f"该居住登记已于 {reg.completed_on} 办结 / this registration was completed on {reg.completed_on}")
    if errors:
        raise Invalid(errors)
    reg.state, reg.completed_on, reg.completed_by = RegistrationState.COMPLETED, done, actor
    reg.save(update_fields=["state", "completed_on", "completed_by"])
    record(actor, "residence_registration.complete", obj=reg, person_id=reg.person_id,
           fields={"completed_on": str(done), "due_on": str(reg.due_on) if reg.due_on else None, "late": bool(reg.due_on and done > reg.due_on)})
    return reg


def fill_due_dates(*, on: datetime.date) -> int:
    """RR1: registrations opened while the calendar could not count their deadline get it once
    the year is loaded (the daily job)."""
    count = 0
    for reg in ResidenceRegistration.objects.filter(due_on__isnull=True, state=RegistrationState.PENDING):
        due = registration_due_on(reg.division_id, reg.arrived_on)
        if due is not None:
            ResidenceRegistration.objects.filter(pk=reg.pk).update(due_on=due)
            count += 1
    return count


# ====================================================================== RP1: application

def continuous_since(person_id: int, city_code: str) -> tuple[datetime.date | None, Residence | None]:
    """The first day of her unbroken residence in the city up to now (moves inside the city keep
    it running; a gap or a period elsewhere breaks it), with her open period; (None, None) when
    she does not live in the city now."""
    periods = list(Residence.objects.filter(person_id=person_id).order_by("-arrived_on", "-id"))
    if not periods or periods[0].left_on is not None or city_of(periods[0].division_id).code != city_code:
        return None, None
    current = periods[0]
    since = current.arrived_on
    for earlier in periods[1:]:
        if earlier.left_on != since or city_of(earlier.division_id).code != city_code:
            break
        since = earlier.arrived_on
    return since, current


def permit_in_scope(*, actor, permit_id, lock: bool = False) -> ResidencePermit:
    pk = row_id(permit_id)
    qs = ResidencePermit.objects.select_for_update() if lock else ResidencePermit.objects
    permit = qs.filter(pk=pk).first() if pk else None
    if permit is None or not (is_system(actor) or actor.in_scope(permit.division_id)):
        raise NotFound(NOT_FOUND_PERMIT)
    return permit


def decision_due_on(division_code: str, applied_on: datetime.date) -> datetime.date:
    """RP2: 15 days (calendar days: the 条例 says 日, not 工作日) unless the set says working days."""
    days = int(value("residence_permit.issue_days", division_code, applied_on))
    try:
        kind = value("residence_permit.decision_day_kind", division_code, applied_on)
    except PolicyMissing:
        kind = "calendar"
    if kind == "working":
        return add_working_days(applied_on, days, field="applied_on")
    return applied_on + datetime.timedelta(days=days)


@dataclass
class Check:
    """One condition of RP1 as the application page shows it and the service enforces it: `ok` is
    True, False, or None while it cannot be checked yet (no date, no basis given)."""

    key: str
    field: str
    ok: bool | None
    label: str
    detail: str = ""


@dataclass
class Eligibility:
    checks: list = dc_field(default_factory=list)
    current: Residence | None = None
    city: Division | None = None
    since: datetime.date | None = None
    eligible_on: datetime.date | None = None
    months: int | None = None
    decision_due_on: datetime.date | None = None

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def errors(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for c in self.checks:
            if c.ok is False:
                fields.add(out, c.field, c.detail)
        return out


def eligibility(*, actor, person, applied_on: datetime.date | None, basis: str | None = None, proof: str | None = None,
                scans: int = 0) -> Eligibility:
    """RP1, read only: each condition checked from the registry for an application on
    `applied_on` (the application page shows them as they are checked; apply_permit refuses on
    the first that fails, with these very messages)."""
    out = Eligibility()
    add = out.checks.append
    current = Residence.objects.filter(person_id=person.pk, left_on__isnull=True).order_by("-arrived_on").first()
    lives = "居住在本市 / lives in the city"
    if current is None or not (is_system(actor) or actor.in_scope(current.division_id)):
        add(Check("lives", "person_id", False, lives, "她不在本市（本辖区）居住，应向居住地公安派出所申领 / she does not live in your city (your area): "
                                                      "she applies at the police station where she lives"))
        return out
    city = city_of(current.division_id)
    out.current, out.city = current, city
    actor_city = city_of(actor.division_id).code if not is_system(actor) and actor.division.level >= Level.CITY else None
    if actor_city is not None and city.code != actor_city:
        add(Check("lives", "person_id", False, lives, "她不在本市居住 / she does not live in your city"))
    else:
        add(Check("lives", "person_id", True, lives, f"{current.division.name} {current.address}".strip()))
    hukou = "户籍不在本市 / hukou elsewhere"
    if city.contains(person.hukou_division_id):
        add(Check("hukou", "person_id", False, hukou, f"她的户籍在{city.name}，无需申领居住证 / her hukou is in {city.name}: no residence permit is needed"))
    else:
        add(Check("hukou", "person_id", True, hukou, person.hukou_division.name))
    live = "无待审核或有效的居住证 / no pending or valid permit"
    if ResidencePermit.objects.filter(person_id=person.pk, state__in=LIVE_STATES).exists():
        add(Check("permit", "person_id", False, live, "她已有待审核或有效的居住证 / she already has a pending or valid residence permit"))
    else:
        add(Check("permit", "person_id", True, live))
    since, _ = continuous_since(person.pk, city.code)
    out.since = since
    stay = "在本市连续居住满半年（居住登记） / half a year of residence in the city (the registry)"
    if applied_on is None:
        add(Check("months", "applied_on", None, stay, f"自 {since} 起连续居住 / resident since {since}"))
    else:
        try:
            months = int(value("residence_permit.min_residence_months", current.division_id, applied_on))
        except PolicyMissing:
            add(Check("months", "applied_on", False, stay, "该日期居住证制度尚未施行（《居住证暂行条例》2016-01-01 起施行） / no residence permit scheme "
                                                           "was in force on that day (the 条例 took effect on 2016-01-01)"))
            months = None
        if months is not None:
            out.months = months
            eligible_on = months_after(since, months) if since else None
            out.eligible_on = eligible_on
            if eligible_on is None or applied_on < eligible_on:
                add(Check("months", "applied_on", False, stay,
                          f"在本市连续居住不满{months}个月（自 {since} 起，{eligible_on} 起可申领；《居住证暂行条例》第二条） / "
                          f"under {months} months of continuous residence in the city (since {since}; eligible from {eligible_on})"))
            else:
                add(Check("months", "applied_on", True, stay, f"自 {since} 起连续居住，{eligible_on} 满{months}个月 / resident since {since}, "
                                                              f"{months} months full on {eligible_on}"))
                out.decision_due_on = decision_due_on(current.division_id, applied_on)
    condition = "合法稳定就业、合法稳定住所或连续就读，并有证明 / a stable job, a stable home or continuous study, with its proof"
    if not basis:
        add(Check("basis", "basis", None, condition, "请选择申领条件并说明证明材料 / choose the basis and describe its proof"))
    elif not proof:
        add(Check("basis", "proof", None, condition, "请说明证明材料 / describe the proof"))
    else:
        label = dict(Basis.choices).get(basis, basis)
        count = f"（扫描件 {scans} 份）" if scans else ""
        add(Check("basis", "basis", True, condition, f"{label.split(' ')[0]}：{proof[:60]}{count} / {label.split(' ', 1)[-1]}: {scans} scans"))
    return out


def applicant(*, actor, person_id):
    """The person an application is for, as the actor's scope allows (a place she once lived may
    open her history: she is then told she does not live here); NotFound otherwise."""
    require(actor, Action.HANDLE_RESIDENCE)
    pk = row_id(person_id)
    person = persons(actor, history=True).filter(pk=pk).first() if pk else None
    if person is None:
        raise NotFound(NOT_FOUND_PERSON)
    return person


@transaction.atomic
def apply_permit(*, actor, data: dict, attachments=(), today: datetime.date, now: datetime.datetime) -> ResidencePermit:
    """RP1: an application at the station where she lives; 422 with the reason when she is not
    eligible, nothing written."""
    require(actor, Action.HANDLE_RESIDENCE)
    errors: dict[str, list[str]] = {}
    raw = data.get("person_id")
    if raw in (None, ""):
        raise Invalid({"person_id": [fields.REQUIRED]})
    person = applicant(actor=actor, person_id=raw)
    applied_on = fields.date(data, "applied_on", errors, required=True, today=today)
    basis = fields.choice(data, "basis", errors, choices=Basis.values, required=True,
                          missing="请选择申领条件：employment、housing 或 study / choose the basis: employment, housing or study")
    proof = fields.text(data, "proof", errors, max_length=PROOF_MAX, required=True, multiline=True,
                        missing="请说明证明材料（劳动合同、房屋租赁合同或学籍证明等） / describe the proof (a labour contract, a lease, an enrolment certificate ...)")
    scans = []
    if len(attachments or ()) > 0:
        try:
            scans = [read_scan(f) for f in attachments]
        except Invalid as e:
            for k, v in e.errors.items():
                errors.setdefault(k, []).extend(v)
    found = eligibility(actor=actor, person=person, applied_on=applied_on if "applied_on" not in errors else None,
                        basis=basis, proof=proof, scans=len(scans))
    for k, v in found.errors().items():
        for m in v:
            fields.add(errors, k, m)
    if errors:
        raise Invalid(errors)
    current, city = found.current, found.city
    station_code = actor.division_id if not is_system(actor) and actor.division.level >= Level.TOWNSHIP else code_at(current.division_id, Level.TOWNSHIP)
    permit = ResidencePermit.objects.create(
        person=person, city=city, division_id=current.division_id, residence_address=current.address, station_id=station_code,
        basis=basis, proof=proof, resided_since=found.since, applied_on=applied_on,
        decision_due_on=decision_due_on(current.division_id, applied_on), state=PermitState.PENDING,
        fee=int(value("residence_permit.fee", current.division_id, applied_on)), public_token=secrets.token_urlsafe(24),
        rules_on=applied_on, rule_set=_rule_set("residence_permit.issue_days", current.division_id, applied_on), created_at=now,
        created_by=actor if not is_system(actor) else None,
    )
    for name, content_type, blob in scans:
        PermitAttachment.objects.create(permit=permit, name=name, content_type=content_type, size=len(blob), sha256=hashlib.sha256(blob).hexdigest(),
                                        data=blob, uploaded_at=now, uploaded_by=actor if not is_system(actor) else None)
    record(actor, "residence_permit.apply", obj=permit, person_id=person.pk,
           fields={"basis": basis, "applied_on": str(applied_on), "decision_due_on": str(permit.decision_due_on), "scans": len(scans)})
    return permit


# ====================================================================== RP2: decision

def card_items(permit: ResidencePermit) -> dict:
    """The items the card carries (第七条, policy value residence_permit.items), fixed at issue."""
    person = permit.person
    try:
        wanted = str(value("residence_permit.items", permit.division_id, permit.rules_on)).split(",")
    except PolicyMissing:
        wanted = []
    all_items = {
        "name": person.name, "sex": person.get_sex_display().split(" ")[0], "ethnicity": person.get_ethnicity_display().split(" ")[0],
        "birth_date": str(person.birth_date), "id_number": person.id_number or person.document_number, "photo": None,
        "hukou_address": person.hukou_address or person.hukou_division.name, "residence_address": permit.residence_address or permit.division.name,
        "issuing_office": f"{permit.station.name}派出所", "issued_on": str(permit.issued_on) if permit.issued_on else None,
    }
    return {k: all_items.get(k) for k in wanted if k}


def _set_anniversary(permit: ResidencePermit, anniversary: datetime.date) -> None:
    permit.next_anniversary_on = anniversary
    permit.next_endorsement_due_on = anniversary - ONE_DAY


@transaction.atomic
def decide_permit(*, actor, permit_id, data: dict, today: datetime.date) -> ResidencePermit:
    """RP2: grant (the card issues that day) or refuse with the reason."""
    require(actor, Action.HANDLE_RESIDENCE)
    permit = permit_in_scope(actor=actor, permit_id=permit_id, lock=True)
    errors: dict[str, list[str]] = {}
    decided_on = fields.date(data, "decided_on", errors, required=True, today=today, not_before=permit.applied_on, before_label="申领日期")
    granted = data.get("granted")
    if not isinstance(granted, bool):
        fields.add(errors, "granted", "请填写 true（签发）或 false（不予签发） / give true (grant) or false (refuse)")
    reason = fields.text(data, "reason", errors, max_length=REASON_MAX, multiline=True)
    if granted is False and not reason:
        fields.add(errors, "reason", "不予签发应说明理由 / a refusal gives its reason")
    if permit.state != PermitState.PENDING:
        fields.add(errors, "state", f"该申请已于 {permit.decided_on} 作出决定 / this application was decided on {permit.decided_on}")
    if errors:
        raise Invalid(errors)
    permit.decided_on, permit.decided_by = decided_on, actor if not is_system(actor) else None
    if granted:
        permit.state, permit.issued_on, permit.years_from = PermitState.GRANTED, decided_on, decided_on
        _set_anniversary(permit, years_after(decided_on, _interval(permit)))
        permit.items = card_items(permit)
    else:
        permit.state, permit.refusal_reason = PermitState.REFUSED, reason
    permit.save()
    record(actor, "residence_permit.decide", obj=permit, person_id=permit.person_id,
           fields={"granted": granted, "decided_on": str(decided_on), "late": decided_on > permit.decision_due_on}, reason=reason)
    return permit


def _interval(permit) -> int:
    try:
        return int(value("residence_permit.endorsement_interval_years", permit.division_id, permit.rules_on))
    except PolicyMissing:
        return 1


def window_opens_on(permit: ResidencePermit) -> datetime.date | None:
    """RP3: the endorsement window opens `endorsement_months_before` months before the anniversary."""
    if permit.next_anniversary_on is None:
        return None
    months = int(value("residence_permit.endorsement_months_before", permit.division_id, permit.rules_on))
    return months_before(permit.next_anniversary_on, months)


# ====================================================================== RP3, RP4: endorsements

@transaction.atomic
def endorse_permit(*, actor, permit_id, data: dict, today: datetime.date) -> ResidencePermit:
    """RP3: in the window: the next year runs from the anniversary. Late (on or after the
    anniversary, whether the daily job suspended it yet or not): RP4, the permit is restored and its
    residence years count again from the day of the endorsement. Before the window: refused."""
    require(actor, Action.HANDLE_RESIDENCE)
    permit = permit_in_scope(actor=actor, permit_id=permit_id, lock=True)
    errors: dict[str, list[str]] = {}
    endorsed_on = fields.date(data, "endorsed_on", errors, required=True, today=today,
                              not_before=permit.issued_on if permit.issued_on else None, before_label="签发日期")
    if permit.state not in (PermitState.GRANTED, PermitState.SUSPENDED):
        fields.add(errors, "state", f"只有有效或中止的居住证可以签注（当前：{permit.get_state_display().split(' ')[0]}） / only a granted or suspended "
                                    f"permit is endorsed (this one is {permit.state})")
    opens = window_opens_on(permit)
    if endorsed_on is not None and opens is not None and "endorsed_on" not in errors and endorsed_on < opens:
        fields.add(errors, "endorsed_on", f"签注期自 {opens} 起（居住满一年之日 {permit.next_anniversary_on} 前一个月内；《居住证暂行条例》第十五条） / "
                                          f"the endorsement window opens on {opens} (the month before the anniversary on {permit.next_anniversary_on})")
    if errors:
        raise Invalid(errors)
    anniversary = permit.next_anniversary_on
    late = endorsed_on >= anniversary
    Endorsement.objects.create(permit=permit, endorsed_on=endorsed_on, anniversary_on=anniversary, late=late,
                               endorsed_by=actor if not is_system(actor) else None,
                               station_id=actor.division_id if not is_system(actor) and actor.division.level >= Level.TOWNSHIP else permit.station_id)
    was = permit.state
    if late:
        permit.years_from = endorsed_on
        _set_anniversary(permit, years_after(endorsed_on, _interval(permit)))
        permit.suspended_on = permit.suspended_on or anniversary
    else:
        _set_anniversary(permit, years_after(anniversary, _interval(permit)))
        permit.suspended_on = None
    permit.state = PermitState.GRANTED
    permit.save()
    record(actor, "residence_permit.endorse", obj=permit, person_id=permit.person_id,
           fields={"endorsed_on": str(endorsed_on), "anniversary_on": str(anniversary), "late": late, "was": was,
                   "years_from": str(permit.years_from)})
    return permit


def residence_years(permit: ResidencePermit, on: datetime.date) -> int:
    """RP4: whole years of continuous residence counted on the permit: from the issue date, or from
    a late endorsement; the count stops at an anniversary that came without an endorsement (the
    years up to it were lived; the permit is suspended from it)."""
    if permit.years_from is None or permit.state not in (PermitState.GRANTED, PermitState.SUSPENDED):
        return 0
    end = min(on, permit.next_anniversary_on) if permit.next_anniversary_on else on
    return full_years(permit.years_from, end)


def state_on(permit: ResidencePermit, on: datetime.date) -> str:
    """The state as of `on`: a granted permit whose anniversary came without an endorsement is
    suspended from that day, whether or not the daily job has run yet (RP4)."""
    if permit.state == PermitState.GRANTED and permit.next_anniversary_on and permit.next_anniversary_on <= on:
        return PermitState.SUSPENDED
    return permit.state


def endorsement_status(permit: ResidencePermit, on: datetime.date) -> tuple[str, str]:
    """RP3, RP4 as the permit's page says it on `on`: (key, zh / en text). Keys: "none" (not
    granted), "not_yet" (the window has not opened), "open" (in the window), "missed" (the
    anniversary passed without one: suspended, a late endorsement restores it)."""
    if permit.state not in (PermitState.GRANTED, PermitState.SUSPENDED) or permit.next_anniversary_on is None:
        return "none", ""
    opens, due = window_opens_on(permit), permit.next_endorsement_due_on
    if state_on(permit, on) == PermitState.SUSPENDED:
        since = permit.suspended_on or permit.next_anniversary_on
        return "missed", (f"逾期未签注，自 {since} 起中止使用；补办签注即恢复，连续居住年限自补办之日起重新计算 / not endorsed in time: suspended "
                          f"since {since}; a late endorsement restores it and the residence years count again from its day")
    if on < opens:
        return "not_yet", f"未到签注期：{opens} 至 {due} 办理 / the window runs from {opens} to {due}"
    return "open", f"签注期内，请于 {due} 前办理 / in the window: endorse by {due}"


def suspend_missed(*, on: datetime.date, actor=None) -> int:
    """RP4 (the daily job): every granted permit whose anniversary came (on or before `on`)
    without an endorsement is suspended from that anniversary. One UPDATE over the
    (state, next_anniversary_on) index; idempotent; logged with the count."""
    with transaction.atomic():
        from django.db.models import F

        count = ResidencePermit.objects.filter(state=PermitState.GRANTED, next_anniversary_on__lte=on).update(
            state=PermitState.SUSPENDED, suspended_on=F("next_anniversary_on"))
        record(actor, "residence_permit.suspend_missed", object_type="residencepermit", fields={"on": str(on), "count": count})
    return count


def daily(on: datetime.date) -> str:
    """The daily job (run by `liudong exchange tick` and `liudong permits tick`)."""
    suspended = suspend_missed(on=on)
    filled = fill_due_dates(on=on)
    return (f"{on}: {suspended} 张居住证因未按期签注中止，{filled} 件居住登记补算期限 / {suspended} residence permits suspended for a missed "
            f"endorsement, {filled} residence registrations got their deadline")


# ====================================================================== RP5: moves

def on_import(*, actor, residences) -> None:
    """people's import listener: RR1 for the imported arrivals (an import never closes a period
    it did not write, so RP5 has nothing to do)."""
    open_registrations(actor=actor, residences=residences)


def on_residence_change(*, actor, person, closed, opened) -> None:
    """people's residence listener (inside the writing transaction): RR1 opens a registration for
    the new period; RP5 ends her live permit when she moved to another city or left, and carries it
    along on a move inside the city."""
    if opened is not None:
        # No clock here (invariant 4): the database stamps created_at in the writing transaction.
        open_registration(actor=actor, residence=opened)
    if closed is None:
        return
    live = list(ResidencePermit.objects.select_for_update().filter(person_id=person.pk, state__in=LIVE_STATES))
    for permit in live:
        if opened is not None and city_of(opened.division_id).code == permit.city_id:
            permit.division_id, permit.residence_address = opened.division_id, opened.address
            permit.save(update_fields=["division", "residence_address"])
            record(actor, "residence_permit.move", obj=permit, person_id=person.pk, fields={"division": opened.division_id})
            continue
        ended_on = opened.arrived_on if opened is not None else closed.left_on
        permit.state, permit.ended_on = PermitState.ENDED, ended_on
        permit.end_reason = (f"迁往{city_of(opened.division_id).name}居住 / moved to another city" if opened is not None
                             else "离开本市 / left the city")
        permit.save(update_fields=["state", "ended_on", "end_reason"])
        record(actor, "residence_permit.end", obj=permit, person_id=person.pk, fields={"ended_on": str(ended_on), "reason": permit.end_reason})
