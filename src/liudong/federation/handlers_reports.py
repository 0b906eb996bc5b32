"""Issue 16 (T1, X2): a monthly report passes up as an exchange message of kind `report`; when the
level above is on another node, its approval or return must change the report on the node that
submitted it. The level above's node mirrors the submitted report when the message arrives
(statistics, through exchange.hooks.on_delivered), so that it approves or returns it by the same
service as in one database and its own report sees the child's state as the child's node sent
it; the decision then travels back as a `report` envelope, written in the outbox in the act's
transaction (`send_decision`), and the child's node applies it (`apply`).

federation sits below statistics (import-linter): statistics registers the function that applies
a decision to its reports (`on_decision`) when it starts, as exchange.hooks does for messages.

The envelope names the submission it decides (the global id of the report's message): a decision
about an earlier submission (the report was returned and submitted again meanwhile) changes
nothing; a redelivery never reaches the handler (federation.receive keeps one row a global id)."""
import datetime

from django.conf import settings

from liudong.dates import local_day
from liudong.errors import Invalid

from . import envelope
from .choices import EnvelopeType, Refusal
from .directory import holds, route
from .models import Outbox, Received
from .outbox import enqueue

DECIDE: list = []


def on_decision(fn) -> None:
    """Register fn(*, division, parent, period, act, reason, figures, submission, at, from_node, now),
    which applies a decision of the level above to this node's report (statistics)."""
    if fn not in DECIDE:
        DECIDE.append(fn)


def elsewhere(code: str, on: datetime.date) -> bool:
    """The division `code` is on another node than this one (False without LIUDONG_NODE)."""
    node = settings.LIUDONG_NODE
    return bool(node) and route(code, on) != node


def received_id(message_id: int | None) -> str | None:
    """The global id under which this node received the message (a report passed up from another node)."""
    if message_id is None:
        return None
    return Received.objects.filter(message_id=message_id, type=EnvelopeType.MESSAGE).values_list("global_id", flat=True).first()


def sent_id(message_id: int | None) -> str | None:
    """The global id under which this node sent the message (its own report passed up)."""
    if message_id is None:
        return None
    return Outbox.objects.filter(message_id=message_id, type=EnvelopeType.MESSAGE).values_list("global_id", flat=True).first()


def send_decision(*, division: str, parent: str, period: str, act: str, reason: str, figures: dict, submission: str | None,
                  at: datetime.datetime) -> bool:
    """Inside the approving (returning) transaction on the level above's node: the decision about
    the report of `division` (on another node) goes there. False when nothing leaves (the report
    is this node's, or it never came from another node)."""
    if not submission or not elsewhere(division, local_day(at)):
        return False
    enqueue(EnvelopeType.REPORT, sender=parent, receiver=division, kind=act, now=at,
            payload={"division": division, "parent": parent, "period": period, "act": act, "reason": reason, "figures": figures,
                     "submission": submission, "at": at.isoformat()})
    return True


def apply(received, routing: dict, payload: dict, *, now: datetime.datetime, cache: dict) -> None:
    """On the node of the report: the level above's decision, by the registered statistics function."""
    division, parent = str(payload["division"]), str(payload["parent"])
    # The routing is what the signature and the directory vouched for: the body must agree with it.
    if division != routing["receiver"] or parent != routing["sender"] or not holds(settings.LIUDONG_NODE, division):
        raise envelope.Refused(Refusal.MISADDRESSED, f"decision on {division[:12]} by {parent[:12]}")
    if payload["act"] not in ("approve", "return") or not isinstance(payload["figures"], dict) or not DECIDE:
        raise envelope.Refused(Refusal.MALFORMED, f"act {str(payload['act'])[:20]}")
    at = datetime.datetime.fromisoformat(str(payload["at"]))
    try:
        for fn in DECIDE:
            fn(division=division, parent=parent, period=str(payload["period"]), act=payload["act"], reason=str(payload.get("reason") or ""),
               figures=payload["figures"], submission=str(payload["submission"]), at=at, from_node=routing["from_node"], now=now)
    except Invalid as e:
        raise envelope.Refused(Refusal.UNKNOWN_DIVISION if "division" in e.errors else Refusal.MALFORMED,
                               "; ".join(f"{k}: {m}" for k, ms in e.errors.items() for m in ms)[:300]) from None
