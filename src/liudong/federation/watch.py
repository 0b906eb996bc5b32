"""Issue 16: the hub's national watch list (全国超期督办) and T3 by counterpart province, read from
the state events the nodes sent (federation.models.Watched): routing only. A message is overdue
when it arrived, its answer-by date is before `today` and no answer came. Scoped: a reader sees
the messages whose sender or receiver lies in her subtree (the nation's officer: all)."""
import datetime

from django.db.models import Count, F, Q

from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.divisions.queries import DivisionNames, in_range
from liudong.exchange.models import Kind

from .models import Watched

LIMIT = 200


def _kind_label(kind: str) -> str:
    """The message kind as the exchange names it (a kind this node does not know: its code)."""
    return Kind(kind).label if kind in Kind.values else kind


def watch(*, actor, today: datetime.date, limit: int = LIMIT) -> dict:
    require(actor, Action.VIEW_TIMELINESS)
    code = actor.division_id
    rows = Watched.objects.filter(in_range("sender", code) | in_range("receiver", code))
    overdue_q = Q(arrived_at__isnull=False, answered_on__isnull=True, due_on__lt=today)
    pairs = list(rows.values("sender_province", "receiver_province").annotate(
        sent=Count("pk", filter=Q(sent_at__isnull=False)), arrived=Count("pk", filter=Q(arrived_at__isnull=False)),
        expected=Count("pk", filter=Q(due_on__isnull=False)), answered=Count("pk", filter=Q(due_on__isnull=False, answered_on__isnull=False)),
        on_time=Count("pk", filter=Q(answered_on__lte=F("due_on"))), overdue=Count("pk", filter=overdue_q),
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
