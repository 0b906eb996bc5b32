"""T3: two-way assessment (双向考核) of how a division's places answer and how they are answered.

`figures(actor, division_code=..., start=..., end=..., today=...)` for any division in the actor's
subtree and a period [start, end] (both days included). The figures are counts of messages
(exchange.models.Message) and are the state of things as of `today`:

As RECEIVER (作为收函方) — requests whose receiver lies in the subtree, that expect an answer (they
have an answer-by date `reply_due_on`) and arrived (X5 `arrived_on`) in the period:

- received      all of them (a message "expects an answer" when it has an answer-by date: the
                policy gives its kind a number of days, so replies and notifications do not);
- withdrawn     withdrawn by the sender (exchange.services.close) without an answer on or
                before its answer-by date: no longer owed, left out of the rates;
- expected      received - withdrawn: the answers that were owed;
- answered      answered (any day, as of today); an answer counts on the day it was sent (the
                answering place's act, 作出回复, evidenced by its receipt or report), not the day it
                reached the asking place, so both ends read the same day (X3); a county that
                forwarded a request to its township (B2) answered it on the day it forwarded it;
- on_time       answered on or before the answer-by date (answered_on <= reply_due_on);
- late          answered after it;
- overdue_open  not answered, not withdrawn, and the answer-by date is before `today`
                (the deadline day itself still counts as in time);
- overdue_withdrawn  withdrawn unanswered after its answer-by date had passed: the miss stands
                (X3), the sender's withdrawal does not erase it;
- overdue       late + overdue_open + overdue_withdrawn: every request whose deadline was missed;
- pending       not answered, not withdrawn, deadline today or later;
- reply_rate    answered / expected; on_time_rate = on_time / expected (None when expected is 0).

As SENDER (作为发函方) — messages the subtree's places sent (`sent_on` in the period; replies are
answers and count on the receiving side, not here):

- sent              all of them; awaiting_arrival: a registered letter not yet signed for;
- requests          those that expect an answer (they arrived and have an answer-by date), and
  of them the same withdrawn / expected / answered / on_time / late / overdue_open / overdue /
  pending and rates as above, now measuring the other side's answers;
- duty              the sender's own clock (B2, B5, B6): messages a case obliged the place to send
  by `send_due_on`, for those whose send-by date is in the period: to_send, sent_on_time
  (sent_on <= send_due_on), sent_late, unsent_overdue (not sent, and not withdrawn by its send-by
  date, which is before today), unsent_pending, withdrawn (closed unsent by its send-by date),
  on_time_rate = sent_on_time / (to_send - withdrawn).

Breakdowns: `by_topic`, the topics of part 3, 三 (X1: marriage, births, reproductive health
services, contraception, certificates, fee payment), each listed even with no messages;
`by_division`, one level down (a province sees each city, a county each township; the
division's own office is a row of its own, `own`), every child listed even with no messages; and
`by_counterpart_province`: as receiver, grouped by the sending province (how quickly we answered
Sichuan); as sender, by the receiving province (how quickly Sichuan answered us) (journey step 6).

Cost: three aggregate queries (received, sent, to send), each one pass over the subtree's code
range and the period with conditional counts, grouped by place, counterpart province and topic
(`GROUP BY receiver_id, SUBSTR(sender_id, 1, 2), topic`); the totals, the children, the provinces
and the topics are summed from those rows in Python. On SQLite the passes read covering indexes in GROUP BY order
(no sort, no table rows); on PostgreSQL parallel scans with hashed groups, whose number the
planner knows from extended statistics (exchange migrations 0002 and 0005).
"""
import datetime
from operator import add

from django.db.models import CharField, Count, F, Func, Q

from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.codes import PREFIX_LENGTH, Level, code_range
from liudong.divisions.models import Division
from liudong.divisions.queries import PlacePeriod, parse_scoped_period

from . import hooks
from .models import Kind, Message, Topic

RECEIVER_KEYS = ("received", "withdrawn", "expected", "answered", "on_time", "late", "overdue_open", "overdue_withdrawn", "overdue", "pending", "reply_rate", "on_time_rate")
REQUEST_KEYS = ("requests",) + RECEIVER_KEYS[1:]
DUTY_KEYS = ("to_send", "sent_on_time", "sent_late", "unsent_overdue", "unsent_pending", "withdrawn", "on_time_rate")
MAX_PERIOD_YEARS = 10


class Period(PlacePeriod):
    """The division and period of T3 figures."""


def parse(*, actor, division_code=None, start, end) -> Period:
    """Role (Denied), input (Invalid, every field at once) and scope: NotFound for a code outside
    the actor's subtree, whether or not it exists (a scope never leaks what lies outside it), or,
    when other fields are wrong too, the same words as the division's error among theirs."""
    require(actor, Action.VIEW_TIMELINESS)
    return parse_scoped_period(
        actor=actor, given={"division": division_code, "start": start, "end": end}, kind=Period,
        longer=lambda first, last: (last - first).days > MAX_PERIOD_YEARS * 366,
        too_long=f"期间最长 {MAX_PERIOD_YEARS} 年 / a period is at most {MAX_PERIOD_YEARS} years")


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


# ------------------------------------------------------------------ the three queries

class Head(Func):
    """SUBSTR(code, 1, n) with n written into the SQL, not passed as a parameter: SQLite then matches
    it to the same expression in the T3 indexes (exchange migration 0002) and PostgreSQL to its
    extended statistics, so that the GROUP BY is read in index order (SQLite) or hashed (PostgreSQL)."""

    function = "SUBSTR"
    template = "%(function)s(%(expressions)s, 1, %(n)d)"
    output_field = CharField()

    def __init__(self, expression, n: int, **extra):
        super().__init__(expression, n=int(n), **extra)


def _unanswered_open(today):
    # withdrawn_on marks a request its sender withdrew (exchange.services.close): it is in the T3
    # indexes and, unlike state, is not touched by the daily tick.
    return Q(answered_on__isnull=True, reply_due_on__lt=today, withdrawn_on__isnull=True)


# Withdrawn unanswered by its deadline: no longer owed. After it: a missed deadline all the same.
WITHDRAWN_IN_TIME = Q(withdrawn_on__isnull=False, answered_on__isnull=True, withdrawn_on__lte=F("reply_due_on"))
WITHDRAWN_LATE = Q(answered_on__isnull=True, withdrawn_on__gt=F("reply_due_on"))


def _grouped(period: Period, place: str, other: str, day: str, messages=Message.objects):
    """`messages` whose `place` (receiver_id or sender_id) lies in the subtree and whose `day` lies
    in the period, grouped by that place, the province of the `other` side and the topic."""
    low, high = code_range(period.division.code)
    return (
        messages.filter(**{f"{place}__gte": low, f"{place}__lte": high, f"{day}__gte": period.start, f"{day}__lte": period.end})
        .annotate(other=Head(other, 2))
        .values(place, "other", "topic")
    )


def _received_rows(period: Period, today):
    """Requests that arrived in the period at a place of the subtree, by receiver and sending province."""
    return _grouped(period, "receiver_id", "sender_id", "arrived_on", Message.objects.filter(reply_due_on__isnull=False)).annotate(
        received=Count("id"),
        withdrawn=Count("id", filter=WITHDRAWN_IN_TIME),
        answered=Count("id", filter=Q(answered_on__isnull=False)),
        on_time=Count("id", filter=Q(answered_on__lte=F("reply_due_on"))),
        overdue_open=Count("id", filter=_unanswered_open(today)),
        overdue_withdrawn=Count("id", filter=WITHDRAWN_LATE),
    ).order_by()


def _sent_rows(period: Period, today):
    """Messages (not answers) the subtree's places sent in the period, by sender and receiving province."""
    request = Q(reply_due_on__isnull=False)
    return _grouped(period, "sender_id", "receiver_id", "sent_on", Message.objects.exclude(kind=Kind.REPLY)).annotate(
        sent=Count("id"),
        awaiting_arrival=Count("id", filter=Q(arrived_on__isnull=True)),
        requests=Count("id", filter=request),
        withdrawn=Count("id", filter=request & WITHDRAWN_IN_TIME),
        answered=Count("id", filter=request & Q(answered_on__isnull=False)),
        on_time=Count("id", filter=Q(answered_on__lte=F("reply_due_on"))),
        overdue_open=Count("id", filter=_unanswered_open(today)),
        overdue_withdrawn=Count("id", filter=request & WITHDRAWN_LATE),
    ).order_by()


def _duty_rows(period: Period, today):
    """Messages the subtree's places had to send by a send-by date in the period (B2, B5, B6)."""
    unsent = Q(sent_on__isnull=True)
    return _grouped(period, "sender_id", "receiver_id", "send_due_on").annotate(
        to_send=Count("id"),
        sent_on_time=Count("id", filter=Q(sent_on__lte=F("send_due_on"))),
        sent_late=Count("id", filter=Q(sent_on__gt=F("send_due_on"))),
        # withdrawn unsent by its send-by date: no longer due; after it: a missed duty (X3)
        duty_withdrawn=Count("id", filter=unsent & Q(withdrawn_on__lte=F("send_due_on"))),
        unsent_overdue=Count("id", filter=unsent & (Q(send_due_on__lt=today, withdrawn_on__isnull=True) | Q(withdrawn_on__gt=F("send_due_on")))),
    ).order_by()


# ------------------------------------------------------------------ sums and rates

RECEIVED_COUNTS = ("received", "withdrawn", "answered", "on_time", "overdue_open", "overdue_withdrawn")
SENT_COUNTS = ("sent", "awaiting_arrival", "requests", "withdrawn", "answered", "on_time", "overdue_open", "overdue_withdrawn")
DUTY_COUNTS = ("to_send", "sent_on_time", "sent_late", "duty_withdrawn", "unsent_overdue")


def _add(into: dict, row: dict, keys):
    for k in keys:
        into[k] = into.get(k, 0) + row[k]


def _answers(c: dict, total: int) -> dict:
    """The answer figures from the raw counts (`total` is received or requests)."""
    expected = total - c.get("withdrawn", 0)
    answered, on_time, overdue_open = c.get("answered", 0), c.get("on_time", 0), c.get("overdue_open", 0)
    overdue_withdrawn = c.get("overdue_withdrawn", 0)
    late = answered - on_time
    return {
        "withdrawn": c.get("withdrawn", 0), "expected": expected, "answered": answered, "on_time": on_time, "late": late,
        "overdue_open": overdue_open, "overdue_withdrawn": overdue_withdrawn, "overdue": late + overdue_open + overdue_withdrawn,
        "pending": expected - answered - overdue_open - overdue_withdrawn,
        "reply_rate": _rate(answered, expected), "on_time_rate": _rate(on_time, expected),
    }


def receiver_figures(c: dict) -> dict:
    return {"received": c.get("received", 0), **_answers(c, c.get("received", 0))}


def sender_figures(c: dict) -> dict:
    to_send, withdrawn = c.get("to_send", 0), c.get("duty_withdrawn", 0)
    on_time, late, overdue = c.get("sent_on_time", 0), c.get("sent_late", 0), c.get("unsent_overdue", 0)
    duty = {
        "to_send": to_send, "sent_on_time": on_time, "sent_late": late, "unsent_overdue": overdue,
        "unsent_pending": to_send - on_time - late - overdue - withdrawn, "withdrawn": withdrawn,
        "on_time_rate": _rate(on_time, to_send - withdrawn),
    }
    return {"sent": c.get("sent", 0), "awaiting_arrival": c.get("awaiting_arrival", 0), "requests": c.get("requests", 0),
            **_answers(c, c.get("requests", 0)), "duty": duty}


def child_length(division: Division) -> int:
    """Significant digits of the level below (a township's own level for a township or village)."""
    return PREFIX_LENGTH[min(division.level + 1, Level.VILLAGE)] if division.level < Level.TOWNSHIP else 12


def figures(*, actor, division_code=None, start, end, today: datetime.date) -> dict:
    """T3 for a division subtree and a period, as of `today` (see the module's docstring)."""
    period = parse(actor=actor, division_code=division_code, start=start, end=end)
    division = period.division
    child_len = child_length(division)
    own_key = division.code[:child_len]

    total_r, total_s = {}, {}
    by_child: dict[str, tuple[dict, dict]] = {}
    by_province: dict[str, tuple[dict, dict]] = {}
    by_topic: dict[str, tuple[dict, dict]] = {t: ({}, {}) for t in Topic.values}
    # Rows per place, counterpart province and topic (tens of thousands for a province and a year)
    # are first folded into one list of counts per child, province and topic (a few hundred), in
    # C (map and add); the totals and the three breakdowns are summed from those.
    # Issue 16: the hub's node holds no messages; its figures come from the state events the
    # nodes sent it (federation.watch.timeliness_rows, registered in exchange.hooks).
    elsewhere = hooks.timeliness_rows(period, today)
    if elsewhere is not None:
        sources = ((elsewhere["received"], 0, RECEIVED_COUNTS), (elsewhere["sent"], 1, SENT_COUNTS), (elsewhere["duty"], 1, DUTY_COUNTS))
    else:
        sources = ((_received_rows(period, today).values_list("receiver_id", "other", "topic", *RECEIVED_COUNTS), 0, RECEIVED_COUNTS),
                   (_sent_rows(period, today).values_list("sender_id", "other", "topic", *SENT_COUNTS), 1, SENT_COUNTS),
                   (_duty_rows(period, today).values_list("sender_id", "other", "topic", *DUTY_COUNTS), 1, DUTY_COUNTS))
    for rows, side, keys in sources:
        folded: dict[tuple, list] = {}
        for row in rows:
            key = (row[0][:child_len], row[1], row[2])
            acc = folded.get(key)
            folded[key] = list(row[3:]) if acc is None else list(map(add, acc, row[3:]))
        total = (total_r, total_s)[side]
        for (child, other, topic), counts in folded.items():
            row = dict(zip(keys, counts))
            _add(total, row, keys)
            _add(by_child.setdefault(child, ({}, {}))[side], row, keys)
            _add(by_province.setdefault(other, ({}, {}))[side], row, keys)
            if topic:
                _add(by_topic[topic][side], row, keys)

    # Every child is listed (a township with no messages is a figure too), then any other group.
    if division.level < Level.TOWNSHIP:
        for code in Division.objects.filter(parent=division).values_list("code", flat=True):
            by_child.setdefault(code[:child_len], ({}, {}))
    else:
        by_child.setdefault(own_key, ({}, {}))  # a township (or village) is its own one row
    codes = {key.ljust(12, "0") for key in by_child} | {key.ljust(12, "0") for key in by_province}
    names = dict(Division.objects.filter(code__in=codes).values_list("code", "name"))

    def group(key: str, counts: tuple[dict, dict], own: bool = False) -> dict:
        code = key.ljust(12, "0")
        name = names.get(code, code)
        if own and division.level < Level.TOWNSHIP:
            name = f"{division.name}（本级）"
        return {"code": code, "name": name, "own": own, "as_receiver": receiver_figures(counts[0]), "as_sender": sender_figures(counts[1])}

    return {
        "division": division.code, "division_name": division.name, "level": division.level,
        "start": period.start, "end": period.end, "today": today,
        "as_receiver": receiver_figures(total_r), "as_sender": sender_figures(total_s),
        "by_division": [group(k, by_child[k], own=(k == own_key)) for k in sorted(by_child, key=lambda k: (k != own_key, k))],
        "by_counterpart_province": [group(k, by_province[k]) for k in sorted(by_province)],
        "by_topic": [{"code": t.value, "name": str(t.label).split(" ")[0], "own": False,
                      "as_receiver": receiver_figures(by_topic[t][0]), "as_sender": sender_figures(by_topic[t][1])} for t in Topic],
    }
