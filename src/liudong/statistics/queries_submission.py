"""Part 11: reading the townships' submission tasks and their progress (scoped: 404 outside the
actor's subtree). Counts of messages only, no person.

Progress of a township for a month `YYYY-MM`: the task in force on the month's first day gives
the window (that month, the quarter holding it, or the statistical year holding it), counted up to
the window's end or today:

- messages_sent: messages the township's places (the township and its villages) sent in the window
  (`sent_on`) by the task's deadline (按县定时间: services_submission.deadline, the due day of the
  window's last month, else its last day), of the task's kinds (none named:
  services_submission.COUNTABLE_KINDS); a draft not sent does not count, a message sent and later
  withdrawn does; messages_late: those sent in the window after the deadline (shown, not counted);
- task_met: messages_sent >= the task's number (null without a task);
- reply: the requests the township received in the window (exchange.timeliness, as receiver:
  expected, answered, on time, reply and on-time rates); reply_met: reply_rate >= the task's
  target (null without a task or without requests owed).

A county's progress lists each of its townships side by side. `fulfilment` gives the assessment's
indicator: of the task windows that ended within the statistical year (up to a day), the share met.
"""
import datetime

from django.db.models import Count
from django.db.models.functions import Substr

from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.codes import Level
from liudong.divisions.models import Division
from liudong.divisions.queries import in_range
from liudong.errors import Invalid
from liudong.exchange import timeliness
from liudong.exchange.models import Message

from . import periods, services
from .models import SubmissionTask
from .services_submission import COUNTABLE_KINDS, deadline, window


def tasks(*, actor, division_code):
    """The task history of a township, or of every township of a county (newest start first)."""
    require(actor, Action.VIEW_REPORTS)
    division = services.division_in_scope(actor=actor, code=division_code)
    qs = SubmissionTask.objects.select_related("township", "set_by").order_by("township_id", "-valid_from", "-id")
    if division.level == Level.TOWNSHIP:
        return qs.filter(township=division)
    return qs.filter(in_range("township_id", division.code))


def in_force(tasks_of_township: list[SubmissionTask], day: datetime.date) -> SubmissionTask | None:
    """The task that began last on or before `day` (tasks sorted by valid_from, any order)."""
    started = [t for t in tasks_of_township if t.valid_from <= day]
    return max(started, key=lambda t: (t.valid_from, t.pk)) if started else None


def _townships(division: Division) -> list[Division]:
    if division.level == Level.TOWNSHIP:
        return [division]
    if division.level == Level.COUNTY:
        return list(Division.objects.filter(parent_id=division.code, level=Level.TOWNSHIP).order_by("code"))
    raise Invalid({"division": ["提交信息任务针对乡镇和县 / submission tasks are a township's, seen by it and its county"]})


def sent_counts(root: str, start: datetime.date, end: datetime.date) -> dict[tuple[str, datetime.date, str], int]:
    """{(township code, day sent, kind): messages sent} in [start, end] from the subtree of `root`:
    one grouped pass over the senders' index (message_sent_on), by day (a task's deadline may fall
    inside its period: 按县定时间)."""
    rows = (Message.objects.filter(in_range("sender_id", root), sent_on__gte=start, sent_on__lte=end, kind__in=COUNTABLE_KINDS)
            .annotate(township=Substr("sender_id", 1, 9))
            .values("township", "sent_on", "kind").annotate(n=Count("id")).order_by()
            .values_list("township", "sent_on", "kind", "n"))
    out: dict = {}
    for township, day, kind, n in rows:
        key = (township.ljust(12, "0"), day, kind)
        out[key] = out.get(key, 0) + n
    return out


def _sent(counts: dict, township: str, task: SubmissionTask, start: datetime.date, end: datetime.date) -> int:
    kinds = set(task.kinds or COUNTABLE_KINDS)
    return sum(n for (code, day, kind), n in counts.items() if code == township and start <= day <= end and kind in kinds)


def _rate(part, whole):
    return round(part / whole, 4) if whole else None


def task_out(t: SubmissionTask | None) -> dict | None:
    if t is None:
        return None
    return {"id": t.pk, "division": t.township_id, "name": t.township.name, "valid_from": t.valid_from, "period": t.period, "messages": t.messages,
            "kinds": list(t.kinds or []), "reply_target": t.reply_target, "due_day": t.due_day, "note": t.note, "set_at": t.set_at,
            "set_by": getattr(t.set_by, "username", "") or ""}


def progress(*, actor, division_code, period, now: datetime.datetime) -> dict:
    """Part 11: the progress of a township (or of each township of a county) in the window of its
    task holding the month `period` (YYYY-MM)."""
    from django.utils import timezone

    require(actor, Action.VIEW_REPORTS)
    division = services.division_in_scope(actor=actor, code=division_code)
    today = timezone.localtime(now).date()
    first = periods.parse(period, today=today)
    townships = _townships(division)
    history: dict[str, list] = {}
    for t in SubmissionTask.objects.filter(township_id__in=[d.code for d in townships]).select_related("township", "set_by"):
        history.setdefault(t.township_id, []).append(t)
    plans = []
    for d in townships:
        task = in_force(history.get(d.code, []), first)
        start, end = window(task.period, first) if task else (first, periods.month_end(first))
        plans.append((d, task, start, end, min(end, today)))
    counts = sent_counts(division.code, min(p[2] for p in plans), max(p[4] for p in plans)) if plans else {}
    replies: dict[tuple, dict] = {}
    rows = []
    for d, task, start, end, to in plans:
        key = (start, to)
        if key not in replies:
            t3 = timeliness.figures(actor=None, division_code=division.code, start=start, end=to, today=today)
            replies[key] = {g["code"]: g["as_receiver"] for g in t3["by_division"]} if division.level == Level.COUNTY else {division.code: t3["as_receiver"]}
        r = replies[key].get(d.code) or timeliness.receiver_figures({})
        due = deadline(task, start, end) if task else None
        sent = _sent(counts, d.code, task, start, min(due, to)) if task else None
        late = _sent(counts, d.code, task, due + datetime.timedelta(days=1), to) if task and due < to else (0 if task else None)
        rows.append({
            "division": d.code, "name": d.name, "task": task_out(task), "start": start, "end": end, "to": to,
            "deadline": due, "messages_sent": sent, "messages_late": late, "messages_task": task.messages if task else None,
            "task_rate": _rate(sent, task.messages) if task else None,
            "task_met": (sent >= task.messages) if task else None,
            "reply": {k: r[k] for k in ("expected", "answered", "on_time", "overdue", "reply_rate", "on_time_rate")},
            "reply_target": task.reply_target if task else None,
            "reply_met": None if task is None or r["reply_rate"] is None else r["reply_rate"] >= task.reply_target,
        })
    with_task = [r for r in rows if r["task"]]
    return {"division": division.code, "name": division.name, "level": division.level, "period": periods.label(first), "today": today,
            "townships": rows, "with_task": len(with_task), "task_met": sum(1 for r in with_task if r["task_met"]),
            "reply_met": sum(1 for r in with_task if r["reply_met"])}


def fulfilment(division: Division, start: datetime.date, to: datetime.date) -> dict:
    """T3 (part 11): of the task windows of the division's townships that began on or after
    `start` and ended by `to`, how many were met (messages sent >= the task's number)."""
    townships = _townships(division)
    history: dict[str, list] = {}
    for t in SubmissionTask.objects.filter(township_id__in=[d.code for d in townships]):
        history.setdefault(t.township_id, []).append(t)
    windows = set()
    month = start
    while periods.month_end(month) <= to:
        for d in townships:
            task = in_force(history.get(d.code, []), month)
            if task is not None:
                w = window(task.period, month)
                # a window counts when it lies in the year and the same task holds it to its end
                if w[0] >= start and w[1] <= to and in_force(history[d.code], w[1].replace(day=1)) is task:
                    windows.add((d.code, task.pk, w))
        month = periods.next_month(month)
    by_pk = {t.pk: t for ts in history.values() for t in ts}
    counts = sent_counts(division.code, start, to) if windows else {}
    met = sum(1 for code, pk, (s, e) in windows if _sent(counts, code, by_pk[pk], s, deadline(by_pk[pk], s, e)) >= by_pk[pk].messages)
    return {"windows": len(windows), "met": met, "value": _rate(met, len(windows))}
