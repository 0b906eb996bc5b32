"""Issue 16: the transactional outbox. `message_sent` runs inside the exchange's sending
transaction (exchange.hooks): a message to a place outside this node gets its outbox row in the
same commit, or neither is written. The relay (federation.relay) publishes the rows."""
import base64
import datetime
import json
import uuid

from django.conf import settings

from liudong.codes import NATION_CODE
from liudong.dates import local_day
from liudong.errors import Invalid
from liudong.exchange import remote
from liudong.exchange.models import Attachment

from .choices import EnvelopeType
from .directory import keys_of, node_for, route
from .models import Outbox, Received


def person_fields(person) -> dict | None:
    """The identifying fields the receiver needs (issue 16: name, ID number, sex, birth date,
    hukou division), sealed in the envelope."""
    if person is None:
        return None
    return {"name": person.name, "id_number": person.id_number or "", "document_type": person.document_type, "document_number": person.document_number,
            "sex": person.sex, "birth_date": str(person.birth_date), "hukou_division": person.hukou_division_id}


# Issue 16: a message's scans travel sealed in its envelope (README, "Nodes": why not the object
# store). The servers' max_payload is 8 MB; the scans of one message, base64 inside the sealed
# body and that body base64 again inside the envelope, stay under it at 4 MB decoded.
ENVELOPE_SCANS_MAX_BYTES = 4 * 1024 * 1024


def scans(message) -> list[dict]:
    """The message's scans (not the evidence of a paper arrival, which stays with its place), or
    a clear error at the sender when together they are too big to travel to another node."""
    rows = list(Attachment.objects.filter(message=message, is_evidence=False).order_by("id"))
    total = sum(a.size for a in rows)
    if total > ENVELOPE_SCANS_MAX_BYTES:
        mb = ENVELOPE_SCANS_MAX_BYTES // (1024 * 1024)
        raise Invalid({"attachments": [f"发往其他节点的函件，附件合计不能超过 {mb} MB（现为 {total / 1024 / 1024:.1f} MB）：请分几次发送 / "
                                       f"the scans of a message to another node may total {mb} MB at most (these are {total / 1024 / 1024:.1f} MB): send them in several messages"]})
    return [{"name": a.name, "content_type": a.content_type, "sha256": a.sha256, "data": base64.b64encode(bytes(a.data)).decode()} for a in rows]


def _iso(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def message_sent(message) -> None:
    node = settings.LIUDONG_NODE
    if not node or route(message.receiver_id, local_day(message.sent_at or message.created_at)) == node:
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
        "attachments": scans(message),
    }
    row = enqueue(EnvelopeType.MESSAGE, sender=message.sender_id, receiver=message.receiver_id, kind=message.kind, payload=payload,
                  message=message, now=message.sent_at or message.created_at)
    remote.in_transit(message)
    if answers:
        report_state("answered", of=answers, message=request, place=message.sender_id, at=message.sent_at)
    elif message.kind != "reply":
        report_state("sent", of=row.global_id, message=message, place=message.sender_id, at=message.sent_at or message.created_at)


def report_state(state: str, *, of: str, message, place: str, at: datetime.datetime, due_on=None) -> None:
    """Issue 16: tell the hub (when this node trusts one) that the message `of` (its global id)
    was sent, arrived or was answered: routing only (kind, sender, receiver, times, answer-by
    date), in the transaction of the act; `place`: the division of this node that speaks."""
    row = state_row(state, of=of, message=message, place=place, at=at, due_on=due_on)
    if row is not None:
        row.save(force_insert=True)


def state_row(state: str, *, of: str, message, place: str, at: datetime.datetime, due_on=None, cache: dict | None = None) -> Outbox | None:
    """The row `report_state` writes, not yet written (a receiving batch writes its rows at once);
    None when this node trusts no hub. `cache`: the batch's, keeps the hub's keys of the day."""
    key = ("peer", NATION_CODE, local_day(at))
    if cache is None or key not in cache:
        hub = keys_of(NATION_CODE, local_day(at))
        if cache is None:
            cache = {}
        cache[key] = hub
    if cache[key] is None:
        return None
    return outbox_row(EnvelopeType.STATE, sender=place, receiver=NATION_CODE, kind=state, to_node=NATION_CODE, now=at,
                      payload={"of": of, "state": state, "at": _iso(at), "kind": message.kind, "sender": message.sender_id,
                               "receiver": message.receiver_id, "due_on": str(due_on) if due_on else None})


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
