"""Issue 16: the relay's side in the database: the envelopes to publish, sealed now, and the
marking of those the server has acknowledged. A row is marked published only after JetStream's
acknowledgement; if the relay dies between the commit and the publish, or between the publish and
the mark, the row is published again under the same global id (the stream's de-duplication and
the receiver's unique id make it count once)."""
import datetime
import json

from django.db import transaction
from django.db.models import F

from liudong.dates import local_day

from . import envelope
from .directory import keys_of
from .keys import load
from .models import Outbox

SUBJECT_ROOT = "liudong"


def subject(from_node: str, to_node: str) -> str:
    return f"{SUBJECT_ROOT}.{from_node}.{to_node}"


def routing_of(row: Outbox, node: str) -> dict:
    return {"v": envelope.VERSION, "id": row.global_id, "type": row.type, "kind": row.kind, "from_node": node, "to_node": row.to_node,
            "sender": row.sender, "receiver": row.receiver, "created_at": row.created_at.isoformat()}


# A batch's sealed envelopes are held in memory until the server acknowledges them: a batch
# stops at this many bytes (or at `limit` rows), so that 256 messages with 4 MB of scans each
# (about 7 MB sealed) never make a 2 GB batch. A single envelope larger than this still goes,
# alone.
BATCH_BYTES = 32 * 1024 * 1024


def pending(limit: int, *, now: datetime.datetime) -> tuple[list[tuple[int, str, str, bytes]], list[tuple[int, str]]]:
    """Up to `limit` unpublished rows, oldest first, sealed, up to BATCH_BYTES of envelopes:
    ([(id, global id, subject, bytes)], [(id, why not)] for rows that cannot be sealed yet (no
    trusted keys for the receiving node)). The rows are read a few at a time."""
    keys = load()
    ready, waiting, size = [], [], 0
    day = local_day(now)
    cache = {}
    for row in Outbox.objects.filter(published_at__isnull=True).order_by("id")[:limit].iterator(chunk_size=16):
        if row.to_node not in cache:
            cache[row.to_node] = keys_of(row.to_node, day)
        peer = cache[row.to_node]
        if peer is None:
            waiting.append((row.pk, f"节点 {row.to_node} 不在目录中 / node {row.to_node} is not in the directory"))
            continue
        raw = envelope.seal(routing_of(row, keys.node), row.payload.encode(), keys=keys, to_box_key=peer.box_key)
        ready.append((row.pk, row.global_id, subject(keys.node, row.to_node), raw))
        size += len(raw)
        if size >= BATCH_BYTES:
            break
    return ready, waiting


def mark_published(ids: list[int], *, now: datetime.datetime) -> int:
    with transaction.atomic():
        return Outbox.objects.filter(pk__in=ids, published_at__isnull=True).update(published_at=now, attempts=F("attempts") + 1, last_error="")


def note_failure(failures: list[tuple[int, str]]) -> None:
    with transaction.atomic():
        for pk, why in failures:
            Outbox.objects.filter(pk=pk).update(attempts=F("attempts") + 1, last_error=why[:200])


def backlog() -> dict:
    rows = Outbox.objects.filter(published_at__isnull=True)
    oldest = rows.order_by("id").values_list("created_at", flat=True).first()
    return {"outbox_backlog": rows.count(), "oldest_unpublished": oldest.isoformat() if oldest else None}


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
