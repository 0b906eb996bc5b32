"""S1-S6: every read of the technical services, already scoped (invariant 2) and logged where it
shows a person (invariant 3). Persons are found through people.scope only.

The check schedule (S4) is county data: `services.checks_per_year.ordinary` / `.key`,
`services.screening_per_year` and `services.ordinary_min_age`, read for her county on the first
day of the period asked for. Where a county has no value in force, its women are not scheduled
and the schedule says so (`Schedule.in_force` False) instead of guessing a frequency.
"""
import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from liudong import fields
from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.codes import Level
from liudong.divisions.models import Division
from liudong.divisions.queries import DivisionNames, in_range, parse_division
from liudong.errors import Invalid, NotFound
from liudong.identifiers import row_id
from liudong.people.models import Person, Residence
from liudong.people.scope import lives_in, persons, registered_in
from liudong.policy.services import PolicyMissing, value_row

from .models import Check, CheckItem, DepartureAdvice, Distribution, DistributionPoint, Institution, Method, ReturneeVisit, ServiceItem

MARRIED = ("20", "21", "22", "23")  # GB/T 2261.2: married, first marriage, remarried, restored
FREQUENCY_NAMES = ("services.checks_per_year.ordinary", "services.checks_per_year.key", "services.screening_per_year", "services.ordinary_min_age")
SCOPE = "人员不存在或不在您的管辖范围内 / no such person in your scope"


def _person(actor, person_id) -> Person:
    pk = row_id(person_id)
    person = persons(actor, history=True).filter(pk=pk).first() if pk else None
    if person is None:
        raise NotFound(SCOPE)
    return person


def service_items(*, actor):
    """S1: the catalogue of free items (1-五-(三)-1)."""
    require(actor, Action.VIEW_SERVICES)
    return list(ServiceItem.objects.all())


def institutions(province_code: str | None, on: datetime.date):
    """S6: the institutions a province publishes, as on its public page (no log-in, nothing about
    any person): those on the list on `on`."""
    qs = Institution.objects.filter(published_on__lte=on).filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on)).select_related("province")
    if province_code:
        qs = qs.filter(province_id=province_code)
    return qs.order_by("province_id", "name", "id")


def provinces_with_institutions():
    return list(Division.objects.filter(level=Level.PROVINCE, code__in=Institution.objects.values("province_id")).order_by("code"))


def points(*, actor, division_code: str | None = None):
    """S1: distribution points and vending machines of a division's townships (open ones)."""
    require(actor, Action.VIEW_SERVICES)
    code = _division(actor, division_code).code
    return DistributionPoint.objects.filter(in_range("township_id", code), closed_on__isnull=True).select_related("township", "village")


def _division(actor, raw) -> Division:
    errors: dict[str, list[str]] = {}
    if raw in (None, ""):
        return actor.division if actor is not None else Division.objects.get(code="000000000000")
    found = parse_division({"division": raw}, "division", errors, actor=actor)
    if errors:
        raise Invalid(errors)
    return found


# ---------------------------------------------------------------- checks (S2, S3)

def checks_of(*, actor, person_id):
    """S2, S3: a woman's checks and mailed reports, for the places that serve her: where she lives
    or lived, and her hukou place. Logged."""
    require(actor, Action.VIEW_SERVICES)
    if person_id in (None, ""):
        raise Invalid({"person_id": [fields.REQUIRED]})
    person = _person(actor, person_id)
    rows = list(Check.objects.filter(person=person).select_related("institution", "message", "division", "hukou_place").order_by("-checked_on", "-id"))
    record(actor, "check.list", object_type="person", object_id=person.pk, person_id=person.pk, fields={"shown": [c.pk for c in rows]})
    return person, rows


def get_check(*, actor, check_id, log: bool = True) -> Check:
    require(actor, Action.VIEW_SERVICES)
    pk = row_id(check_id)
    check = Check.objects.select_related("person", "institution", "message", "division", "hukou_place").filter(pk=pk).first() if pk else None
    if check is None or not (persons(actor, history=True).filter(pk=check.person_id).exists()):
        raise NotFound("记录不存在或不在您的管辖范围内 / no such record in your scope")
    if log:
        record(actor, "check.view", obj=check, person_id=check.person_id)
    return check


def verify_slip(token: str) -> dict | None:
    """S2: what the public page of a report slip's QR code says: authentic or not, its date, the
    issuing township and a masked name; nothing else about her."""
    token = str(token or "")
    if not 20 <= len(token) <= 40:
        return None
    check = Check.objects.select_related("person", "division").filter(report_token=token).first()
    if check is None:
        return None
    return {"number": check.report_number, "issued_on": check.recorded_at.date() if check.recorded_at else None,
            "township": DivisionNames([check.division_id]).full(check.division_id), "name": mask_name(check.person.name)}


def mask_name(name: str) -> str:
    """王小红 -> 王*红, 李娜 -> 李*; the surname and, for three characters or more, the last one."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# ---------------------------------------------------------------- the schedule (S4)

@dataclass
class Schedule:
    county: str
    county_name: str
    in_force: bool
    values: dict = field(default_factory=dict)     # name -> value
    sources: dict = field(default_factory=dict)    # name -> "set: source"
    women: int = 0

    @property
    def note(self) -> str:
        if self.in_force:
            return ""
        return (f"{self.county_name}没有生效的检查频次（县级政策参数未设定），本期不排定检查 / "
                f"{self.county_name} has no check frequency in force (county policy services.checks_per_year.*): nothing is scheduled")


def schedule_for(county_code: str, on: datetime.date, names: DivisionNames | None = None) -> Schedule:
    """S4: the frequencies in force for a county on a day (P1, county data)."""
    names = names or DivisionNames([county_code])
    schedule = Schedule(county_code, names.full(county_code), True)
    for name in FREQUENCY_NAMES:
        try:
            row = value_row(name, county_code, on)
        except PolicyMissing:
            row = None
        if row is None or row.value is None:
            if name != "services.screening_per_year":
                schedule.in_force = False
            continue
        schedule.values[name] = row.value
        schedule.sources[name] = f"{row.rule_set}: {row.source}"
    return schedule


def _window(day: datetime.date, per_year: int) -> tuple[datetime.date, datetime.date]:
    """The check window containing `day` when a subject is checked `per_year` times a year: whole
    months, 12 / per_year of them (a frequency that does not divide the year is refused)."""
    months = 12 // per_year
    first = (day.month - 1) // months * months + 1
    return datetime.date(day.year, first, 1), fields.month_end(day.year, first + months - 1)


def _age(birth: datetime.date, on: datetime.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


@dataclass
class DueRow:
    person_id: int
    name: str
    village: str
    age: int
    category: str          # key | ordinary
    window_start: datetime.date
    window_end: datetime.date
    last_checked_on: datetime.date | None
    state: str             # due | overdue


@dataclass
class DueList:
    division: Division
    start: datetime.date
    end: datetime.date
    item: str
    schedules: list
    rows: list


ITEMS = ("checks", "screening")


def due_list(*, actor, division_code=None, period: str | None = None, item: str = "checks", today: datetime.date) -> DueList:
    """S4: the inflow married women of childbearing age living in a division who have not had their
    pregnancy/IUD check (item "checks") or their screening ("screening") in the window of the
    period: due while the window runs, overdue once it has passed. Her window has 12 / n months,
    n her county's frequency for her category on the period's first day: ordinary subjects
    (S4, part 11: over 40 with an IUD, from her latest recorded method) or key subjects (everyone
    else, an unknown method included). Women of a county with no value in force are not listed:
    the schedule says so."""
    require(actor, Action.VIEW_SERVICES)
    errors: dict[str, list[str]] = {}
    bounds = fields.months_period({"period": period}, "period", errors)
    if item not in ITEMS:
        errors["item"] = ["应为 checks 或 screening / item is checks or screening"]
    division = None
    try:
        division = _division(actor, division_code)
    except Invalid as e:
        errors.update(e.errors)
    if errors:
        raise Invalid(errors)
    if bounds is None:
        bounds = fields.months_period({"period": f"{today.year}-Q{(today.month - 1) // 3 + 1}"}, "period", errors)
    start, end = bounds
    reference = min(end, max(start, today))
    code = division.code
    low_high = _childbearing_bounds(code, start)
    women = persons(actor).filter(lives_in(code), floating=True, sex="F", marital_status__in=MARRIED)
    if low_high is not None:
        women = women.filter(birth_date__gte=low_high[0], birth_date__lte=low_high[1])
    rows = list(women.values_list("id", "name", "birth_date", "residence_division_id").order_by("residence_division_id", "id"))
    names = DivisionNames(sorted({r[3][:6].ljust(12, "0") for r in rows}) or [code])
    schedules: dict[str, Schedule] = {}
    for r in rows:
        county = r[3][:6].ljust(12, "0")
        if county not in schedules:
            schedules[county] = schedule_for(county, start, names)
        schedules[county].women += 1
    for s in schedules.values():
        for name in ("services.checks_per_year.ordinary", "services.checks_per_year.key", "services.screening_per_year"):
            n = s.values.get(name)
            if n is not None and (not isinstance(n, int) or n <= 0 or 12 % n):
                s.in_force = False  # a frequency that does not divide the year into whole months is not guessed at
    if not schedules and level_of(code) >= Level.COUNTY:
        county = code[:6].ljust(12, "0")
        schedules[county] = schedule_for(county, start, DivisionNames([county]))
    # The widest window any woman may have: the whole year of the reference day.
    year_start, year_end = datetime.date(reference.year, 1, 1), datetime.date(reference.year, 12, 31)
    flag = Q(screening=True) if item == "screening" else (Q(pregnancy=True) | Q(iud=True))
    done: dict[int, list[datetime.date]] = {}
    for pid, day in Check.objects.filter(in_range("village", code), checked_on__gte=year_start, checked_on__lte=year_end).filter(flag).values_list("person_id", "checked_on"):
        done.setdefault(pid, []).append(day)
    last: dict[int, datetime.date] = {}
    for pid, day in Check.objects.filter(in_range("village", code), checked_on__lte=year_end).filter(flag).values_list("person_id", "checked_on"):
        if day > last.get(pid, datetime.date.min):
            last[pid] = day
    methods: dict[int, tuple] = {}
    if item == "checks":
        for pid, day, method in Check.objects.filter(in_range("village", code), checked_on__lte=reference).exclude(method="").values_list("person_id", "checked_on", "method"):
            if pid not in methods or day >= methods[pid][0]:
                methods[pid] = (day, method)
    out = []
    for pid, name, birth, village in rows:
        schedule = schedules[village[:6].ljust(12, "0")]
        if not schedule.in_force:
            continue
        age = _age(birth, start)
        if item == "screening":
            per_year, category = schedule.values.get("services.screening_per_year"), "screening"
            if per_year is None:
                continue
        else:
            ordinary = age >= int(schedule.values["services.ordinary_min_age"]) and methods.get(pid, (None, ""))[1] == Method.IUD
            category = "ordinary" if ordinary else "key"
            per_year = schedule.values[f"services.checks_per_year.{category}"]
        w_start, w_end = _window(reference, int(per_year))
        if any(w_start <= d <= w_end for d in done.get(pid, ())):
            continue
        out.append(DueRow(pid, name, village, age, category, w_start, w_end, last.get(pid), "overdue" if w_end < today else "due"))
    return DueList(division, start, end, item, sorted(schedules.values(), key=lambda s: s.county), out)


def level_of(code: str) -> int:
    from liudong.codes import level_of_code

    return level_of_code(code)


def _childbearing_bounds(code: str, on: datetime.date):
    try:
        age_min, age_max = value_row("childbearing_age_min", code, on).value, value_row("childbearing_age_max", code, on).value
    except PolicyMissing:
        return None
    if age_min is None or age_max is None:
        return None
    try:
        low = on.replace(year=on.year - age_max - 1) + datetime.timedelta(days=1)
        high = on.replace(year=on.year - age_min)
    except ValueError:  # 29 February
        low = datetime.date(on.year - age_max - 1, 3, 1)
        high = datetime.date(on.year - age_min, 2, 28)
    return low, high


def log_due(*, actor, due: DueList, shown: list) -> None:
    record(actor, "check.due_list", object_type="division", object_id=due.division.code,
           fields={"period": [str(due.start), str(due.end)], "item": due.item, "count": len(due.rows), "shown": [r.person_id for r in shown]})


# ---------------------------------------------------------------- the check register (S4, part 11)

def register_rows(*, actor, division_code=None, period: str | None = None, log: bool = True):
    """The check register (孕情、环情检查登记簿) of a division and period: every check recorded
    where the women live, ordered by village (one booklet each, part 11: 分册分次), then day."""
    require(actor, Action.VIEW_SERVICES)
    errors: dict[str, list[str]] = {}
    bounds = fields.months_period({"period": period}, "period", errors, required=True)
    division = None
    try:
        division = _division(actor, division_code)
    except Invalid as e:
        errors.update(e.errors)
    if errors:
        raise Invalid(errors)
    start, end = bounds
    rows = list(Check.objects.filter(in_range("village", division.code), checked_on__gte=start, checked_on__lte=end, origin="residence")
                .select_related("person", "institution").order_by("village", "checked_on", "id"))
    if log:
        record(actor, "check.register", object_type="division", object_id=division.code,
               fields={"period": [str(start), str(end)], "shown": [c.person_id for c in rows]})
    return division, start, end, rows


# ---------------------------------------------------------------- distributions (S5)

def distributions(*, actor, division_code=None, month: str | None = None, person_id=None):
    require(actor, Action.VIEW_SERVICES)
    errors: dict[str, list[str]] = {}
    bounds = fields.months_period({"month": month}, "month", errors)
    division = None
    try:
        division = _division(actor, division_code)
    except Invalid as e:
        errors.update(e.errors)
    if errors:
        raise Invalid(errors)
    qs = Distribution.objects.filter(in_range("village_id", division.code)).select_related("person", "village", "point", "confirmation")
    if bounds is not None:
        qs = qs.filter(distributed_on__gte=bounds[0], distributed_on__lte=bounds[1])
    if person_id not in (None, ""):
        qs = qs.filter(person_id=_person(actor, person_id).pk)
    return division, bounds, qs.order_by("-distributed_on", "-id")


def log_distributions(*, actor, rows) -> None:
    record(actor, "distribution.list", object_type="distribution", fields={"shown": sorted({r.person_id for r in rows})})


def distribution_totals(*, actor, division_code=None, year: int | None, log: bool = True):
    """S5: quantities handed out per village, month and product, and the recipients counted."""
    require(actor, Action.VIEW_SERVICES)
    if year is None or isinstance(year, bool) or not 1980 <= year <= 2100:
        raise Invalid({"year": ["年份应为1980到2100之间的整数 / a year from 1980 to 2100"]})
    division = _division(actor, division_code)
    rows = (Distribution.objects.filter(in_range("village_id", division.code), distributed_on__year=year)
            .values("village_id", "distributed_on__month", "product").annotate(quantity=Sum("quantity"), recipients=Count("person_id", distinct=True))
            .order_by("village_id", "distributed_on__month", "product"))
    return division, [{"village": r["village_id"], "month": f"{year}-{r['distributed_on__month']:02d}", "product": r["product"],
                       "quantity": r["quantity"], "recipients": r["recipients"]} for r in rows]


def confirmation_of(*, actor, distribution_id):
    """The recipient's confirmation of a distribution of the actor's area (logged)."""
    require(actor, Action.VIEW_SERVICES)
    pk = row_id(distribution_id)
    row = Distribution.objects.select_related("confirmation").filter(pk=pk).first() if pk else None
    if row is None or not (actor is None or actor.in_scope(row.village_id)):
        raise NotFound("记录不存在或不在您的管辖范围内 / no such record in your scope")
    record(actor, "distribution.confirmation", obj=row, person_id=row.person_id)
    return row.confirmation


# ---------------------------------------------------------------- the hukou side (S3)

def returnees_due(*, actor, today: datetime.date):
    """S3 (3-八-3): women and men back at the actor's place (a return recorded into its subtree)
    who have had no follow-up visit since: the to-do list."""
    require(actor, Action.VIEW_SERVICES)
    code = actor.division_id if actor is not None else "000000000000"
    back = (Residence.objects.filter(in_range("division_id", code), start_kind="return", left_on__isnull=True, arrived_on__lte=today,
                                     person__in=persons(actor).filter(registered_in(code)))
            .exclude(pk__in=ReturneeVisit.objects.values("residence_id")).select_related("person").order_by("arrived_on", "id"))
    rows = list(back[:500])
    record(actor, "services.returnees", object_type="division", object_id=code, fields={"shown": [r.person_id for r in rows]})
    return rows


def advice_of(*, actor, person_id):
    require(actor, Action.VIEW_SERVICES)
    person = _person(actor, person_id)
    return list(DepartureAdvice.objects.filter(person=person).order_by("-advised_on", "-id"))


ITEM_LABELS = {i.value: str(i.label).split(" ")[0] for i in CheckItem}
