"""S1-S6: every read of the technical services, already scoped (invariant 2) and logged where it
shows a person (invariant 3). Persons are found through people.scope only.

The check schedule (S4) is county data: `services.checks_per_year.ordinary` / `.key`,
`services.screening_per_year` and `services.ordinary_min_age`, read for her county on the first
day of the period asked for. Where a county has no value in force, its women are not scheduled
and the schedule says so (`Schedule.in_force` False) instead of guessing a frequency.
"""
import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, Case, Count, Exists, ExpressionWrapper, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Substr

from liudong import fields
from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.codes import Level, level_of_code
from liudong.divisions.models import Division
from liudong.divisions.queries import DivisionNames, in_range, parse_division
from liudong.errors import Invalid, NotFound
from liudong.identifiers import row_id
from liudong.people.models import Person, Residence
from liudong.people.scope import persons, persons_living_in, registered_in
from liudong.policy.services import value_rows

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

CHILDBEARING_NAMES = ("childbearing_age_min", "childbearing_age_max")


@dataclass
class Schedule:
    county: str
    county_name: str
    in_force: bool
    values: dict = field(default_factory=dict)     # name -> value
    sources: dict = field(default_factory=dict)    # name -> "set: source"
    women: int = 0
    # The birth dates of her county's women of childbearing age on the period's first day (policy
    # childbearing_age_min/max), None where no such value is in force (every married woman).
    births: tuple | None = None

    @property
    def note(self) -> str:
        if self.in_force:
            return ""
        return (f"{self.county_name}没有生效的检查频次（县级政策参数未设定），本期不排定检查 / "
                f"{self.county_name} has no check frequency in force (county policy services.checks_per_year.*): nothing is scheduled")


def schedules_for(counties, on: datetime.date, names: DivisionNames | None = None) -> dict[str, Schedule]:
    """S4: the frequencies in force for counties on a day (P1, county data), read in one query."""
    counties = list(counties)
    names = names or DivisionNames(counties)
    rows = value_rows(FREQUENCY_NAMES + CHILDBEARING_NAMES, counties, on)
    out = {}
    for county in counties:
        schedule = Schedule(county, names.full(county), True)
        for name in FREQUENCY_NAMES:
            row = rows.get((name, county))
            if row is None or row.value is None:
                if name != "services.screening_per_year":
                    schedule.in_force = False
                continue
            schedule.values[name] = row.value
            schedule.sources[name] = f"{row.rule_set}: {row.source}"
        for name in ("services.checks_per_year.ordinary", "services.checks_per_year.key", "services.screening_per_year"):
            n = schedule.values.get(name)
            if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n <= 0 or 12 % n):
                schedule.in_force = False  # a frequency that does not divide the year into whole months is not guessed at
        age = schedule.values.get("services.ordinary_min_age")
        if age is not None and (isinstance(age, bool) or not isinstance(age, int) or not 0 < age < 100):
            schedule.in_force = False
        low, high = rows.get(("childbearing_age_min", county)), rows.get(("childbearing_age_max", county))
        if low is not None and high is not None and isinstance(low.value, int) and isinstance(high.value, int):
            schedule.births = _birth_bounds(low.value, high.value, on)
        out[county] = schedule
    return out


def schedule_for(county_code: str, on: datetime.date, names: DivisionNames | None = None) -> Schedule:
    return schedules_for([county_code], on, names)[county_code]


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return datetime.date(day.year - years, 2, 28)


def _birth_bounds(age_min: int, age_max: int, on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Born between these days (both included): aged age_min to age_max on `on`."""
    return _years_before(on, age_max + 1) + datetime.timedelta(days=1), _years_before(on, age_min)


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
    category: str          # key | ordinary | screening
    window_start: datetime.date
    window_end: datetime.date
    last_checked_on: datetime.date | None
    state: str             # due | overdue


class DueRows:
    """The rows of a due list, computed by the database a page at a time: `count()` (counted with
    the schedules' women, no query of its own) and `rows[a:b]` (two queries for that page,
    whatever its length: its ids, then what is shown of them). A Paginator takes it as it takes
    a queryset."""

    def __init__(self, page, make_row, count: int):
        self._page, self._make, self._count = page, make_row, count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if isinstance(key, slice):
            return [self._make(r) for r in self._page(key)]
        return self[key:key + 1][0]


@dataclass
class DueList:
    division: Division
    start: datetime.date
    end: datetime.date
    item: str
    schedules: list
    rows: DueRows

    @property
    def count(self) -> int:
        return self.rows.count()


ITEMS = ("checks", "screening")
# A page of a due list starting before this row probes each woman's checks in the list's order
# (PostgreSQL; SQLite always does); a page further down has the database build the sets of
# checks once. Most women on a list are due, so a page of 100 near the start tests a few hundred.
PROBED_PAGES_UP_TO = 2000


def _counties(code: str) -> list[str]:
    """The counties whose women a division's list may hold: its own county, or those below it."""
    if level_of_code(code) >= Level.COUNTY:
        return [code[:6].ljust(12, "0")]
    return list(Division.objects.filter(in_range("code", code), level=Level.COUNTY).order_by("code").values_list("code", flat=True))


def _in_counties(counties: list[str], all_counties: list[str]) -> Q:
    """Women living in these counties (all of the list's counties: no condition)."""
    if len(counties) == len(all_counties):
        return Q()
    return Q(county__in=[c[:6] for c in counties])


def _births(bounds) -> Q:
    return Q() if bounds is None else Q(birth_date__gte=bounds[0], birth_date__lte=bounds[1])


def _negated(test):
    """NOT of a Q (a set membership) or of an Exists, as an expression a CASE can return."""
    return ExpressionWrapper(~test, output_field=BooleanField()) if isinstance(test, Q) else ~test


def _group_by(schedules: dict, key) -> dict:
    out: dict = {}
    for county, s in schedules.items():
        out.setdefault(key(s), []).append(county)
    return out


def due_list(*, actor, division_code=None, period: str | None = None, item: str = "checks", today: datetime.date) -> DueList:
    """S4: the inflow married women of childbearing age living in a division who have not had their
    pregnancy/IUD check (item "checks") or their screening ("screening") in the window of the
    period: due while the window runs, overdue once it has passed. Her window has 12 / n months,
    n her county's frequency for her category on the period's first day: ordinary subjects
    (S4, part 11: aged services.ordinary_min_age or over with an IUD, from her latest recorded
    method) or key subjects (everyone else, an unknown method included). Women of a county with no
    value in force are not listed: the schedule says so.

    Every test is made by the database, none in Python and no query per woman: childbearing age
    and the ordinary subjects' age as birth-date ranges from her county's policy, her latest
    method and whether a check of hers falls in her window as subqueries (see below). Queries,
    whatever the number of women: the counties, their policy, one grouped count (women and due
    per county), and two per page shown (its ids, then its rows): a DueRows."""
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
    counties = _counties(code)
    schedules = schedules_for(counties, start, DivisionNames(counties)) if counties else {}
    women = (persons_living_in(actor, code).filter(floating=True, sex="F", marital_status__in=MARRIED)
             .annotate(county=Substr("residence_division_id", 1, 6)))
    # Women of childbearing age: her county's policy as a birth-date range, per group of counties
    # with the same range (usually one).
    aged = Q(pk__in=[])
    for births, group in _group_by(schedules, lambda s: s.births).items():
        aged |= _in_counties(group, counties) & _births(births)
    listed = women.filter(aged).values("pk")
    flag = Q(screening=True) if item == "screening" else (Q(pregnancy=True) | Q(iud=True))

    def policy(s: Schedule):
        v = s.values
        if not s.in_force or (item == "screening" and v.get("services.screening_per_year") is None):
            return None
        if item == "screening":
            return (s.births, v["services.screening_per_year"], None, None)
        return (s.births, v["services.checks_per_year.key"], v["services.checks_per_year.ordinary"], v["services.ordinary_min_age"])

    groups = _group_by(schedules, policy)
    groups.pop(None, None)
    windows = {n: _window(reference, n) for key in groups for n in key[1:3] if n is not None}
    # The due test, per group of counties with the same policy (usually one), never a query per
    # woman: whether a check of hers (wherever recorded: before a move, or mailed back) falls in
    # her window, and whether her latest recorded method on the reference day is the IUD.
    # PostgreSQL runs a correlated subquery as a subplan per row, so there these are sets computed
    # once (uncorrelated IN subqueries, hashed); SQLite materialises such a set by probing the
    # index once per woman anyway, so there they are correlated EXISTS probes of
    # check_person_day_items.
    def due_test(hashed: bool):
        """(due, ordinary, aliases): whether a woman is due, and whether she is an ordinary subject.
        `hashed`: the checks as sets computed once (uncorrelated IN subqueries); otherwise
        correlated probes of check_person_day_items, one per woman tested."""
        aliases, done, with_iud = {}, {}, None
        for n, (w0, w1) in windows.items():
            if hashed:
                done[n] = Q(pk__in=Check.objects.filter(flag, person__in=listed, checked_on__gte=w0, checked_on__lte=w1).values("person_id"))
            else:
                done[n] = Exists(Check.objects.filter(flag, person_id=OuterRef("pk"), checked_on__gte=w0, checked_on__lte=w1))
        if item == "checks" and groups:
            if hashed:
                later = (Check.objects.filter(person_id=OuterRef("person_id"), checked_on__lte=reference).exclude(method="").exclude(method=Method.IUD)
                         .filter(Q(checked_on__gt=OuterRef("checked_on")) | Q(checked_on=OuterRef("checked_on"), id__gt=OuterRef("id"))))
                with_iud = Q(pk__in=Check.objects.filter(person__in=listed, method=Method.IUD, checked_on__lte=reference).exclude(Exists(later)).values("person_id"))
            else:
                aliases["method_now"] = Coalesce(Subquery(Check.objects.filter(person_id=OuterRef("pk"), checked_on__lte=reference).exclude(method="")
                                                          .order_by("-checked_on", "-id").values("method")[:1]), Value(""))
                with_iud = Q(method_now=Method.IUD)
        due, ordinary = Q(pk__in=[]), Q(pk__in=[])
        for (births, n_key, n_ordinary, min_age), group in groups.items():
            place = _in_counties(group, counties) & _births(births)
            if item == "screening":
                due |= place & ~Q(done[n_key])
                continue
            older = Q(birth_date__lte=_years_before(start, int(min_age))) & with_iud
            ordinary |= place & older
            # One CASE: her method is looked up (or her set probed) once, and only when she is old
            # enough to be an ordinary subject.
            due |= place & Q(Case(When(older, then=_negated(done[n_ordinary])), default=_negated(done[n_key]), output_field=BooleanField()))
        return due, ordinary, aliases

    # The due test, per group of counties with the same policy (usually one), never a query per
    # woman: whether a check of hers (wherever recorded: before a move, or mailed back) falls in
    # her window, and whether her latest recorded method on the reference day is the IUD.
    # PostgreSQL runs a correlated subquery as a subplan per row, so for the count (every woman
    # tested) the checks are sets computed once there (uncorrelated IN subqueries, hashed); SQLite
    # materialises such a set by probing the index once per woman anyway, so there they are
    # correlated EXISTS probes of check_person_day_items. A page of the list on PostgreSQL probes
    # too, as long as it lies near the start: the scan in the list's order stops once the page is
    # full, so the first pages test a few hundred women instead of building the sets again (most
    # women on a list are due); a page far down builds the sets.
    hashed = connection.vendor == "postgresql"
    due, ordinary, aliases = due_test(hashed)
    # (SQLite: the same test; its aliases are on `women` already.)
    probed = due_test(False) if hashed else (due, ordinary, {})
    women = women.alias(**aliases)
    # One grouped pass over the women of childbearing age gives, per county, how many there are
    # (the counties shown are those with women) and how many are due: the list's count. The
    # women who are not shown are counted, never fetched.
    counts = {}
    if schedules:
        tally = women.filter(aged).order_by().values("county").annotate(n=Count("id"))
        if groups:
            tally = tally.annotate(due=Count("id", filter=due))
        counts = {r["county"]: (r["n"], r.get("due", 0)) for r in tally}
    shown = [s for c, s in schedules.items() if c[:6] in counts]
    for s in shown:
        s.women = counts[s.county[:6]][0]
    if not shown and level_of_code(code) >= Level.COUNTY and schedules:
        shown = list(schedules.values())

    year_end = datetime.date(reference.year, 12, 31)
    last = Subquery(Check.objects.filter(flag, person_id=OuterRef("pk"), checked_on__lte=year_end).order_by("-checked_on", "-id").values("checked_on")[:1])
    # By village, then age (oldest first): the order of the women's covering index
    # person_residence_women, which SQLite then reads in order, without a sort or the table, to
    # the page asked for (floating and sex are fixed by the filter; married statuses 20 to 23).
    order = ("residence_division_id", "floating", "sex", "marital_status", "birth_date", "hukou_division_id", "id")
    # A page is two queries: the ids of the page (the due test, ordered and cut), then what is
    # shown of those women only (her category, her last check).
    page_ids = women.filter(due).order_by(*order).values_list("id", flat=True)
    near_ids = women.alias(**probed[2]).filter(probed[0]).order_by(*order).values_list("id", flat=True)
    shown_of = women.alias(**probed[2]).annotate(
        category=Value("screening") if item == "screening" else Case(When(probed[1], then=Value("ordinary")), default=Value("key")),
        last_checked_on=last).order_by(*order).values_list("id", "name", "birth_date", "residence_division_id", "category", "last_checked_on")

    def page(key: slice):
        near = (key.start or 0) < PROBED_PAGES_UP_TO
        ids = list((near_ids if near else page_ids)[key])
        return list(shown_of.filter(pk__in=ids)) if ids else []

    def make_row(r) -> DueRow:
        pid, name, birth, village, category, last_checked_on = r
        v = schedules[village[:6].ljust(12, "0")].values
        per_year = v["services.screening_per_year"] if category == "screening" else v[f"services.checks_per_year.{category}"]
        w_start, w_end = windows[per_year]
        return DueRow(pid, name, village, _age(birth, start), category, w_start, w_end, last_checked_on, "overdue" if w_end < today else "due")

    return DueList(division, start, end, item, sorted(shown, key=lambda s: s.county), DueRows(page, make_row, sum(due for _, due in counts.values())))


def log_due(*, actor, due: DueList, shown: list) -> None:
    record(actor, "check.due_list", object_type="division", object_id=due.division.code,
           fields={"period": [str(due.start), str(due.end)], "item": due.item, "count": due.count, "shown": [r.person_id for r in shown]})


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
    rows = list(DepartureAdvice.objects.filter(person=person).order_by("-advised_on", "-id"))
    record(actor, "services.advice_list", object_type="person", object_id=person.pk, person_id=person.pk, fields={"shown": [a.pk for a in rows]})
    return rows


ITEM_LABELS = {i.value: str(i.label).split(" ")[0] for i in CheckItem}
