"""Issue 16: the directory of nodes kept in JetStream's key-value store, maintained by the hub's
administrators; it may replace `liudong node trust` on every node (the commands stay).

The hub's node (`liudong node run` with LIUDONG_NODE=000000000000) writes one entry a node into
the bucket DIRECTORY of the hub's domain, from its own directory (kept with `liudong node trust` /
`revoke` there) and its own keys: the node's code, public keys, the day they are valid from and,
once withdrawn, the day they are revoked. Each entry is signed with the hub's Ed25519 key. Every
other node watches the bucket and adopts the entries signed by the hub's keys that it trusts (the
one `node trust` a node needs: the hub's line), by the rules of `trust`: a peer's new keys from
their day (its old keys revoked then), revoked keys refused, audited as `node.trust` /
`node.revoke` "by hub directory". An entry about the node itself is passed over."""
import datetime
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import transaction

from liudong.codes import NATION_CODE
from liudong.dates import local_day
from liudong.errors import Invalid

from . import directory, envelope
from .keys import NodeKeys, b64, unb64
from .models import Peer

BUCKET = "DIRECTORY"
BY = "hub directory"


def entries(keys: NodeKeys) -> dict[str, bytes]:
    """The bucket's entries the hub writes: its own and, for every other node of its directory,
    its latest keys, signed with the hub's key."""
    latest: dict[str, Peer] = {}
    for peer in Peer.objects.order_by("code", "trusted_from", "id"):
        latest[peer.code] = peer
    made = {keys.node: {"code": keys.node, "ed25519": keys.sign_public, "x25519": keys.box_public, "valid_from": "2000-01-01", "revoked_on": None}}
    for code, peer in latest.items():
        if code != keys.node:
            made[code] = {"code": code, "ed25519": peer.sign_key, "x25519": peer.box_key, "valid_from": str(peer.trusted_from),
                          "revoked_on": str(peer.revoked_on) if peer.revoked_on else None}
    return {code: envelope.canonical({"entry": entry, "sig": b64(keys.sign.sign(envelope.canonical(entry)))}) for code, entry in made.items()}


def _day(text) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise Invalid({"entry": [f"日期无效 / not a date: {str(text)[:20]}"]}) from None


@transaction.atomic
def adopt(raw: bytes, *, now: datetime.datetime) -> str:
    """Apply one entry of the bucket to this node's directory: "trusted", "revoked", "unchanged"
    or "self". Raises Invalid (nothing written) for an entry not signed by the hub's trusted keys,
    malformed, or naming keys this node has revoked."""
    try:
        data = json.loads(raw)
        entry, sig = data["entry"], data["sig"]
        code, sign, box = entry["code"], entry["ed25519"], entry["x25519"]
    except (ValueError, KeyError, TypeError):
        raise Invalid({"entry": ["目录条目格式错误 / malformed directory entry"]}) from None
    hub = directory.keys_of(NATION_CODE, local_day(now))
    if hub is None:
        raise Invalid({"entry": ["本节点未信任国家节点的公钥 / this node does not trust the hub's keys (liudong node trust)"]})
    try:
        Ed25519PublicKey.from_public_bytes(unb64(hub.sign_key)).verify(unb64(sig), envelope.canonical(entry))
    except (InvalidSignature, ValueError):
        raise Invalid({"entry": ["目录条目签名与国家节点公钥不符 / the entry is not signed by the hub's key"]}) from None
    if code == directory.this_node():
        return "self"
    if code == NATION_CODE:
        return "unchanged"  # the hub's own keys change by `node trust` only: its entry cannot vouch for itself
    if entry.get("revoked_on"):
        if not Peer.objects.filter(code=code, sign_key=sign, revoked_on__isnull=True).exists():
            return "unchanged"
        directory.revoke(code=code, on=_day(entry["revoked_on"]), now=now, by=BY)
        return "revoked"
    if Peer.objects.filter(code=code, sign_key=sign, box_key=box, revoked_on__isnull=True).exists():
        return "unchanged"
    directory.trust(line=f"{code} ed25519:{sign} x25519:{box}", on=_day(entry.get("valid_from")), now=now, by=BY)
    return "trusted"
