"""T1, T2 (issue 14): every write of the monthly reports: closing a month (figures computed and
stored for every division), submitting, approving and returning, each in one transaction with
its step (ReportStep) and its audit event.

Who acts (T1, J3): a division's own staff submit its report (a township submits for a village
that has no staff account able to); the division one level up approves or returns it, with a
reason the lower level sees. A division submits only when every child's report is approved. An
approved report's figures are frozen; a return reopens it (refused while the parent's own
report is submitted or approved: that one is returned first). From the township up, a submitted
report passes up to the parent as an exchange message of kind `report` (villages stay inside
their township).
"""
import datetime
import json

from django.db import transaction
from django.utils import timezone

from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.models import Staff
from liudong.accounts.permissions import in_scope, is_system, require
from liudong.codes import Level
from liudong.divisions.models import Division
from liudong.divisions.queries import in_range
from liudong.errors import Denied, Invalid, NotFound
from liudong.exchange.models import Kind
from liudong.exchange.services import send_system
from liudong.federation import handlers_reports
from liudong.policy.services import PolicyMissing, value

from . import figures, periods
from .choices import WRONG_STATE, Act, State, next_state
from .models import Report, ReportStep

REASON_MAX = 500
LEVEL_NAMES = {0: "nation", 1: "province", 2: "city", 3: "county", 4: "township", 5: "village"}
# P1: the day of the following month by which each level's report is due.
DUE_DAY_POLICY = "statistics.due_day.{}"


def due_on(division: Division, period: datetime.date) -> datetime.date | None:
    """T1: the due day of the division's level (policy statistics.due_day.<level>) in the month
    after the period; None where no value is in force."""
    try:
        day = int(value(DUE_DAY_POLICY.format(LEVEL_NAMES[division.level]), division.code, on=periods.month_end(period)))
    except PolicyMissing:
        return None
    following = periods.next_month(period)
    return following.replace(day=max(1, min(day, periods.month_end(following).day)))


def due_dates(divisions, period: datetime.date) -> dict[str, datetime.date | None]:
    """`due_on` of many divisions at once (the month close: every division of a province), from
    one read of the due-day policy rows in force: the same choice as policy.services.value (the
    most specific jurisdiction, then the latest start)."""
    from django.db.models import Q

    from liudong.codes import level_of_code
    from liudong.policy.models import PolicyValue
    from liudong.policy.services import ancestor_codes

    end = periods.month_end(period)
    names = {level: DUE_DAY_POLICY.format(name) for level, name in LEVEL_NAMES.items()}
    by_place: dict[tuple[str, str], list] = {}
    for name, code, start, day in (PolicyValue.objects.filter(name__in=list(names.values()), valid_from__lte=end)
                                   .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=end)).values_list("name", "division_id", "valid_from", "value")):
        by_place.setdefault((name, code), []).append((level_of_code(code), start, day))
    following = periods.next_month(period)
    last = periods.month_end(following).day
    out = {}
    for d in divisions:
        rows = [r for a in ancestor_codes(d.code) for r in by_place.get((names[d.level], a), ())]
        out[d.code] = following.replace(day=max(1, min(int(max(rows)[2]), last))) if rows else None
    return out


def _local(now: datetime.datetime) -> datetime.date:
    return timezone.localtime(now).date()


def division_in_scope(*, actor, code) -> Division:
    """The division of a report in the actor's subtree; NotFound for unknown and out-of-scope alike."""
    code = str(code or "").strip()
    division = Division.objects.filter(code=code).first() if len(code) == 12 and code.isdigit() else None
    if division is None or not in_scope(actor, division.code):
        raise NotFound("区划不存在或不在您的管辖范围内 / no such division in your scope")
    return division


def _step(report: Report, act: str, *, actor, now, reason: str = "", figures_: dict | None = None):
    ReportStep.objects.create(report=report, act=act, at=now, on=_local(now), actor=actor if getattr(actor, "pk", None) else None,
                              actor_division=getattr(actor, "division_id", "") or "", state=report.state, reason=reason, figures=figures_ or {})


def _audit(actor, act: str, report: Report, **extra):
    record(actor, f"report.{act}", obj=report, fields={"division": report.division_id, "period": periods.label(report.period), "state": report.state, **extra})


def _locked_report(division: Division, period: datetime.date) -> Report:
    report, _ = Report.objects.get_or_create(division=division, period=period, defaults={"due_on": due_on(division, period)})
    return Report.objects.select_for_update().get(pk=report.pk)


def _move(report: Report, act: str):
    state = next_state(report.state, act)
    if state is None:
        raise Invalid({"state": [WRONG_STATE[act]]})
    report.state = state


def village_without_staff(division: Division) -> bool:
    """J3: a village nobody can submit for but its township (no active account there that may)."""
    return not any(s.can(Action.SUBMIT_REPORTS) for s in Staff.objects.filter(division_id=division.code, is_active=True))


def children_not_approved(division: Division, period: datetime.date) -> list[Division]:
    """T1: the children whose report is not approved. A child on another node (issue 16) has its
    report here as its node sent it (services_remote.mirror) with this level's decision on it."""
    approved = set(Report.objects.filter(division__parent_id=division.code, period=period, state=State.APPROVED).values_list("division_id", flat=True))
    return [c for c in Division.objects.filter(parent_id=division.code).order_by("code") if c.code not in approved]


@transaction.atomic
def submit(*, actor, division_code, period, now: datetime.datetime) -> Report:
    """T1: submit the report of the month (its figures computed now, as of the month's end)."""
    require(actor, Action.SUBMIT_REPORTS)
    division = division_in_scope(actor=actor, code=division_code)
    today = _local(now)
    first = periods.parse(period, today=today, ended=True)
    own = is_system(actor) or actor.division_id == division.code
    for_village = (not is_system(actor) and division.level == Level.VILLAGE and actor.division_id == division.parent_id
                   and village_without_staff(division))
    if not (own or for_village):
        raise Denied("只能报送本级的报表（乡镇可为无账号的村代报） / you submit your own division's report (a township for a village without staff)")
    report = _locked_report(division, first)
    _move(report, Act.SUBMIT)
    missing = children_not_approved(division, first)
    if missing:
        names = "、".join(c.name for c in missing[:10]) + ("等" if len(missing) > 10 else "")
        raise Invalid({"children": [f"下级报表尚未全部审核通过：{names} / not every child's report is approved yet ({len(missing)} missing)"]})
    report.figures = figures.compute(division.code, first, periods.month_end(first))
    report.computed_at = report.submitted_at = now
    report.submitted_on = today
    report.first_submitted_on = report.first_submitted_on or today
    report.submitted_by = actor if getattr(actor, "pk", None) else None
    report.due_on = due_on(division, first)
    report.return_reason = ""
    if division.parent_id is None:
        # The nation's report has no level above it: submitting it is its approval.
        report.state, report.approved_at, report.approved_by = State.APPROVED, now, report.submitted_by
    elif division.level <= Level.TOWNSHIP:
        # T1, X2: from the township up, the report passes up as an exchange message.
        parent = Division.objects.get(code=division.parent_id)
        body = json.dumps({"division": division.code, "period": periods.label(first), "figures": report.figures}, ensure_ascii=False)
        message = send_system(actor=actor, sender=division, receiver=parent, kind=Kind.REPORT, person=None,
                              subject=f"{division.name} {periods.label(first)} 统计月报", body=body, now=now)
        report.message_id = message.pk
    report.save()
    _step(report, Act.SUBMIT, actor=actor, now=now, figures_=report.figures)
    _audit(actor, "submit", report, on_time=report.due_on is None or today <= report.due_on)
    return report


def _parent_acts(actor, division: Division):
    """T1: only the level directly above approves or returns a report."""
    if is_system(actor):
        return
    if division.parent_id != actor.division_id:
        raise Denied("只有上一级可以审核或退回本报表 / only the level directly above approves or returns this report")


def tell_child(report: Report, act: str, *, reason: str = "", now: datetime.datetime) -> bool:
    """Issue 16: inside approve / return_report, a report mirrored from another node
    (services_remote.mirror) gets the decision back there, a `report` envelope in this act's
    transaction. False when the report is this node's own."""
    division = report.division
    if not handlers_reports.elsewhere(division.code, _local(now)):
        return False
    return handlers_reports.send_decision(division=division.code, parent=division.parent_id, period=periods.label(report.period), act=act,
                                          reason=reason, figures=report.figures, submission=handlers_reports.received_id(report.message_id), at=now)


@transaction.atomic
def approve(*, actor, division_code, period, now: datetime.datetime) -> Report:
    """T1: the level above approves a submitted report; its figures are frozen from now on."""
    require(actor, Action.APPROVE_REPORTS)
    division = division_in_scope(actor=actor, code=division_code)
    first = periods.parse(period, today=_local(now), ended=True)
    _parent_acts(actor, division)
    report = _locked_report(division, first)
    _move(report, Act.APPROVE)
    report.approved_at, report.approved_by = now, actor if getattr(actor, "pk", None) else None
    report.save()
    _step(report, Act.APPROVE, actor=actor, now=now, figures_=report.figures)
    _audit(actor, "approve", report)
    # Issue 16: a report passed up from another node learns its approval there.
    tell_child(report, Act.APPROVE, now=now)
    return report


@transaction.atomic
def return_report(*, actor, division_code, period, reason, now: datetime.datetime) -> Report:
    """T1: the level above returns a submitted (or approved) report with a reason the lower level
    sees; the report is reopened for correction and a new submission."""
    require(actor, Action.APPROVE_REPORTS)
    division = division_in_scope(actor=actor, code=division_code)
    first = periods.parse(period, today=_local(now), ended=True)
    text = str(reason or "").strip() if isinstance(reason, str) or reason is None else None
    if not text:
        raise Invalid({"reason": ["请写明退回原因 / give the reason for the return"]})
    if len(text) > REASON_MAX:
        raise Invalid({"reason": [f"退回原因最多 {REASON_MAX} 字 / at most {REASON_MAX} characters"]})
    _parent_acts(actor, division)
    report = _locked_report(division, first)
    was = report.state
    _move(report, Act.RETURN)
    if was == State.APPROVED and division.parent_id:
        parent = Report.objects.filter(division_id=division.parent_id, period=first).first()
        if parent is not None and parent.state in (State.SUBMITTED, State.APPROVED):
            raise Invalid({"state": ["上一级报表已报送，需先由其上级退回 / the level above has submitted its own report: it must be returned first"]})
    report.return_reason = text
    report.approved_at = report.approved_by = None
    report.save()
    _step(report, Act.RETURN, actor=actor, now=now, reason=text)
    _audit(actor, "return", report, reason=text)
    tell_child(report, Act.RETURN, reason=text, now=now)
    return report


@transaction.atomic
def close_month(*, actor=None, period, now: datetime.datetime, root: str = "000000000000") -> dict:
    """T2: the month closes: every division of the subtree of `root` gets its report row with its
    figures computed as of the month's end and stored (reports submitted or approved keep theirs);
    the live figures of every report are stored beside them (`live`, for the levels above the
    township, whose pages read them). Idempotent: a second run recomputes the open ones. The
    scheduled task (statistics.tasks) and `liudong statistics close` call it."""
    if not is_system(actor):
        raise Denied("月结由系统定时任务或命令执行 / the month is closed by the scheduled task or the command")
    today = _local(now)
    first = periods.parse(period, today=today, ended=True)
    end = periods.month_end(first)
    tree, year_trees = _trees(root, first, end)
    divisions = list(Division.objects.filter(in_range("code", root)).only("code", "level", "parent_id"))
    existing = {r.division_id: r for r in Report.objects.filter(in_range("division_id", root), period=first)}
    dues = due_dates([d for d in divisions if d.code not in existing], first)
    new, changed = [], []
    for d in divisions:
        report = existing.get(d.code)
        if report is not None and mirrored_elsewhere(report, today):
            # Issue 16: a child's report mirrored from its own node keeps what that node sent
            # (this database holds none of its people: a count here would be zeros).
            continue
        f = figures.figures_of(d.code, tree)
        years = _years_of(d.code, f, year_trees)
        rv = figures.reviewed_of(d.code, tree)
        if report is None:
            new.append((d.code, f, years, rv))
        else:
            reopen = report.state in (State.OPEN, State.RETURNED)
            changed.append((report.pk, f if reopen else report.figures, now if reopen else report.computed_at, f, years, rv))
    _write_close(first, now, today, root, new, changed, dues)
    record(actor, "report.close_month", object_type="report", fields={"period": periods.label(first), "root": root, "created": len(new), "updated": len(changed)})
    return {"period": periods.label(first), "created": len(new), "updated": len(changed)}



def _insert(connection, model, rows: list[dict]):
    """executemany of `rows` ({column: adapted value}); every other column gets its field's
    default, adapted once (so a column added later with a default is filled as the ORM would)."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.column: f.get_db_prep_save(f.get_default(), connection) for f in fields}
    columns = [f.column for f in fields]
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as c:
        c.executemany(f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})",
                      [[row.get(col, defaults[col]) for col in columns] for row in rows])


def _write_close(first, now, today, root, new, changed, dues):
    """The month close's writes in a few statements: the reports of a province are some 13,000
    rows with three JSON columns each, which the ORM's bulk_create and bulk_update spend most of
    a close preparing field by field; here each value is adapted once (connection.ops) and the
    rows go in with executemany."""
    from django.db import connection

    ops = connection.ops
    js = lambda v: ops.adapt_json_value(v, None)  # noqa: E731
    at, on, day = ops.adapt_datetimefield_value(now), ops.adapt_datefield_value(today), ops.adapt_datefield_value(first)
    _insert(connection, Report, [{"division_id": code, "period": day, "state": State.OPEN, "figures": js(f), "computed_at": at, "live": js(f), "live_at": at,
                                  "years": js(years), "reviewed": js(rv), "due_on": ops.adapt_datefield_value(dues[code])} for code, f, years, rv in new])
    if changed:
        with connection.cursor() as c:
            c.executemany(f"UPDATE {ops.quote_name(Report._meta.db_table)} SET figures = %s, computed_at = %s WHERE id = %s",
                          [(js(f), ops.adapt_datetimefield_value(computed), pk) for pk, f, computed, _, _, _ in changed])
        _update_live([(pk, live, years, rv) for pk, _, _, live, years, rv in changed], now)
    if new:
        created = {code for code, _, _, _ in new}
        ids = [pk for code, pk in Report.objects.filter(in_range("division_id", root), period=first).values_list("division_id", "pk") if code in created]
        _insert(connection, ReportStep, [{"report_id": pk, "act": Act.CLOSE, "at": at, "on": on, "state": State.OPEN, "figures": js({})} for pk in ids])


def _update_live(rows, now: datetime.datetime):
    """Store (report id, live figures, years, reviewed shares) with one executemany (see _write_close)."""
    from django.db import connection

    ops = connection.ops
    at = ops.adapt_datetimefield_value(now)
    js = lambda v: ops.adapt_json_value(v, None)  # noqa: E731
    with connection.cursor() as c:
        c.executemany(f"UPDATE {ops.quote_name(Report._meta.db_table)} SET live = %s, live_at = %s, years = %s, reviewed = %s WHERE id = %s",
                      [(js(live), at, js(years), js(rv), pk) for pk, live, years, rv in rows])


def _trees(root: str, first: datetime.date, end: datetime.date) -> tuple:
    """T2, part 11: the month's figures of every division under `root` and the flows of the
    statistical year and of the calendar year up to `end` (figures.close_trees: set-based)."""
    years = [(kind, *span) for kind, span in (("statistical", periods.statistical_year(first)), ("calendar", periods.calendar_year(first)))]
    tree, flows = figures.close_trees(root, first, end, tuple(start for _, _, start, _ in years))
    return tree, [(kind, year, start, last, end, flows[start]) for kind, year, start, last in years]


def _years_of(code: str, month: dict, year_trees: list) -> list[dict]:
    return [{"kind": kind, "year": year, "start": start.isoformat(), "end": last.isoformat(), "to": end.isoformat(),
             "figures": figures.year_figures(month, figures.figures_of(code, tree))} for kind, year, start, last, end, tree in year_trees]


def mirrored_elsewhere(report: Report, today: datetime.date) -> bool:
    """A report that came from the child's own node (issue 16: mirrored with its message) of a
    division held by another node: its figures are that node's to count."""
    return report.message_id is not None and report.submitted_by_id is None and handlers_reports.elsewhere(report.division_id, today)


def refresh_live(*, now: datetime.datetime, months: int = 3) -> int:
    """The nightly refresh of `live` on the reports of the last `months` closed months, one
    subtree pass per month (the pages above the township read these)."""
    today = _local(now)
    first = periods.previous_month(today)
    done = 0
    for _ in range(months):
        reports = list(Report.objects.filter(period=first).only("id", "division_id", "message_id", "submitted_by_id"))
        if reports:
            end = periods.month_end(first)
            tree, year_trees = _trees("000000000000", first, end)
            rows = []
            for r in reports:
                if mirrored_elsewhere(r, today):
                    continue  # its node's figures, as mirrored
                pk, code = r.pk, r.division_id
                live = figures.figures_of(code, tree)
                rows.append((pk, live, _years_of(code, live, year_trees), figures.reviewed_of(code, tree)))
            with transaction.atomic():
                _update_live(rows, now)
            done += len(rows)
        first = periods.previous_month(first)
    return done
