"""Issue 16: the transactional outbox. `message_sent` runs inside the exchange's sending
transaction (exchange.hooks): a message to a place outside this node gets its outbox row in the
same commit, or neither is written. The relay (federation.relay) publishes the rows."""
import datetime
import json
import uuid

from django.conf import settings

from liudong.dates import local_day
from liudong.exchange import remote

from .choices import EnvelopeType
from .directory import holds, node_for
from .models import Outbox, Received


def person_fields(person) -> dict | None:
    """The identifying fields the receiver needs (issue 16: name, ID number, sex, birth date,
    hukou division), sealed in the envelope."""
    if person is None:
        return None
    return {"name": person.name, "id_number": person.id_number or "", "document_type": person.document_type, "document_number": person.document_number,
            "sex": person.sex, "birth_date": str(person.birth_date), "hukou_division": person.hukou_division_id}


def _iso(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def message_sent(message) -> None:
    node = settings.LIUDONG_NODE
    if not node or holds(node, message.receiver_id):
        return  # the embedded default, or a place on this node: nothing leaves
    request = message.in_reply_to if message.in_reply_to_id else None
    answers = None
    if request is not None:
        # The request came from the other node (or, B2, a county here forwarded what came from it).
        asked = [request.pk] + ([request.forwarded_from_id] if request.forwarded_from_id else [])
        answers = Received.objects.filter(message_id__in=asked, type=EnvelopeType.MESSAGE).values_list("global_id", flat=True).first()
    payload = {
        "kind": message.kind, "topic": message.topic, "subject": message.subject, "body": message.body,
        "rules_on": str(message.rules_on), "rule_set": message.rule_set, "sent_at": _iso(message.sent_at), "route": message.route,
        "person": person_fields(message.person),
        "in_reply_to": answers, "request_arrived_at": _iso(request.arrived_at) if request is not None else None,
    }
    enqueue(EnvelopeType.MESSAGE, sender=message.sender_id, receiver=message.receiver_id, kind=message.kind, payload=payload,
            message=message, now=message.sent_at or message.created_at)
    remote.in_transit(message)


def enqueue(type_: str, *, sender: str, receiver: str, kind: str, payload: dict, message=None, now: datetime.datetime, to_node: str | None = None) -> Outbox:
    """One envelope to send, in the caller's transaction."""
    row = outbox_row(type_, sender=sender, receiver=receiver, kind=kind, payload=payload, message=message, now=now, to_node=to_node)
    row.save(force_insert=True)
    return row


def outbox_row(type_: str, *, sender: str, receiver: str, kind: str, payload: dict, message=None, now: datetime.datetime, to_node: str | None = None) -> Outbox:
    """The row `enqueue` writes, not yet written (a receiving batch writes its receipts at once)."""
    return Outbox(
        global_id=uuid.uuid4().hex,
        type=type_, message=message, sender=sender, receiver=receiver, kind=kind,
        to_node=to_node or node_for(receiver, local_day(now)), payload=json.dumps(payload, ensure_ascii=False, sort_keys=True), created_at=now)
