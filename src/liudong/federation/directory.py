"""Issue 16: the directory of nodes (who is who). `trust` adds or replaces a peer from a day
(key rotation: the keys it had are revoked on that day), `revoke` withdraws one; both are audited.
A peer's keys answer for an envelope if trusted on the day it is checked."""
import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from liudong.accounts.audit import record
from liudong.codes import NATION_CODE, prefix
from liudong.errors import Invalid

from .keys import parse_line
from .models import Peer


def this_node() -> str:
    return settings.LIUDONG_NODE


def holds(node: str, code: str) -> bool:
    """The division `code` is on `node` (its code is under the node's code); the nation's hub
    holds no place of its own but answers for the whole country."""
    try:
        return code.startswith(prefix(node))
    except (KeyError, ValueError):
        return False


def _active(day: datetime.date):
    return Q(trusted_from__lte=day) & (Q(revoked_on__isnull=True) | Q(revoked_on__gt=day))


def keys_of(code: str, day: datetime.date) -> Peer | None:
    """The keys of node `code` trusted on `day` (the latest trusted, if two overlap)."""
    return Peer.objects.filter(_active(day), code=code).order_by("-trusted_from", "-id").first()


def node_for(code: str, day: datetime.date) -> str:
    """The node that holds division `code`: the most specific peer trusted on `day` whose code
    contains it, else its province (the production layout: one node per province)."""
    best = ""
    for peer in Peer.objects.filter(_active(day)).exclude(code=NATION_CODE).values_list("code", flat=True).distinct():
        if holds(peer, code) and len(prefix(peer)) > len(prefix(best or NATION_CODE)):
            best = peer
    return best or code[:2].ljust(12, "0")


def held_elsewhere(root: str, day: datetime.date) -> list[str]:
    """Issue 16: the top-most divisions strictly under `root` that other nodes hold, seen from
    this node (peers trusted on `day`, the hub and the nodes that hold this node's area left
    out): their people are in those nodes' databases, so their figures come from there (the
    reports they pass up). [] without LIUDONG_NODE."""
    node = this_node()
    if not node:
        return []
    codes = {c for c in Peer.objects.filter(_active(day)).exclude(code=NATION_CODE).values_list("code", flat=True)
             if c not in (node, root) and holds(root, c) and not holds(c, node)}
    top: list[str] = []
    for code in sorted(codes, key=lambda c: len(prefix(c))):
        if not any(holds(t, code) for t in top):
            top.append(code)
    return top


def route(code: str, day: datetime.date) -> str:
    """The node division `code` belongs to, seen from this node: this node when it holds the
    division and no peer holds it more closely (a city node inside a province node's area),
    else node_for's answer."""
    target, node = node_for(code, day), this_node()
    if holds(node, code) and len(prefix(target)) <= len(prefix(node)):
        return node
    return target


@transaction.atomic
def trust(*, line: str, on: datetime.date, now: datetime.datetime, by: str = "") -> Peer:
    """Add the peer another node's `init` printed, trusted from `on`; if it had other keys, they
    are revoked on `on` (rotation). The same line again changes nothing."""
    code, sign, box = parse_line(line)
    if code == this_node():
        raise Invalid({"line": ["这是本节点自己的公钥 / this is this node's own line"]})
    same = Peer.objects.filter(code=code, sign_key=sign).first()
    if same is not None:
        if same.box_key != box:
            raise Invalid({"line": ["同一签名公钥对应另一加密公钥 / the same signing key with another encryption key"]})
        if same.revoked_on is None:
            return same
        raise Invalid({"line": [f"此公钥已于 {same.revoked_on} 吊销 / these keys were revoked on {same.revoked_on}"]})
    older = list(Peer.objects.filter(code=code, revoked_on__isnull=True))
    for old in older:
        old.revoked_on = max(on, old.trusted_from)
        old.save(update_fields=["revoked_on"])
    peer = Peer.objects.create(code=code, sign_key=sign, box_key=box, trusted_from=on, added_at=now, added_by=by or "system")
    record(None, "node.trust", obj=peer, division_code=this_node(),
           fields={"code": code, "ed25519": sign, "x25519": box, "trusted_from": str(on), "revoked": [o.pk for o in older], "by": by})
    return peer


@transaction.atomic
def revoke(*, code: str, on: datetime.date, now: datetime.datetime, by: str = "") -> int:
    """Withdraw trust in node `code` from `on`: its envelopes are refused from then on."""
    count = 0
    for peer in Peer.objects.filter(code=code, revoked_on__isnull=True):
        peer.revoked_on = max(on, peer.trusted_from)
        peer.save(update_fields=["revoked_on"])
        count += 1
    if not count:
        raise Invalid({"code": [f"目录中没有有效的节点 {code[:12]} / no trusted node {code[:12]}"]})
    record(None, "node.revoke", object_type="peer", object_id=code, division_code=this_node(), fields={"code": code, "on": str(on), "by": by})
    return count


def peers():
    return Peer.objects.order_by("code", "trusted_from", "id")
