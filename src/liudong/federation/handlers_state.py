"""Issue 16: the hub's side of the state events (sent, arrived, answered, overdue) of messages
crossing nodes. Each fills its moment in the hub's row of the message (federation.models.Watched)
once: routing only, never a body. Overdue is an event too: the node holding the request sends it
when its answer-by date has passed unanswered (federation.overdue); the hub does not read dates."""
import datetime

from django.conf import settings
from django.utils.dateparse import parse_date, parse_datetime

from liudong.codes import NATION_CODE
from liudong.dates import local_day

from . import envelope
from .choices import Refusal
from .directory import holds
from .models import Watched

STATES = ("sent", "arrived", "answered", "overdue")


def _province(code: str) -> str:
    return code[:2].ljust(12, "0")


def apply(received, routing: dict, payload: dict, *, now: datetime.datetime, cache: dict) -> None:
    if settings.LIUDONG_NODE != NATION_CODE:
        raise envelope.Refused(Refusal.MISADDRESSED, "state events go to the hub")
    state, sender, receiver = payload["state"], str(payload["sender"])[:12], str(payload["receiver"])[:12]
    at = parse_datetime(payload["at"]) if isinstance(payload.get("at"), str) else None
    if state not in STATES or at is None:
        raise ValueError(f"state {str(state)[:20]}")
    if not (holds(routing["from_node"], sender) or holds(routing["from_node"], receiver)):
        raise envelope.Refused(Refusal.NOT_ITS_DIVISION, "a node reports only the messages it sends or receives")
    row, _ = Watched.objects.select_for_update().get_or_create(global_id=str(payload["of"])[:36])
    if not row.sender:
        row.kind, row.sender, row.receiver = str(payload.get("kind") or "")[:24], sender, receiver
        row.sender_province, row.receiver_province = _province(sender), _province(receiver)
    due_on = parse_date(payload["due_on"]) if payload.get("due_on") else None
    if state == "sent" and row.sent_at is None:
        row.sent_at, row.sent_on = at, local_day(at)
    elif state == "arrived" and row.arrived_at is None:
        row.arrived_at, row.arrived_on, row.due_on = at, local_day(at), due_on
    elif state == "answered" and row.answered_at is None:
        row.answered_at, row.answered_on = at, local_day(at)
    elif state == "overdue" and row.overdue_on is None:
        if due_on is None:
            raise ValueError("overdue without its answer-by date")
        # The first day overdue is the day after the answer-by date (that day itself is in time),
        # whenever the job ran; an overdue event before its arrival's brings the date with it.
        row.overdue_on = due_on + datetime.timedelta(days=1)
        row.due_on = row.due_on or due_on
    row.save()
