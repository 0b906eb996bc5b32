"""Issue 16: the receiving node. Each envelope is checked (addressed to this node, from a node of
the directory whose keys were trusted that day, signed by it, for a division under its code,
decryptable by this node), then written under its global id, which is unique: a redelivery of an
envelope it has already is a duplicate and changes nothing; the same id with other content is a
replay and is refused. Every refusal is kept in quarantine. The caller acknowledges to JetStream
only after `receive_batch` has committed (at-least-once delivery made exactly-once here).

A batch (the envelopes of one fetch) is received in three steps:

1. `check` each envelope, outside any transaction: routing, directory, signature, decryption
   (the crypto, ~1 ms an envelope, holds no database lock). What passes is an `Incoming`.
2. In one transaction: the global ids the node has already are read in one query; each new
   envelope is handed to `apply`, the handler of its type (HANDLERS), in a savepoint of its own,
   so that an envelope a handler refuses (envelope.Refused) or finds malformed is quarantined and
   undoes only its own writes. A handler may write at once through the services, or `stage` what
   it makes (messages, receipts...) for the batch to write in one INSERT per table (FLUSH).
3. The staged rows are written, the received rows with them; then the transaction commits.

If the bulk write meets a unique global id taken meanwhile (a second receiver), the batch is
received again one envelope to a transaction, where that envelope is a duplicate."""
import datetime
import json
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils.dateparse import parse_date, parse_datetime

from liudong.dates import local_day
from liudong.divisions.models import Division
from liudong.errors import Invalid
from liudong.exchange import remote
from liudong.people.models import Person

from . import envelope
from .choices import EnvelopeType, Refusal
from .directory import holds, keys_of
from . import handlers, handlers_state
from .keys import load
from .models import Outbox, Quarantined, Received
from .outbox import outbox_row, state_row

log = logging.getLogger("liudong.federation")

ACCEPTED, DUPLICATE, REFUSED = "accepted", "duplicate", "refused"


@dataclass
class Incoming:
    """An envelope checked and decrypted: its routing (in clear), its body (`payload`, the
    decrypted JSON), and the row that will record it (`received`: a handler sets its message and
    person)."""
    routing: dict
    payload: dict
    received: Received
    subject: str
    raw: bytes


@dataclass
class Refused:
    raw: bytes
    env: dict | None
    reason: str
    detail: str
    subject: str


class Batch:
    """What one receiving transaction shares: its moment, the node's keys, a cache (peers' keys,
    divisions, persons, answer-by dates), and the rows its handlers staged."""

    def __init__(self, *, now: datetime.datetime, keys):
        self.now, self.keys, self.cache = now, keys, {}
        self.staged: dict[str, list] = defaultdict(list)
        self._pending: dict[str, list] = defaultdict(list)

    def stage(self, table: str, item) -> None:
        """Write `item` with the batch (FLUSH[table]), if the envelope being applied is accepted."""
        self._pending[table].append(item)

    def _keep(self) -> None:
        for table, items in self._pending.items():
            self.staged[table].extend(items)
        self._pending.clear()

    def _drop(self) -> None:
        self._pending.clear()


def insert_rows(model, rows: list) -> None:
    """The rows in one executemany, without their primary keys coming back (nothing reads them
    after the batch). Issue 16, throughput: bulk_create prepares each value through its field
    (about a third of the receiver's CPU in the profile, README "Benchmarks"); here only the
    datetimes, dates, JSON and bytes go through the backend's adapters, the rest as they are."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    ops, adapt = connection.ops, []
    for f in fields:
        kind = f.get_internal_type()
        if kind == "DateTimeField":
            adapt.append(ops.adapt_datetimefield_value)
        elif kind == "DateField":
            adapt.append(ops.adapt_datefield_value)
        elif kind in ("JSONField", "BinaryField"):
            adapt.append(lambda v, f=f: f.get_db_prep_save(v, connection))
        else:
            adapt.append(None)
    q = ops.quote_name
    sql = (f"INSERT INTO {q(model._meta.db_table)} ({', '.join(q(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    def value(row, f):
        # A foreign key set to an object saved after the assignment (a message written with the
        # batch): its id now, as bulk_create would read it.
        if f.is_relation and f.is_cached(row):
            related = f.get_cached_value(row)
            return related.pk if related is not None else None
        return getattr(row, f.attname)

    values = [[a(v) if a is not None and v is not None else v for a, v in zip(adapt, (value(r, f) for f in fields))] for r in rows]
    with connection.cursor() as cur:
        for start in range(0, len(values), 500):
            cur.executemany(sql, values[start:start + 500])


def _write_rows(model):
    return lambda rows, batch: insert_rows(model, rows)


# The batch's writes, in this order (a received row refers to its message).
FLUSH = [
    ("messages", lambda rows, batch: remote.delivered(rows)),
    ("arrivals", lambda rows, batch: remote.arrivals(rows, batch.cache)),
    ("receipts", lambda rows, batch: _receipts(rows, batch)),
    ("watched", lambda rows, batch: handlers_state.apply_events(rows)),
    ("outbox", _write_rows(Outbox)),
    ("received", _write_rows(Received)),
    ("quarantine", _write_rows(Quarantined)),
]


def receive_batch(items: list[tuple[str, bytes]], *, now: datetime.datetime) -> list[str]:
    """Write a batch of (subject, envelope) in one transaction and return the outcome of each:
    accepted, duplicate or refused (quarantined)."""
    batch = Batch(now=now, keys=load())
    checked = [check(raw, subject=subject, batch=batch) for subject, raw in items]
    try:
        with transaction.atomic():
            return _apply_all(checked, batch)
    except IntegrityError:
        # A global id committed meanwhile by another receiver: one envelope to a transaction.
        log.info("a global id of a batch of %d was committed meanwhile by another receiver: the batch again, one envelope to a transaction", len(checked))
        outcomes = []
        for one in checked:
            alone = Batch(now=now, keys=batch.keys)
            try:
                with transaction.atomic():
                    outcomes.extend(_apply_all([one], alone))
            except IntegrityError as e:
                if isinstance(one, Incoming) and Received.objects.filter(global_id=one.routing["id"]).exists():
                    outcomes.append(DUPLICATE)
                    continue
                log.warning("envelope %s quarantined: it conflicts with what this node holds: %s", one.subject, e, exc_info=True)
                with transaction.atomic():
                    outcomes.extend(_apply_all([Refused(one.raw, None, Refusal.MALFORMED, f"IntegrityError: {e}", one.subject)], Batch(now=now, keys=batch.keys)))
        return outcomes


def receive(raw: bytes, *, subject: str = "", now: datetime.datetime) -> str:
    """One envelope, in a transaction of its own."""
    return receive_batch([(subject, raw)], now=now)[0]


def check(raw: bytes, *, subject: str, batch: Batch) -> Incoming | Refused:
    """The envelope checked and opened, or why it is refused. Reads the directory only."""
    env = None
    try:
        env = envelope.parse(raw)
        routing, node, day = env["routing"], settings.LIUDONG_NODE, local_day(batch.now)
        if routing["to_node"] != node or not holds(node, routing["receiver"]):
            raise envelope.Refused(Refusal.MISADDRESSED, f"to {routing['to_node']}/{routing['receiver']}, this node is {node}")
        key = ("peer", routing["from_node"], day)
        if key not in batch.cache:
            batch.cache[key] = keys_of(routing["from_node"], day)
        peer = batch.cache[key]
        if peer is None:
            raise envelope.Refused(Refusal.UNKNOWN_NODE, f"node {routing['from_node']} is not trusted on {day}")
        envelope.verify(env, peer.sign_key)
        if not holds(routing["from_node"], routing["sender"]):
            raise envelope.Refused(Refusal.NOT_ITS_DIVISION, f"{routing['sender']} is not under {routing['from_node']}")
        plaintext = envelope.open_sealed(env, batch.keys)
        try:
            payload = json.loads(plaintext)
        except ValueError:
            raise envelope.Refused(Refusal.MALFORMED, "body") from None
        if not isinstance(payload, dict):
            raise envelope.Refused(Refusal.MALFORMED, "body")
    except envelope.Refused as refused:
        return Refused(raw, env, refused.reason, refused.detail, subject)
    received = Received(global_id=routing["id"], type=routing["type"], from_node=routing["from_node"], sender=routing["sender"],
                        receiver=routing["receiver"], digest=envelope.digest(env, plaintext), received_at=batch.now)
    return Incoming(routing, payload, received, subject, raw)


def _apply_all(checked: list, batch: Batch) -> list[str]:
    incoming = [c for c in checked if isinstance(c, Incoming)]
    known = dict(Received.objects.filter(global_id__in=[c.routing["id"] for c in incoming]).values_list("global_id", "digest"))
    by_type = defaultdict(list)
    for c in incoming:
        if c.routing["id"] not in known:
            by_type[c.routing["type"]].append(c)
    for type_, some in by_type.items():
        if type_ in PREPARE:
            PREPARE[type_](some, batch)
    outcomes = []
    for c in checked:
        if isinstance(c, Refused):
            outcomes.append(_quarantine(c, batch))
            continue
        gid = c.routing["id"]
        if gid in known:
            outcomes.append(DUPLICATE if known[gid] == c.received.digest else
                            _quarantine(Refused(c.raw, {"routing": c.routing}, Refusal.REPLAYED, "same id, other content", c.subject), batch))
            continue
        try:
            if _stages_only(c):
                apply(c, batch)  # nothing written yet: a refusal drops what it staged, no savepoint needed
            else:
                with transaction.atomic():
                    apply(c, batch)
        except envelope.Refused as refused:
            batch._drop()
            outcomes.append(_quarantine(Refused(c.raw, {"routing": c.routing}, refused.reason, refused.detail, c.subject), batch))
            continue
        except (KeyError, TypeError, ValueError) as e:  # a signed body missing a field or of the wrong type: never redelivered forever
            # Quarantined and logged with its traceback, so that a fault of ours is seen, not taken for the sender's.
            batch._drop()
            log.warning("envelope %s quarantined as malformed: %s: %s", c.subject, type(e).__name__, e, exc_info=True)
            outcomes.append(_quarantine(Refused(c.raw, {"routing": c.routing}, Refusal.MALFORMED, f"{type(e).__name__}: {e}", c.subject), batch))
            continue
        batch.stage("received", c.received)
        batch._keep()
        known[gid] = c.received.digest  # the same envelope again in this batch is a duplicate
        outcomes.append(ACCEPTED)
    for table, write in FLUSH:
        if batch.staged.get(table):
            write(batch.staged[table], batch)
    return outcomes


def _stages_only(incoming: Incoming) -> bool:
    """The handlers that write nothing at once, only stage (a request or notification, a
    receipt): no savepoint for them (two statements an envelope saved). An answer marks its
    request answered at once, so it has its savepoint, as every other type."""
    type_ = incoming.routing["type"]
    return type_ in (EnvelopeType.ARRIVAL, EnvelopeType.STATE) or (type_ == EnvelopeType.MESSAGE and not incoming.payload.get("in_reply_to"))


def apply(incoming: Incoming, batch: Batch) -> None:
    """Apply one checked, decrypted envelope inside the batch's transaction: the handler of its
    type. Raises envelope.Refused to quarantine it (its writes are undone)."""
    handler = HANDLERS.get(incoming.routing["type"])
    if handler is None and incoming.routing["type"] in handlers.HANDLERS:  # registered by an app above (handlers.register)
        handler = _written_at_once(handlers.HANDLERS[incoming.routing["type"]])
    if handler is None:
        raise envelope.Refused(Refusal.MALFORMED, f"type {incoming.routing['type'][:20]}")
    handler(incoming, batch)


def _quarantine(refused: Refused, batch: Batch) -> str:
    routing = (refused.env or {}).get("routing") or {}
    batch.staged["quarantine"].append(Quarantined(
        received_at=batch.now, reason=refused.reason, detail=refused.detail[:300], global_id=str(routing.get("id", ""))[:100],
        from_node=str(routing.get("from_node", ""))[:40], subject=refused.subject[:200], envelope=refused.raw))
    log.warning("envelope refused: %s %s id=%s from=%s %s", refused.reason, Refusal(refused.reason).label, routing.get("id", "?"),
                routing.get("from_node", "?"), refused.detail)
    return REFUSED


def _moment(raw) -> datetime.datetime | None:
    return parse_datetime(raw) if isinstance(raw, str) else None


def _prepare_messages(incoming: list[Incoming], batch: Batch) -> None:
    """One read each for the batch's persons (by ID number), requests answered, and divisions."""
    cache = batch.cache
    numbers = {(c.payload.get("person") or {}).get("id_number") for c in incoming} - {None, ""}
    found = {}
    for p in Person.objects.filter(id_number__in=numbers).order_by("pk"):
        found.setdefault(p.id_number, p)
    for n in numbers:
        cache[("person", n)] = found.get(n)
    asked = {c.payload.get("in_reply_to") for c in incoming} - {None, ""}
    for row in Outbox.objects.filter(global_id__in=asked, type=EnvelopeType.MESSAGE).select_related("message"):
        cache[("request", row.global_id)] = row.message
    codes = {c.routing[k] for c in incoming for k in ("sender", "receiver")} - {key[1] for key in cache if key[0] == "place"}
    for d in Division.objects.filter(code__in=codes):
        cache[("place", d.code)] = d


def _message(incoming: Incoming, batch: Batch) -> None:
    routing, payload, now = incoming.routing, incoming.payload, batch.now
    ident = payload.get("person") or {}
    # R8: the person the message names is matched here by her ID number first.
    number = ident.get("id_number")
    if number and ("person", number) not in batch.cache:
        batch.cache[("person", number)] = Person.objects.filter(id_number=number).first()
    person = batch.cache[("person", number)] if number else None
    request = None
    if payload.get("in_reply_to"):
        request = batch.cache.get(("request", payload["in_reply_to"]))
        if request is None:
            raise envelope.Refused(Refusal.UNKNOWN_MESSAGE, f"answers {str(payload['in_reply_to'])[:40]}")
    try:
        message = remote.delivery(sender=routing["sender"], receiver=routing["receiver"], kind=payload["kind"], topic=payload.get("topic", ""),
                                  subject=payload.get("subject", ""), body=payload.get("body", ""), rules_on=parse_date(payload["rules_on"]),
                                  rule_set=payload.get("rule_set", ""), sent_at=_moment(payload.get("sent_at")) or now, person=person,
                                  in_reply_to=request, request_arrived_at=_moment(payload.get("request_arrived_at")), now=now, cache=batch.cache,
                                  carried=ident if person is None else None, attachments=payload.get("attachments") or ())
    except Invalid as e:
        raise envelope.Refused(Refusal.UNKNOWN_DIVISION, "; ".join(m for ms in e.errors.values() for m in ms)) from None
    incoming.received.message, incoming.received.person = message, ident
    batch.stage("messages", message)
    # X5: the sender sees the arrival time when the receipt comes back.
    batch.stage("receipts", (routing["from_node"], routing["id"]))
    if request is None:  # the hub's watch list (issue 16): it arrived here now
        row = state_row("arrived", of=routing["id"], message=message, place=routing["receiver"], at=now, due_on=message.reply_due_on, cache=batch.cache)
        if row is not None:
            batch.stage("outbox", row)


def _receipts(rows: list[tuple[str, str]], batch: Batch) -> None:
    """One receipt envelope a batch for each sending node, naming every message of the batch it
    sent (issue 16: acknowledgements batched), instead of one envelope a message. From this node
    to that node: both are their own divisions (directory.holds)."""
    node, ids = settings.LIUDONG_NODE, defaultdict(list)
    for to_node, gid in rows:
        ids[to_node].append(gid)
    at = batch.now.isoformat()
    insert_rows(Outbox, [outbox_row(EnvelopeType.ARRIVAL, sender=node, receiver=to_node, kind=RECEIPT_KIND, now=batch.now, to_node=to_node,
                                           payload={"arrived": [[gid, at] for gid in gids]}) for to_node, gids in ids.items()])


RECEIPT_KIND = "receipt"


def _receipted(incoming: Incoming) -> list[tuple[str, str]]:
    """The (global id, arrival time) pairs a receipt names: a batch's receipt, or one of a single
    message."""
    payload = incoming.payload
    if "arrived" in payload:
        return [(str(gid), str(at)) for gid, at in payload["arrived"]]
    return [(str(payload.get("of", "")), str(payload.get("arrived_at", "")))]


def _prepare_arrivals(incoming: list[Incoming], batch: Batch) -> None:
    ofs = {gid for c in incoming for gid, _ in _receipted(c)}
    for gid, message_id, to_node in Outbox.objects.filter(global_id__in=ofs, type=EnvelopeType.MESSAGE, message__isnull=False).values_list(
            "global_id", "message_id", "to_node"):
        batch.cache[("sent", gid)] = (message_id, to_node)


def _arrival(incoming: Incoming, batch: Batch) -> None:
    """A receipt: the messages it names arrived at the sending node of the receipt, which must be
    the node they were sent to. Names this node does not know are logged and passed over; a
    receipt that names none it knows is refused."""
    known, unknown = 0, []
    for of, when in _receipted(incoming):
        if ("sent", of) not in batch.cache:
            row = Outbox.objects.filter(global_id=of, type=EnvelopeType.MESSAGE, message__isnull=False).values_list("message_id", "to_node").first()
            batch.cache[("sent", of)] = row
        sent, at = batch.cache[("sent", of)], _moment(when)
        if sent is None or at is None or sent[1] != incoming.routing["from_node"]:
            unknown.append(of)
            continue
        batch.stage("arrivals", (sent[0], at))
        known += 1
    if not known:
        raise envelope.Refused(Refusal.UNKNOWN_MESSAGE, f"receipt of {', '.join(unknown)[:60]}")
    if unknown:
        log.warning("receipt %s from %s names %d messages this node did not send there: %s", incoming.routing["id"], incoming.routing["from_node"],
                    len(unknown), ", ".join(unknown)[:200])


# The handler of each envelope type: fn(incoming, batch), inside the batch's transaction; and,
# optionally, what it reads once for all the batch's envelopes of that type (PREPARE).
def _written_at_once(handler):
    """A handler of federation.handlers (person, state...): it writes through the services at once,
    inside the envelope's savepoint, and may set `received.person`."""
    def apply_now(incoming: Incoming, batch: Batch) -> None:
        handler(incoming.received, incoming.routing, incoming.payload, now=batch.now, cache=batch.cache)
        # A person registered here by this envelope: the batch's later messages naming her find her.
        number = (incoming.payload.get("person") or {}).get("id_number") if isinstance(incoming.payload.get("person"), dict) else None
        batch.cache.pop(("person", number), None)
    return apply_now


def _state(incoming: Incoming, batch: Batch) -> None:
    """At the hub: a message's state event, checked now and written with the batch's others."""
    batch.stage("watched", handlers_state.event(incoming.routing, incoming.payload))


HANDLERS = {**{type_: _written_at_once(handler) for type_, handler in handlers.HANDLERS.items()},
            EnvelopeType.MESSAGE: _message, EnvelopeType.ARRIVAL: _arrival, EnvelopeType.STATE: _state}
PREPARE = {EnvelopeType.MESSAGE: _prepare_messages, EnvelopeType.ARRIVAL: _prepare_arrivals}
