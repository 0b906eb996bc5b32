"""Reads of the policy pages, command and API (P1, X4). Policy values and the calendar are public
rules, not person data: any division may be looked at; the pages decide who may see them."""
import calendar as pycalendar
import datetime

from django.db.models import Count, Q

from liudong.codes import level_of_code

from .models import CalendarDay, CalendarYear, DayKind, PolicyValue
from .rule_sets import RULE_SETS
from .services import ancestor_codes

HISTORY_LIMIT = 500

# chinese-calendar names the seeded holidays in English; the pages show them in Chinese first.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def values_in_force(division_code: str, on: datetime.date) -> list[PolicyValue]:
    """P1: every value in force at a division on a date (the row value() would pick for each
    name), in one query."""
    rows = PolicyValue.objects.filter(division_id__in=ancestor_codes(division_code), valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=on)).select_related("division")
    best: dict[str, PolicyValue] = {}
    for row in rows:
        held = best.get(row.name)
        if held is None or (level_of_code(row.division_id), row.valid_from) > (level_of_code(held.division_id), held.valid_from):
            best[row.name] = row
    return [best[name] for name in sorted(best)]


def value_history(name: str) -> list[PolicyValue]:
    """Every row of one name, in every division: what held where and from when."""
    return list(PolicyValue.objects.filter(name=name).select_related("division").order_by("division_id", "valid_from", "id")[:HISTORY_LIMIT])


def policy_names() -> list[str]:
    names = {n for rs in RULE_SETS.values() for n in rs.values}
    names.update(PolicyValue.objects.order_by("name").values_list("name", flat=True).distinct())
    return sorted(names)


def adoptions(limit: int = 200) -> list[dict]:
    """Where each shipped set is in force and from when: one line per set, division and start
    (carried rows, which end on an adoption date, are not adoptions)."""
    rows = (PolicyValue.objects.filter(rule_set__in=list(RULE_SETS), valid_to__isnull=True)
            .values("rule_set", "division_id", "division__name", "valid_from").annotate(n=Count("id"))
            .order_by("division_id", "valid_from", "rule_set"))
    return [{"rule_set": r["rule_set"], "division": r["division_id"], "division_name": r["division__name"], "valid_from": r["valid_from"], "count": r["n"]}
            for r in rows[:limit]]


# ---------------------------------------------------------------- calendar

def calendar_years() -> list[dict]:
    counts = {(r["year_id"], r["kind"]): r["n"] for r in CalendarDay.objects.values("year_id", "kind").annotate(n=Count("date"))}
    return [{"year": y.year, "source": y.source, "loaded_at": y.loaded_at, "loaded_by": y.loaded_by,
             "holidays": counts.get((y.year, DayKind.HOLIDAY), 0), "workdays": counts.get((y.year, DayKind.WORKDAY), 0)}
            for y in CalendarYear.objects.order_by("year")]


def holiday_name(name: str) -> str:
    return HOLIDAY_NAMES.get(name, name)


def exceptions_of(year: int) -> list[CalendarDay]:
    days = list(CalendarDay.objects.filter(year_id=year).order_by("date"))
    for d in days:
        d.display_name = holiday_name(d.name)
    return days


def month_grids(year: int) -> list[dict]:
    """Twelve months of a loaded year, week by week (Monday first), each day with its kind:
    holiday, workday (make-up), rest (weekend) or plain (weekday)."""
    exceptions = {d.date: d for d in exceptions_of(year)}
    months = []
    weeks_of = pycalendar.Calendar(firstweekday=0).monthdatescalendar
    for month in range(1, 13):
        weeks = []
        for week in weeks_of(year, month):
            cells = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                ex = exceptions.get(day)
                kind = ex.kind if ex else ("rest" if day.weekday() >= 5 else "plain")
                cells.append({"date": day, "kind": kind, "name": ex.display_name if ex else ""})
            weeks.append(cells)
        months.append({"month": month, "weeks": weeks})
    return months
