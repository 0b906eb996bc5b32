"""T2, R4, R5 (issue 14): the registry's named figures, defined once. The home page shows them
live (people.queries.home_counts, under these names) and the monthly statistical reports
(liudong.statistics) store them as of a period's end; both read the names and definitions here.

`FIGURES` is the list of (name, label, definition, rule); `by_code(root, start, end)` counts every
figure as of `end` (stocks: living there, registered and not closed on that day) or within
[start, end] (flows: births), grouped by the full 12-digit division code of the subtree of `root`,
one aggregate query per figure. Every count is additive over divisions (each row belongs to one
code: a person has at most one residence period open on a day), so a division's figure is the sum
over the codes of its subtree (`rollup`), and the figures of a whole province are computed in one
pass per figure and summed level by level in Python.

Dated data: residence periods (arrived_on / left_on), rental homes and employers (registered_on /
closed_on), births (the child's birth date) and marital status (MaritalEvent, recorded from issue 14
on; before the first event a person's status is her status when she was registered or last
corrected) have history. Family links and the places of people who are not floating have none:
the left-behind and empty-nest figures read today's links and places, which is why a month's
figures are computed and stored when the month closes (liudong.statistics).

Counts are of every registered record: no record is left out for not having passed review (the
three-level review, R6, is not built yet; the share that passed it is shown beside the figures
once it is).
"""
import datetime
from collections import defaultdict

from django.db.models import Case, CharField, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Substr
from django.db.models.lookups import Exact, In

from liudong.divisions.queries import in_range

from . import scope
from .choices import Relation, Sex
from .models import Employer, FamilyLink, MaritalEvent, Person, RentalHousing, Residence

MARRIED = ("20", "21", "22", "23")  # GB/T 2261.2: married, first marriage, remarried, restored

# (name, label "中文 english", definition "中文 / English", rule)
FIGURES = [
    ("inflow", "流入人口 inflow persons",
     "期末在本辖区居住、户籍在外县（不含同一设区市的其他区）的人数 / persons living here at the period's end whose hukou lies in another county "
     "(not another district of the same city)", "T2, J2"),
    ("outflow", "流出人口 outflow persons",
     "户籍在本辖区、期末在户籍县以外居住的人数 / persons with hukou here living outside the hukou county at the period's end", "T2, J2"),
    ("rental_homes", "出租房屋 rental homes",
     "期末已登记、未停租的出租房屋 / rental homes registered and not closed at the period's end", "T2, R4"),
    ("employers", "用工单位 employers",
     "期末已登记、未注销的用工单位 / employers registered and not closed at the period's end", "T2, R4"),
    ("left_behind_children", "留守儿童 left-behind children",
     "户籍在本辖区、期末在家、未满规定年龄，父母双方外出或一方外出另一方无监护能力（系统默认，2016） / children with hukou here, at home at the "
     "period's end, under the policy age, both parents away or one away and the other unable to care (system default, 2016)", "T2, R5"),
    ("empty_nest_elderly", "空巢老人 empty-nest elderly",
     "户籍在本辖区、期末在家、达到规定年龄，登记的子女都在别处居住（系统默认） / elderly with hukou here, at home, at least the policy age, "
     "every child recorded living elsewhere (system default)", "T2, R5"),
    ("women_childbearing_inflow_other_province", "流入已婚育龄妇女（外省） inflow married women of childbearing age from another province",
     "期末流入人口中已婚、处于育龄的妇女，户籍在外省 / inflow women married and of childbearing age at the period's end, hukou in another province", "T2"),
    ("women_childbearing_inflow_same_province", "流入已婚育龄妇女（本省） inflow married women of childbearing age from this province",
     "期末流入人口中已婚、处于育龄的妇女，户籍在本省外县 / inflow women married and of childbearing age at the period's end, hukou in another "
     "county of this province", "T2"),
    ("births", "当期生育 births",
     "流入已婚育龄妇女中本期内生育的人数（当年生育，不是出生人数） / inflow married women of childbearing age who gave birth in the period "
     "(the seed's 当年生育, not people born)", "T2（第六、十部分）"),
]
NAMES = [name for name, *_ in FIGURES]


def policy_or_none(name, code, on):
    from liudong.policy.services import PolicyMissing, value

    try:
        return value(name, code, on=on)
    except PolicyMissing:
        return None


AGE_POLICIES = ("childbearing_age_min", "childbearing_age_max", "left_behind_child_max_age", "empty_nest_min_age")


def policy_values(names, code, on) -> dict:
    """{name: value or None} of several policy values at `code` on `on`, in one read (the report
    page counts on request: one query, not one per value)."""
    from liudong.policy.services import value_rows

    rows = value_rows(names, [code], on)
    return {name: (rows[(name, code)].value if (name, code) in rows else None) for name in names}


def age_bounds(on: datetime.date, age_min=None, age_max=None):
    """Birth-date bounds for an age range on a date (age = completed years)."""
    low = high = None
    if age_max is not None:
        # older than age_max+1 excluded: born after on - (age_max+1) years
        try:
            low = on.replace(year=on.year - age_max - 1) + datetime.timedelta(days=1)
        except ValueError:  # 29 Feb
            low = datetime.date(on.year - age_max - 1, 3, 1)
    if age_min is not None:
        try:
            high = on.replace(year=on.year - age_min)
        except ValueError:
            high = datetime.date(on.year - age_min, 2, 28)
    return low, high


def living_on(end: datetime.date) -> Q:
    """Residence periods open on `end` (arrived by then, not left before or on it)."""
    return Q(arrived_on__lte=end) & (Q(left_on__isnull=True) | Q(left_on__gt=end))


def away_on(end: datetime.date, ref) -> Exists:
    """The person `ref` lived as a floating person on `end` (J2)."""
    return Exists(Residence.objects.filter(living_on(end), person_id=ref, floating=True))


def place_on(end: datetime.date, person_ref: str, hukou: str):
    """Where a person lived on `end`: the division of her residence period open that day, else
    her hukou division (R5: "lives elsewhere")."""
    return Coalesce(Subquery(Residence.objects.filter(living_on(end), person_id=OuterRef(person_ref)).order_by("-arrived_on").values("division_id")[:1]), F(hukou),
                    output_field=CharField())


def marital_status_on(end: datetime.date, person_ref: str = "person_id", current: str = "person__marital_status"):
    """The marital status on `end` from the events (see the module's note)."""
    before = MaritalEvent.objects.filter(person_id=OuterRef(person_ref), changed_on__lte=end).order_by("-changed_on", "-id").values("new_status")[:1]
    after = MaritalEvent.objects.filter(person_id=OuterRef(person_ref), changed_on__gt=end).order_by("changed_on", "id").values("old_status")[:1]
    return Coalesce(Subquery(before), Subquery(after), F(current))


def _grouped(qs, field: str) -> dict[str, int]:
    return dict(qs.values(field).annotate(n=Count("pk")).values_list(field, "n"))


FLOWS = ("births",)   # counted within [start, end]; every other figure is a stock as of `end`


def by_code(root: str, start: datetime.date, end: datetime.date, *, policy_code: str | None = None, flows_only: bool = False,
            births_from: tuple[datetime.date, ...] = (), failed: dict | None = None) -> dict:
    """{name: {12-digit code: count}} for the subtree of `root`. Stocks as of `end`, births in
    [start, end]. A figure whose policy value (ages) is missing where `policy_code` (default root)
    lies is None. `flows_only`: only the flows (a year's figures take the month's stocks).
    `births_from`: the births in [s, end] for each s too, under the key ("births", s), counted in
    the same pass over the women as the month's (the month close's statistical and calendar years).
    `failed` ({"residence": Q over Residence, "person": Q over Person}, R6: the records that had not
    passed review on `end`, given by statistics.reviewed, which people may not import): the counted
    records that match, under ("failed", name) for inflow, outflow and the two R5 figures, counted
    in the same pass as the figure (a conditional count)."""
    pcode = policy_code or root
    out: dict[str | tuple, dict | None] = {}
    inflow = Residence.objects.filter(in_range("division_id", root), living_on(end), floating=True)
    if flows_only:
        return {"births": _births(inflow, pcode, start, end)}
    ages = policy_values(AGE_POLICIES, pcode, end)

    # T2: the inflow, the inflow married women of childbearing age by origin and those who gave
    # birth in the month (and in each window of `births_from`), and (R6) the inflow records that had
    # not passed review: ONE pass over the open periods (issue 14: the report page of a village or
    # township counts these on request, the month close for a whole province). Each period gets
    # one small number, grouped on with the village: -1 when it is not such a woman's, else bit 0
    # her hukou in this province and bit i+1 a birth in window i; and a 0/1 for review. Grouping on
    # them evaluates the women's test and its marital-status and births subqueries once a row, and
    # for the women only (a nested CASE); conditional counts would repeat them in every count.
    windows = [start, *births_from]
    women = _women_q(ages, end)
    keys = {}
    if women is not None:
        same = Exact(Substr("hukou_division_code", 1, 2), Substr("division_id", 1, 2))
        bits = Case(When(same, then=Value(1)), default=Value(0))
        for i, s in enumerate(windows):
            bits = bits + Case(When(Exists(_born(s, end)), then=Value(2 << i)), default=Value(0))
        keys["mask"] = Case(When(women, then=bits), default=Value(-1), output_field=IntegerField())
    if failed is not None:
        keys["failed"] = Case(When(failed["residence"], then=Value(1)), default=Value(0), output_field=IntegerField())
    rows = list(inflow.annotate(**keys).values("division_id", *keys).annotate(n=Count("pk")).order_by().values_list("division_id", *keys, "n"))
    counts: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        code, n = row[0], row[-1]
        part = dict(zip(keys, row[1:-1]))
        counts["inflow"][code] += n
        if part.get("failed"):
            counts[("failed", "inflow")][code] += n
        mask = part.get("mask", -1)
        if mask >= 0:
            counts["women_childbearing_inflow_same_province" if mask & 1 else "women_childbearing_inflow_other_province"][code] += n
            for i, s in enumerate(windows):
                if mask & (2 << i):
                    counts["births" if i == 0 else ("births", s)][code] += n
    out["inflow"] = dict(counts["inflow"])
    for name in ("women_childbearing_inflow_other_province", "women_childbearing_inflow_same_province", "births", *(("births", s) for s in births_from)):
        out[name] = None if women is None else dict(counts.get(name, {}))
    if failed is not None:
        out[("failed", "inflow")] = dict(counts.get(("failed", "inflow"), {}))

    outflow = Residence.objects.filter(in_range("hukou_division_code", root), living_on(end), floating=True)
    out["outflow"], failed_out = _grouped_failed(outflow, "hukou_division_code", failed and failed["residence"])
    if failed is not None:
        out[("failed", "outflow")] = failed_out
    out["rental_homes"] = _grouped(RentalHousing.objects.filter(in_range("division_id", root), registered_on__lte=end).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=end)), "division_id")
    out["employers"] = _grouped(Employer.objects.filter(in_range("division_id", root), registered_on__lte=end).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=end)), "division_id")

    # R5 (system default, 国发〔2016〕13号): see FIGURES; today's family links (no history). A record
    # merged into its twin (R8, issue 15) is no one's any more: left out, as on the home page, through
    # the partial index over live records (person_hukou_home_live).
    max_age = ages["left_behind_child_max_age"]
    out["left_behind_children"] = None
    if max_age is not None:
        low, _ = age_bounds(end, age_max=max_age)
        parents = FamilyLink.objects.filter(person_id=OuterRef("pk"), relation=Relation.PARENT)
        away_parent = parents.filter(away_on(end, OuterRef("relative_id")))
        carer = parents.filter(parent_unable_to_care=False).exclude(away_on(end, OuterRef("relative_id")))
        children = (Person.objects.filter(scope.registered_in(root), scope.NOT_MERGED, birth_date__gte=low, birth_date__lte=end)
                    .exclude(away_on(end, OuterRef("pk"))).filter(Exists(away_parent)).exclude(Exists(carer)))
        out["left_behind_children"], failed_out = _grouped_failed(children, "hukou_division_id", failed and failed["person"])
        if failed is not None:
            out[("failed", "left_behind_children")] = failed_out
    min_age = ages["empty_nest_min_age"]
    out["empty_nest_elderly"] = None
    if min_age is not None:
        _, high = age_bounds(end, age_min=min_age)
        kids = FamilyLink.objects.filter(person_id=OuterRef("pk"), relation=Relation.CHILD)
        near = (kids.exclude(away_on(end, OuterRef("relative_id")))
                .annotate(place=place_on(end, "relative_id", "relative__hukou_division_id")).filter(place=OuterRef("place")))
        elders = (Person.objects.filter(scope.registered_in(root), scope.NOT_MERGED, birth_date__lte=high).exclude(away_on(end, OuterRef("pk")))
                  .annotate(place=place_on(end, "pk", "hukou_division_id")).filter(Exists(kids)).exclude(Exists(near)))
        out["empty_nest_elderly"], failed_out = _grouped_failed(elders, "hukou_division_id", failed and failed["person"])
        if failed is not None:
            out[("failed", "empty_nest_elderly")] = failed_out
    return out


def _grouped_failed(qs, field: str, failed: Q | None) -> tuple[dict[str, int], dict[str, int]]:
    """({code: count}, {code: of them, those matching `failed`}) in one grouped pass."""
    if failed is None:
        return _grouped(qs, field), {}
    rows = list(qs.values(field).annotate(n=Count("pk"), failed=Count("pk", filter=failed)).order_by().values_list(field, "n", "failed"))
    return {code: n for code, n, _ in rows}, {code: f for code, _, f in rows if f}


def ancestors(code: str) -> set[str]:
    """The code itself and the codes of its ancestors (J1: each a prefix padded with zeros)."""
    from liudong.codes import PREFIX_LENGTH

    return {code[:w].ljust(12, "0") for w in PREFIX_LENGTH.values()}


def _women(inflow, pcode, end):
    """T2: the inflow periods of women married and of childbearing age on `end`; None where the
    ages are not set (policy childbearing_age_min/max)."""
    age_min, age_max = policy_or_none("childbearing_age_min", pcode, end), policy_or_none("childbearing_age_max", pcode, end)
    if age_min is None or age_max is None:
        return None
    low, high = age_bounds(end, age_min, age_max)
    return (inflow.filter(person__sex=Sex.FEMALE, person__birth_date__gte=low, person__birth_date__lte=high)
            .annotate(status=marital_status_on(end)).filter(status__in=MARRIED)
            .annotate(home=Substr("hukou_division_code", 1, 2), here=Substr("division_id", 1, 2)))


def _women_q(ages: dict, end) -> Q | None:
    """T2, for conditional counts over inflow periods: the period is a woman's, of childbearing age
    and married on `end` (the cheap column tests first); None where the ages are not set."""
    age_min, age_max = ages["childbearing_age_min"], ages["childbearing_age_max"]
    if age_min is None or age_max is None:
        return None
    low, high = age_bounds(end, age_min, age_max)
    return Q(person__sex=Sex.FEMALE, person__birth_date__gte=low, person__birth_date__lte=high) & Q(In(marital_status_on(end), MARRIED))


def _born(start, end) -> QuerySet:
    """The woman (OuterRef person_id) has a child born in [start, end] (T2, 当年生育)."""
    return FamilyLink.objects.filter(person_id=OuterRef("person_id"), relation=Relation.CHILD, relative__birth_date__gte=start, relative__birth_date__lte=end)


def _births(inflow, pcode, start, end, women=None):
    """T2 (当年生育): of those women, the ones with a child born in [start, end]."""
    women = women if women is not None else _women(inflow, pcode, end)
    if women is None:
        return None
    return _grouped(women.filter(Exists(_born(start, end))), "division_id")


def rollup(per_code: dict[str, dict | None]) -> dict[str, dict[str, int | None]]:
    """{division code: {name: total}}: each 12-digit code's counts added once to itself and to each
    of its ancestors. A figure that is None (its policy value missing) is None for every division;
    a division with no rows has no key (its figures are 0)."""
    totals: dict[str, dict] = defaultdict(dict)
    memo: dict[str, set[str]] = {}
    for name, counts in per_code.items():
        if counts is None:
            continue
        for code, n in counts.items():
            keys = memo.get(code) or memo.setdefault(code, ancestors(code))
            for key in keys:
                bucket = totals[key]
                bucket[name] = bucket.get(name, 0) + n
    return totals


def figures_of(code: str, totals: dict[str, dict], per_code: dict[str, dict | None]) -> dict[str, int | None]:
    """One division's figures from `rollup`: 0 where it has no rows, None where not computable."""
    row = totals.get(code, {})
    return {name: (None if per_code.get(name, {}) is None else row.get(name, 0)) for name in per_code}


def totals_for(code: str, per_code: dict[str, dict | None]) -> dict[str, int | None]:
    """The figures of one division from `by_code(code, ...)`: the sum over its subtree."""
    return {name: (None if counts is None else sum(counts.values())) for name, counts in per_code.items()}
