"""Issue 16: the receiving node. Each envelope is checked (addressed to this node, from a node of
the directory whose keys were trusted that day, signed by it, for a division under its code,
decryptable by this node), then written under its global id, which is unique: a redelivery of an
envelope it has already is a duplicate and changes nothing; the same id with other content is a
replay and is refused. Every refusal is kept in quarantine. The caller acknowledges to JetStream
only after `receive_batch` has committed (at-least-once delivery made exactly-once here)."""
import datetime
import json
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.dateparse import parse_date, parse_datetime

from liudong.dates import local_day
from liudong.errors import Invalid
from liudong.exchange import remote
from liudong.people.models import Person

from . import envelope
from .choices import EnvelopeType, Refusal
from .directory import holds, keys_of
from .handlers import HANDLERS
from .keys import load
from .models import Outbox, Quarantined, Received
from .outbox import enqueue, report_state

log = logging.getLogger("liudong.federation")

ACCEPTED, DUPLICATE, REFUSED = "accepted", "duplicate", "refused"


def receive_batch(items: list[tuple[str, bytes]], *, now: datetime.datetime) -> list[str]:
    """Write a batch of (subject, envelope) in one transaction (each in its own savepoint) and
    return the outcome of each: accepted, duplicate or refused (quarantined)."""
    keys, cache = load(), {}
    with transaction.atomic():
        return [receive(raw, subject=subject, now=now, keys=keys, cache=cache) for subject, raw in items]


def receive(raw: bytes, *, subject: str = "", now: datetime.datetime, keys=None, cache: dict | None = None) -> str:
    """One envelope, in its own savepoint. `cache`: what stays true for a batch (the peers' keys
    on the day, divisions, answer-by dates)."""
    keys = keys or load()
    env = None
    try:
        with transaction.atomic():
            env = envelope.parse(raw)
            return _accept(env, keys=keys, now=now, cache={} if cache is None else cache)
    except envelope.Refused as refused:
        return _quarantine(raw, env, refused.reason, refused.detail, subject=subject, now=now)
    except _Duplicate:
        return DUPLICATE
    except (KeyError, TypeError, ValueError) as e:  # a signed body missing a field or of the wrong type: never redelivered forever
        # Quarantined and logged with its traceback, so that a fault of ours is seen, not taken for the sender's.
        log.warning("envelope %s quarantined as malformed: %s: %s", subject, type(e).__name__, e, exc_info=True)
        return _quarantine(raw, env, Refusal.MALFORMED, f"{type(e).__name__}: {e}", subject=subject, now=now)


def _quarantine(raw: bytes, env: dict | None, reason: str, detail: str, *, subject: str, now: datetime.datetime) -> str:
    routing = (env or {}).get("routing") or {}
    Quarantined.objects.create(received_at=now, reason=reason, detail=detail[:300], global_id=str(routing.get("id", ""))[:100],
                               from_node=str(routing.get("from_node", ""))[:40], subject=subject[:200], envelope=raw)
    log.warning("envelope refused: %s %s id=%s from=%s %s", reason, Refusal(reason).label, routing.get("id", "?"), routing.get("from_node", "?"), detail)
    return REFUSED


def _accept(env: dict, *, keys, now: datetime.datetime, cache: dict) -> str:
    routing, node = env["routing"], settings.LIUDONG_NODE
    if routing["to_node"] != node or not holds(node, routing["receiver"]):
        raise envelope.Refused(Refusal.MISADDRESSED, f"to {routing['to_node']}/{routing['receiver']}, this node is {node}")
    key = ("peer", routing["from_node"], local_day(now))
    if key not in cache:
        cache[key] = keys_of(routing["from_node"], local_day(now))
    peer = cache[key]
    if peer is None:
        raise envelope.Refused(Refusal.UNKNOWN_NODE, f"node {routing['from_node']} is not trusted on {local_day(now)}")
    envelope.verify(env, peer.sign_key)
    if not holds(routing["from_node"], routing["sender"]):
        raise envelope.Refused(Refusal.NOT_ITS_DIVISION, f"{routing['sender']} is not under {routing['from_node']}")
    plaintext = envelope.open_sealed(env, keys)
    digest = envelope.digest(env, plaintext)
    known = Received.objects.filter(global_id=routing["id"]).values_list("digest", flat=True).first()
    if known is not None:
        if known == digest:
            return DUPLICATE
        raise envelope.Refused(Refusal.REPLAYED, "same id, other content")
    try:
        payload = json.loads(plaintext)
    except ValueError:
        raise envelope.Refused(Refusal.MALFORMED, "body") from None
    received = Received(global_id=routing["id"], type=routing["type"], from_node=routing["from_node"], sender=routing["sender"],
                        receiver=routing["receiver"], digest=digest, received_at=now)
    if routing["type"] == EnvelopeType.MESSAGE:
        _message(received, routing, payload, now=now, cache=cache)
    elif routing["type"] == EnvelopeType.ARRIVAL:
        _arrival(payload)
    elif routing["type"] in HANDLERS:
        HANDLERS[routing["type"]](received, routing, payload, now=now, cache=cache)
    else:
        raise envelope.Refused(Refusal.MALFORMED, f"type {routing['type'][:20]}")
    try:
        with transaction.atomic():
            received.save()
    except IntegrityError:  # a second receiver committed it meanwhile: a duplicate (its savepoint undoes this one's writes)
        raise _Duplicate() from None
    return ACCEPTED


class _Duplicate(Exception):
    pass


def _moment(raw) -> datetime.datetime | None:
    return parse_datetime(raw) if isinstance(raw, str) else None


def _message(received: Received, routing: dict, payload: dict, *, now: datetime.datetime, cache: dict):
    ident = payload.get("person") or {}
    # R8: the person the message names is matched here by her ID number first.
    person = Person.objects.filter(id_number=ident["id_number"]).first() if ident.get("id_number") else None
    request = None
    if payload.get("in_reply_to"):
        request = Outbox.objects.filter(global_id=payload["in_reply_to"], type=EnvelopeType.MESSAGE).select_related("message").first()
        if request is None or request.message is None:
            raise envelope.Refused(Refusal.UNKNOWN_MESSAGE, f"answers {payload['in_reply_to'][:40]}")
        request = request.message
    try:
        message = remote.deliver(sender=routing["sender"], receiver=routing["receiver"], kind=payload["kind"], topic=payload.get("topic", ""),
                                 subject=payload.get("subject", ""), body=payload.get("body", ""), rules_on=parse_date(payload["rules_on"]),
                                 rule_set=payload.get("rule_set", ""), sent_at=_moment(payload.get("sent_at")) or now, person=person,
                                 in_reply_to=request, request_arrived_at=_moment(payload.get("request_arrived_at")), now=now, cache=cache,
                                 carried=ident if person is None else None, attachments=payload.get("attachments") or ())
    except Invalid as e:
        raise envelope.Refused(Refusal.UNKNOWN_DIVISION, "; ".join(m for ms in e.errors.values() for m in ms)) from None
    received.message, received.person = message, ident
    # X5: the sender sees the arrival time when this receipt comes back.
    enqueue(EnvelopeType.ARRIVAL, sender=routing["receiver"], receiver=routing["sender"], kind=payload["kind"],
            payload={"of": routing["id"], "arrived_at": now.isoformat()}, now=now, to_node=routing["from_node"])
    if request is None:
        report_state("arrived", of=routing["id"], message=message, place=routing["receiver"], at=now, due_on=message.reply_due_on)


def _arrival(payload: dict):
    sent = Outbox.objects.filter(global_id=str(payload.get("of", "")), type=EnvelopeType.MESSAGE).select_related("message").first()
    at = _moment(payload.get("arrived_at"))
    if sent is None or sent.message is None or at is None:
        raise envelope.Refused(Refusal.UNKNOWN_MESSAGE, f"receipt of {str(payload.get('of', ''))[:40]}")
    remote.arrived(sent.message, at)
