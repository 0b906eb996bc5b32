"""Part 11 (篇十一, 乡(镇)计生办 注: 按县定时间准时提交和回复信息，完成县定提交信息任务数，信息回复率100%):
the county sets each of its townships' submission tasks, as a service (invariant 1).

A task says how many messages the township submits a period (a month, a quarter, or the
family-planning statistical year that ends on 30 September), by which day of the period's last
month they are due (按县定时间: `due_day`, none = the period's last day; a message sent later in the
period is late and does not count for the task), which kinds of message count (none
named: every kind a township writes itself, not answers, reports or bulletins), and the reply-rate
target (part 11: 100%). It begins on the first day of a period of its kind, never before the
period holding today (the past is not rewritten); a task is never changed: a new one from a later
period replaces it from then on (history kept), and one township has one task a starting day.

Who: a county's officers (approve_reports at a county) for the townships of their county; the
system (the demo, a command). Bad input (a negative number, a township of another county, a day
that does not begin a period of the kind, an unknown kind, a target outside 0-1) is a field
error on every bad field at once, and nothing is written.
"""
import datetime

from django.db import transaction

from liudong import fields
from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import is_system, require
from liudong.codes import Level
from liudong.divisions.models import Division
from liudong.errors import Denied, Invalid
from liudong.exchange.models import Kind

from . import periods
from .choices import TaskPeriod
from .models import SubmissionTask

# The kinds a township writes itself; answers (reply) count for the reply rate, and reports and
# bulletins are made by the system.
COUNTABLE_KINDS = [k.value for k in Kind if k not in (Kind.REPLY, Kind.REPORT, Kind.BULLETIN)]
MESSAGES_MAX = 100_000
NOTE_MAX = 200
QUARTER_MONTHS = (1, 4, 7, 10)
NOT_OUR_TOWNSHIP = "应为本县的乡镇（街道）代码 / must be a township of your county"


def window(kind: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The period of `kind` that holds `day`: its month, its quarter, or its statistical year."""
    first = day.replace(day=1)
    if kind == TaskPeriod.MONTH:
        return first, periods.month_end(first)
    if kind == TaskPeriod.QUARTER:
        start = first.replace(month=(first.month - 1) // 3 * 3 + 1)
        return start, periods.month_end(start.replace(month=start.month + 2))
    _, start, end = periods.statistical_year(first)
    return start, end


def deadline(task, start: datetime.date, end: datetime.date) -> datetime.date:
    """Part 11 (按县定时间): the day by which the messages of the window [start, end] are due: the
    task's due day of the window's last month (the month's last day when the month is shorter),
    or the window's last day when the task names none."""
    day = getattr(task, "due_day", None)
    if not day:
        return end
    return end.replace(day=min(day, end.day))


def _due_day(data, errors) -> int | None:
    raw = data.get("due_day")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
            raise ValueError
        day = int(str(raw).strip()) if not isinstance(raw, (int, float)) else int(raw)
    except (TypeError, ValueError):
        day = 0
    if not 1 <= day <= 31:
        fields.add(errors, "due_day", "截止日应为1到31之间的整数（期间最后一个月的某日；不填即期末） / the due day is a whole number from 1 to 31 "
                                      "(a day of the period's last month; empty: the period's last day)")
        return None
    return day


def _township(actor, data, errors) -> Division | None:
    code = fields.division_code(data, "division", errors)
    if code is None:
        return None
    found = Division.objects.filter(code=code, level=Level.TOWNSHIP).first()
    if found is None or not (is_system(actor) or found.parent_id == actor.division_id):
        fields.add(errors, "division", NOT_OUR_TOWNSHIP)
        return None
    return found


def _messages(data, errors) -> int | None:
    raw = data.get("messages")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        fields.add(errors, "messages", fields.REQUIRED)
        return None
    try:
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
            raise ValueError
        n = int(str(raw).strip()) if not isinstance(raw, (int, float)) else int(raw)
    except (TypeError, ValueError):
        fields.add(errors, "messages", "应为整数 / must be a whole number")
        return None
    if not 0 <= n <= MESSAGES_MAX:
        fields.add(errors, "messages", f"应在0到{MESSAGES_MAX}之间（不能为负） / between 0 and {MESSAGES_MAX} (not negative)")
        return None
    return n


def _kinds(data, errors) -> list[str]:
    raw = data.get("kinds") or []
    if isinstance(raw, str):
        raw = [k for k in raw.replace("，", ",").split(",") if k.strip()]
    if not isinstance(raw, (list, tuple)) or not all(isinstance(k, str) for k in raw):
        fields.add(errors, "kinds", "应为函件种类的列表 / must be a list of message kinds")
        return []
    kinds = list(dict.fromkeys(k.strip() for k in raw))
    wrong = [k for k in kinds if k not in COUNTABLE_KINDS]
    if wrong:
        fields.add(errors, "kinds", f"不能计入的函件种类：{', '.join(wrong)[:80]} / kinds that cannot count: {', '.join(wrong)[:80]} "
                                    f"(one of {', '.join(COUNTABLE_KINDS)})")
        return []
    return kinds


def _target(data, errors) -> float | None:
    raw = data.get("reply_target")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return 1.0
    try:
        if isinstance(raw, bool):
            raise ValueError
        value = float(str(raw).strip())
    except ValueError:
        value = None
    if value is None or not 0 < value <= 1:
        fields.add(errors, "reply_target", "反馈率目标应为大于0、不超过1的数（1即100%） / the reply target is a number above 0 and at most 1 (1 = 100%)")
        return None
    return round(value, 4)


def _valid_from(data, errors, kind: str, today: datetime.date) -> datetime.date | None:
    day = fields.date(data, "valid_from", errors, required=True)
    if day is None or kind not in TaskPeriod.values:
        return None
    if window(kind, day)[0] != day:
        first = {TaskPeriod.MONTH: "某月1日 the 1st of a month", TaskPeriod.QUARTER: "季度首日（1、4、7、10月1日） the 1st of January, April, July or October",
                 TaskPeriod.YEAR: "统计年度首日（10月1日） 1 October, the statistical year's first day"}[kind]
        zh, en = first.split(" ", 1)
        fields.add(errors, "valid_from", f"起始日期应为{zh} / the task begins on {en}")
        return None
    if day < window(kind, today)[0]:
        fields.add(errors, "valid_from", f"起始日期不能早于本期（{window(kind, today)[0]}）：已过的期间不改写 / a task begins in the current period "
                                         f"({window(kind, today)[0]}) or later: past periods are not rewritten")
        return None
    return day


@transaction.atomic
def set_task(*, actor, data, now: datetime.datetime, today: datetime.date) -> SubmissionTask:
    """Part 11: a county sets a township's submission task from a period's first day."""
    if not is_system(actor):
        require(actor, Action.APPROVE_REPORTS)
        if actor.division is None or actor.division.level != Level.COUNTY:
            raise Denied("提交信息任务由县级设定 / a county sets its townships' submission tasks")
    errors: dict[str, list[str]] = {}
    township = _township(actor, data, errors)
    kind = fields.choice(data, "period", errors, choices=TaskPeriod.values, required=True,
                         invalid="周期应为 month、quarter 或 year / the period is month, quarter or year")
    messages = _messages(data, errors)
    kinds = _kinds(data, errors)
    target = _target(data, errors)
    due_day = _due_day(data, errors)
    valid_from = _valid_from(data, errors, kind, today)
    note = fields.text(data, "note", errors, max_length=NOTE_MAX)
    if township is not None and valid_from is not None and SubmissionTask.objects.filter(township=township, valid_from=valid_from).exists():
        fields.add(errors, "valid_from", "该乡镇此日已有任务：请从之后的期间起调整 / this township has a task from that day: change it from a later period")
    if errors:
        raise Invalid(errors)
    task = SubmissionTask.objects.create(township=township, valid_from=valid_from, period=kind, messages=messages, kinds=kinds, reply_target=target,
                                         due_day=due_day, note=note, set_by=actor if getattr(actor, "pk", None) else None, set_at=now)
    record(actor, "submission_task.set", obj=task, fields={"township": township.code, "valid_from": valid_from.isoformat(), "period": kind,
                                                           "messages": messages, "kinds": kinds, "reply_target": target,
                                                           "due_day": due_day})
    return task
