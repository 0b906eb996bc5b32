"""Issue 16: the hub's side of the state events (sent, arrived, answered, overdue, withdrawn) of messages
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

STATES = ("sent", "arrived", "answered", "overdue", "withdrawn")


def _province(code: str) -> str:
    return code[:2].ljust(12, "0")


def event(routing: dict, payload: dict) -> tuple:
    """One state event checked: (of, state, at, due_on, kind, sender, receiver). Raises
    envelope.Refused (not the hub, or a node reporting another node's message) or ValueError."""
    if settings.LIUDONG_NODE != NATION_CODE:
        raise envelope.Refused(Refusal.MISADDRESSED, "state events go to the hub")
    state, sender, receiver = payload["state"], str(payload["sender"])[:12], str(payload["receiver"])[:12]
    at = parse_datetime(payload["at"]) if isinstance(payload.get("at"), str) else None
    if state not in STATES or at is None:
        raise ValueError(f"state {str(state)[:20]}")
    if not (holds(routing["from_node"], sender) or holds(routing["from_node"], receiver)):
        raise envelope.Refused(Refusal.NOT_ITS_DIVISION, "a node reports only the messages it sends or receives")
    due_on = parse_date(payload["due_on"]) if payload.get("due_on") else None
    if state == "overdue" and due_on is None:
        raise ValueError("overdue without its answer-by date")
    return str(payload["of"])[:36], state, at, due_on, str(payload.get("kind") or "")[:24], sender, receiver


def _fill(row: Watched, ev: tuple) -> None:
    """Each moment once: a later event of the same state changes nothing."""
    _, state, at, due_on, kind, sender, receiver = ev
    if not row.sender:
        row.kind, row.sender, row.receiver = kind, sender, receiver
        row.sender_province, row.receiver_province = _province(sender), _province(receiver)
    if state == "sent" and row.sent_at is None:
        row.sent_at, row.sent_on = at, local_day(at)
    elif state == "arrived" and row.arrived_at is None:
        row.arrived_at, row.arrived_on, row.due_on = at, local_day(at), due_on
    elif state == "answered" and row.answered_at is None:
        row.answered_at, row.answered_on = at, local_day(at)
    elif state == "withdrawn" and row.withdrawn_on is None:
        row.withdrawn_on = local_day(at)
    elif state == "overdue" and row.overdue_on is None:
        # The first day overdue is the day after the answer-by date (that day itself is in time),
        # whenever the job ran; an overdue event before its arrival's brings the date with it.
        row.overdue_on = due_on + datetime.timedelta(days=1)
        row.due_on = row.due_on or due_on


FIELDS = ["kind", "sender", "receiver", "sender_province", "receiver_province", "sent_at", "sent_on", "arrived_at", "arrived_on", "due_on",
          "answered_at", "answered_on", "overdue_on", "withdrawn_on"]


def apply_events(events: list[tuple]) -> None:
    """The events of one receiving batch, set-based (issue 16, throughput: two events a message
    reach the hub): the rows they name read in one query (locked on PostgreSQL), each filled in
    the events' order, then one INSERT for the new and one UPDATE a chunk for the others."""
    rows = {w.global_id: w for w in Watched.objects.select_for_update().filter(global_id__in={ev[0] for ev in events})}
    old, new = set(rows), {}
    for ev in events:
        row = rows.get(ev[0])
        if row is None:
            row = rows[ev[0]] = new[ev[0]] = Watched(global_id=ev[0])
        _fill(row, ev)
    Watched.objects.bulk_create(new.values(), batch_size=500)
    Watched.objects.bulk_update([rows[g] for g in old], FIELDS, batch_size=500)


def apply(received, routing: dict, payload: dict, *, now: datetime.datetime, cache: dict) -> None:
    """One event at once (the handlers' table; the receiver stages them instead: federation.receive)."""
    apply_events([event(routing, payload)])
