"""Issue 16: a message withdrawn by its sender (exchange.services.close) after it left for a place
on another node. In the transaction of the withdrawal a `withdraw` envelope names the message by
its global id (with the day and the reason) for the receiving node, which closes its copy as the
sender's was closed (exchange.remote.withdrawn_by_sender: X3, withdrawn after the answer-by date
it counted, the miss stands); and a `withdrawn` state event tells the hub, whose T3 then counts
it withdrawn (in time) or overdue-withdrawn, as exchange.timeliness does in one database.

Only the node the message went to, speaking for its sender, may withdraw it: a `withdraw` from
another node or place is quarantined as misaddressed; one about a message this node never
received is refused (unknown message)."""
import datetime

from django.utils.dateparse import parse_date

from liudong.dates import local_day
from liudong.exchange import remote

from . import envelope
from .choices import EnvelopeType, Refusal
from .handlers_reports import elsewhere, sent_id
from .models import Received
from .outbox import enqueue, report_state


def withdrawn(message) -> None:
    """exchange.hooks: the sender closed `message`; if it went to another node, tell that node and
    the hub in the same transaction."""
    gid = sent_id(message.pk)
    at = message.closed_at
    if gid is None or at is None or not elsewhere(message.receiver_id, local_day(at)):
        return
    enqueue(EnvelopeType.WITHDRAW, sender=message.sender_id, receiver=message.receiver_id, kind=message.kind, now=at,
            payload={"message": gid, "on": str(message.withdrawn_on), "reason": message.close_reason})
    report_state("withdrawn", of=gid, message=message, place=message.sender_id, at=at)


def apply(received, routing: dict, payload: dict, *, now: datetime.datetime, cache: dict) -> None:
    row = Received.objects.filter(global_id=str(payload["message"])[:36], type=EnvelopeType.MESSAGE).select_related("message").first()
    if row is None or row.message is None:
        raise envelope.Refused(Refusal.UNKNOWN_MESSAGE, f"withdraw {str(payload['message'])[:40]}")
    if (row.from_node, row.sender, row.receiver) != (routing["from_node"], routing["sender"], routing["receiver"]):
        raise envelope.Refused(Refusal.MISADDRESSED, f"withdrawal by {routing['sender']} of a message from {row.sender}")
    on = parse_date(str(payload["on"]))
    if on is None:
        raise ValueError("on")
    remote.withdrawn_by_sender(row.message, on=on, reason=str(payload.get("reason") or ""), now=now)
    received.message = row.message
