"""T1, T2 (issue 14): every read of the monthly reports, scoped to the actor's subtree (404 for a
division outside it, as for an unknown one). Reports hold counts only, no person: reading them is
not a read of a person (invariant 3 logs those).

`report(actor, division_code, period, now)`: the stored figures, the live ones (as of the
period's end, counted now; for the levels above the township, as of the last scheduled run,
`live_at`), their difference, the children with their state and dates, the reporting and on-time
rates of the children, and the year's figures (statistical year and calendar year up to the
period's end, counted now).
"""
import datetime

from django.utils import timezone

from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.codes import Level
from liudong.divisions.models import Division

from . import figures, periods, services
from .choices import State
from .models import Report

# Above the township a live count would read a whole county or province on each request: those
# pages show the live figures of the last scheduled run (Report.live).
LIVE_ON_REQUEST_FROM_LEVEL = Level.TOWNSHIP


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def children_rows(division: Division, first: datetime.date) -> list[dict]:
    """The children's reports, in a fixed number of queries whatever the number of children (issue
    14: the page of a township with 30 villages makes as many queries as one with 3)."""
    from liudong.accounts.models import Staff

    reports = {r.division_id: r for r in Report.objects.filter(division__parent_id=division.code, period=first)
               .only("division_id", "state", "submitted_at", "first_submitted_on", "due_on", "return_reason", "figures")}
    children = list(Division.objects.filter(parent_id=division.code).order_by("code"))
    # J3: the villages whose township submits for them (no active account there that may submit:
    # services.village_without_staff, for all the villages in one read).
    unstaffed = set()
    if division.level == Level.TOWNSHIP:
        able = set()
        for s in Staff.objects.filter(division_id__in=[c.code for c in children if c.level == Level.VILLAGE], is_active=True):
            if s.can(Action.SUBMIT_REPORTS):
                able.add(s.division_id)
        unstaffed = {c.code for c in children if c.level == Level.VILLAGE and c.code not in able}
    dues = services.due_dates([c for c in children if not (reports.get(c.code) and reports[c.code].due_on)], first)
    rows = []
    for child in children:
        r = reports.get(child.code)
        due = r.due_on if r is not None and r.due_on else dues.get(child.code)
        submitted = r is not None and r.first_submitted_on is not None
        rows.append({
            "division": child.code, "name": child.name, "level": child.level, "retired": child.retired, "edition": child.edition,
            "state": r.state if r is not None else State.OPEN,
            "submitted_at": r.submitted_at if r is not None else None,
            "first_submitted_on": r.first_submitted_on if r is not None else None,
            "due_on": due, "return_reason": (r.return_reason if r is not None else "") or "",
            "on_time": submitted and (due is None or r.first_submitted_on <= due),
            "figures": (r.figures if r is not None else {}) or {},
            "township_submits": child.code in unstaffed,
        })
    return rows


def rates(rows: list[dict]) -> dict:
    """T1 (DHIS2's reporting rates): of the children, the share that submitted (submitted or
    approved now), that first submitted by the due day, and that are approved."""
    n = len(rows)
    submitted = sum(1 for r in rows if r["state"] in (State.SUBMITTED, State.APPROVED))
    on_time = sum(1 for r in rows if r["on_time"])
    approved = sum(1 for r in rows if r["state"] == State.APPROVED)
    return {"children": n, "submitted": submitted, "on_time": on_time, "approved": approved,
            "reporting_rate": _rate(submitted, n), "on_time_rate": _rate(on_time, n), "approved_rate": _rate(approved, n)}


def report(*, actor, division_code, period, now: datetime.datetime, years: bool = True) -> dict:
    require(actor, Action.VIEW_REPORTS)
    division = services.division_in_scope(actor=actor, code=division_code)
    today = timezone.localtime(now).date()
    first = periods.parse(period, today=today)
    end = min(periods.month_end(first), today)
    row = Report.objects.filter(division=division, period=first).first()
    stored = (row.figures if row is not None else {}) or {}
    # Issue 16: a report mirrored from the division's own node is counted there, not here.
    mirrored = row is not None and bool(row.live) and services.mirrored_elsewhere(row, today)
    if not mirrored and (division.level >= LIVE_ON_REQUEST_FROM_LEVEL or row is None or not row.live):
        # Counted now, the R6 counts in the same passes (issue 14: one pass over the inflow for
        # the inflow, the women, the births and their review; people.figures.by_code).
        live, shares = figures.compute_reviewed(division.code, first, end)
        live_at = now
    else:
        live, live_at, shares = row.live, row.live_at, row.reviewed or {}
    children = children_rows(division, first)
    out = {
        "division": division.code, "name": division.name, "level": division.level, "period": periods.label(first),
        # Issue 14: a division gone from the newest list (已撤销) keeps its reports, marked with the
        # last edition that had it.
        "retired": division.retired, "edition": division.edition,
        "period_start": first, "period_end": periods.month_end(first),
        "state": row.state if row is not None else State.OPEN,
        "figures": stored, "live": live, "live_at": live_at, "difference": figures.difference(stored, live) if stored else {},
        "computed_at": row.computed_at if row is not None else None,
        "submitted_at": row.submitted_at if row is not None else None,
        "first_submitted_on": row.first_submitted_on if row is not None else None,
        "approved_at": row.approved_at if row is not None else None,
        "return_reason": (row.return_reason if row is not None else "") or "",
        "due_on": (row.due_on if row is not None and row.due_on else services.due_on(division, first)),
        "children": children, "rates": rates(children),
        "parent": division.parent_id,
        "reviewed": shares,
        "steps": list(row.steps.select_related("actor").order_by("at", "id")) if row is not None else [],
    }
    if years:
        # The year's figures are those of the last scheduled run where there is one (each is a pass
        # over a year of the subtree); a report not yet closed counts them now.
        if row is None or not row.years:
            out["years"], out["years_at"] = year_figures(division.code, first, today, month_live=live), None
        else:
            out["years"] = [dict(y, start=datetime.date.fromisoformat(y["start"]), end=datetime.date.fromisoformat(y["end"]),
                                 to=datetime.date.fromisoformat(y["to"])) for y in row.years]
            out["years_at"] = row.live_at
    return out


def year_kinds(first: datetime.date):
    return (("statistical", periods.statistical_year(first)), ("calendar", periods.calendar_year(first)))


def year_figures(code: str, first: datetime.date, today: datetime.date, month_live: dict | None = None) -> list[dict]:
    """T2, part 11: the statistical year (1 October - 30 September) and the calendar year holding
    the month, up to the month's end: stocks as of then (the month's live figures), flows
    (births, certificates, checks) since the year's first day."""
    end = min(periods.month_end(first), today)
    month_live = month_live if month_live is not None else figures.compute(code, first, end)
    out = []
    for kind, (year, start, last) in year_kinds(first):
        flows = figures.compute(code, start, end, flows_only=True)
        out.append({"kind": kind, "year": year, "start": start, "end": last, "to": end, "figures": figures.year_figures(month_live, flows)})
    return out


def trend(*, actor, division_code, months: int = 12, now: datetime.datetime) -> list[dict]:
    """The stored figures of the division's last `months` reports, oldest first (charts)."""
    require(actor, Action.VIEW_REPORTS)
    division = services.division_in_scope(actor=actor, code=division_code)
    rows = Report.objects.filter(division=division).order_by("-period")[:months]
    return [{"period": periods.label(r.period), "state": r.state, "figures": r.figures or {}} for r in reversed(list(rows))]
