"""Issue 16: the hub's national watch list (全国超期督办) and T3 by counterpart province, read from
the state events the nodes sent (federation.models.Watched): routing only. A message is overdue
when the node holding it said so (an `overdue` event: its answer-by date passed unanswered,
federation.overdue) and no answer came since. Scoped: a reader sees the messages whose sender or
receiver lies in her subtree (the nation's officer: all).

`timeliness_rows` gives the hub's node its `/timeliness/` figures (exchange.timeliness, through
exchange.hooks): the hub holds no message, so T3 there is counted from these rows."""
import datetime

from django.conf import settings
from django.db.models import Count, F, Q
from django.db.models.functions import Substr

from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.codes import NATION_CODE, code_range
from liudong.divisions.queries import DivisionNames, in_range
from liudong.exchange.models import Kind

from .models import Watched

LIMIT = 200
# Reported overdue by the node holding it, and not answered since.
OVERDUE_OPEN = Q(overdue_on__isnull=False, answered_on__isnull=True, withdrawn_on__isnull=True)
# As exchange.timeliness: withdrawn unanswered by its answer-by date (owed no more), or after it
# (X3: the miss stands, counted overdue).
WITHDRAWN = Q(withdrawn_on__isnull=False, answered_on__isnull=True) & (Q(due_on__isnull=True) | Q(withdrawn_on__lte=F("due_on")))
OVERDUE_WITHDRAWN = Q(withdrawn_on__isnull=False, answered_on__isnull=True, withdrawn_on__gt=F("due_on"))


def _kind_label(kind: str) -> str:
    """The message kind as the exchange names it (a kind this node does not know: its code)."""
    return Kind(kind).label if kind in Kind.values else kind


def watch(*, actor, today: datetime.date, limit: int = LIMIT) -> dict:
    require(actor, Action.VIEW_TIMELINESS)
    code = actor.division_id
    rows = Watched.objects.filter(in_range("sender", code) | in_range("receiver", code))
    overdue_q = OVERDUE_OPEN
    pairs = list(rows.values("sender_province", "receiver_province").annotate(
        sent=Count("pk", filter=Q(sent_at__isnull=False)), arrived=Count("pk", filter=Q(arrived_at__isnull=False)),
        # Withdrawn in time: owed no more; withdrawn late: the miss stands (X3), not to chase.
        expected=Count("pk", filter=Q(due_on__isnull=False) & ~WITHDRAWN), answered=Count("pk", filter=Q(due_on__isnull=False, answered_on__isnull=False)),
        on_time=Count("pk", filter=Q(answered_on__lte=F("due_on"))), overdue=Count("pk", filter=overdue_q | OVERDUE_WITHDRAWN),
    ).order_by("-overdue", "sender_province", "receiver_province"))
    overdue = list(rows.filter(overdue_q).order_by("due_on", "id")[:limit])
    names = DivisionNames({p[k] for p in pairs for k in ("sender_province", "receiver_province")} | {c for w in overdue for c in (w.sender, w.receiver)})
    for p in pairs:
        p["sender_name"], p["receiver_name"] = names.name(p["sender_province"]), names.name(p["receiver_province"])
        p["reply_rate"] = p["answered"] / p["expected"] if p["expected"] else None
        p["on_time_rate"] = p["on_time"] / p["expected"] if p["expected"] else None
    return {
        "today": today, "pairs": pairs,
        "overdue": [{"global_id": w.global_id, "kind": w.kind, "kind_label": _kind_label(w.kind), "sender": w.sender, "sender_name": names.full(w.sender), "receiver": w.receiver,
                     "receiver_name": names.full(w.receiver), "arrived_at": w.arrived_at, "due_on": w.due_on, "days_over": (today - w.due_on).days}
                    for w in overdue],
    }


def timeliness_rows(period, today: datetime.date) -> dict | None:
    """exchange.hooks: on the hub's node, T3's rows from the watched messages, grouped by place and
    counterpart province as exchange.timeliness groups messages (no topic: the hub sees routing
    only). A withdrawal is a state event from the sending node: withdrawn by the answer-by date it
    is owed no more, after it the miss stands (X3). None on any other node."""
    if settings.LIUDONG_NODE != NATION_CODE:
        return None
    low, high = code_range(period.division.code)
    received = (Watched.objects.filter(receiver__gte=low, receiver__lte=high, arrived_on__gte=period.start, arrived_on__lte=period.end,
                                       due_on__isnull=False)
                .annotate(other=Substr("sender", 1, 2)).values("receiver", "other").annotate(
                    received=Count("pk"), answered=Count("pk", filter=Q(answered_on__isnull=False)),
                    on_time=Count("pk", filter=Q(answered_on__lte=F("due_on"))), overdue_open=Count("pk", filter=OVERDUE_OPEN),
                    withdrawn=Count("pk", filter=WITHDRAWN), overdue_withdrawn=Count("pk", filter=OVERDUE_WITHDRAWN)).order_by())
    sent = (Watched.objects.filter(sender__gte=low, sender__lte=high, sent_on__gte=period.start, sent_on__lte=period.end)
            .annotate(other=Substr("receiver", 1, 2)).values("sender", "other").annotate(
                sent=Count("pk"), awaiting_arrival=Count("pk", filter=Q(arrived_at__isnull=True)), requests=Count("pk", filter=Q(due_on__isnull=False)),
                answered=Count("pk", filter=Q(due_on__isnull=False, answered_on__isnull=False)),
                on_time=Count("pk", filter=Q(answered_on__lte=F("due_on"))), overdue_open=Count("pk", filter=OVERDUE_OPEN),
                withdrawn=Count("pk", filter=Q(due_on__isnull=False) & WITHDRAWN), overdue_withdrawn=Count("pk", filter=OVERDUE_WITHDRAWN)).order_by())
    # In the order of exchange.timeliness's RECEIVED_COUNTS and SENT_COUNTS.
    return {"received": [(r["receiver"], r["other"], "", r["received"], r["withdrawn"], r["answered"], r["on_time"], r["overdue_open"], r["overdue_withdrawn"])
                         for r in received],
            "sent": [(r["sender"], r["other"], "", r["sent"], r["awaiting_arrival"], r["requests"], r["withdrawn"], r["answered"], r["on_time"],
                      r["overdue_open"], r["overdue_withdrawn"]) for r in sent],
            # The send-by duties (B2, B5, B6) are the sending place's own clock, not a state event.
            "duty": []}
