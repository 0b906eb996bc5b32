"""Issue 16: the directory kept in JetStream's key-value store (federation.hub_directory). The
entries the hub writes, and what a node does with them: adopted by the rules of `node trust`
when signed by the hub's keys it trusts, refused otherwise (nothing written). Across real
nats-server processes: tests/federation/test_cluster.py."""
import json

import pytest

from liudong.accounts.models import AuditEvent
from liudong.codes import NATION_CODE
from liudong.errors import Invalid
from liudong.federation import directory, hub_directory, keys
from liudong.federation.models import Peer
from tests.exchange.helpers import at

from .conftest import GD, SC

GX = "450000000000"


@pytest.fixture
def hub_and_node(as_node, tmp_path, settings, db):
    """The hub's keys and directory (GX trusted there), in this process; returns the entries it
    writes, then makes this process the Guangdong node, which trusts the hub."""
    hub = as_node(NATION_CODE)
    gx = keys.create(GX, tmp_path / "gx.json")
    directory.trust(line=gx.public_line(), on=at("2026-11-01").date(), now=at("2026-11-01"))
    entries = hub_directory.entries(hub)
    Peer.objects.all().delete()
    as_node(GD)
    directory.trust(line=hub.public_line(), on=at("2026-01-01").date(), now=at("2026-01-01"))
    return hub, gx, entries


def signed(entry: dict, by) -> bytes:
    return json.dumps({"entry": entry, "sig": keys.b64(by.sign.sign(hub_directory.envelope.canonical(entry)))}).encode()


def test_a_node_adopts_the_hubs_entry_audited_and_the_same_again_changes_nothing(hub_and_node):
    hub, gx, entries = hub_and_node
    assert set(entries) == {NATION_CODE, GX}
    assert hub_directory.adopt(entries[GX], now=at("2026-11-28")) == "trusted"
    peer = Peer.objects.get(code=GX)
    assert (peer.sign_key, peer.trusted_from, peer.added_by) == (gx.sign_public, at("2026-11-01").date(), "hub directory")
    assert AuditEvent.objects.filter(action="node.trust", fields__code=GX, fields__by="hub directory").count() == 1
    assert hub_directory.adopt(entries[GX], now=at("2026-11-28")) == "unchanged"
    assert hub_directory.adopt(entries[NATION_CODE], now=at("2026-11-28")) == "unchanged"  # the hub's own keys: by `node trust` only
    assert Peer.objects.filter(code=GX).count() == 1


def test_an_entry_not_signed_by_the_hub_or_altered_is_refused(hub_and_node, tmp_path):
    hub, gx, entries = hub_and_node
    forged = json.loads(entries[GX])
    forged["entry"]["valid_from"] = "2020-01-01"
    with pytest.raises(Invalid, match="signed"):
        hub_directory.adopt(json.dumps(forged).encode(), now=at("2026-11-28"))
    impostor = keys.create(NATION_CODE, tmp_path / "impostor.json")
    with pytest.raises(Invalid, match="signed"):
        hub_directory.adopt(signed(json.loads(entries[GX])["entry"], impostor), now=at("2026-11-28"))
    with pytest.raises(Invalid, match="malformed"):
        hub_directory.adopt(b"{}", now=at("2026-11-28"))
    assert not Peer.objects.filter(code=GX).exists()


def test_revocation_and_revoked_keys_by_the_rules_of_trust(hub_and_node, settings):
    hub, gx, entries = hub_and_node
    hub_directory.adopt(entries[GX], now=at("2026-11-28"))
    revoked = json.loads(entries[GX])["entry"] | {"revoked_on": "2026-11-25"}
    assert hub_directory.adopt(signed(revoked, hub), now=at("2026-11-28")) == "revoked"
    assert directory.keys_of(GX, at("2026-11-25").date()) is None and directory.keys_of(GX, at("2026-11-24").date()) is not None
    with pytest.raises(Invalid, match="revoked"):
        hub_directory.adopt(entries[GX], now=at("2026-11-28"))  # keys once revoked are never trusted again


def test_an_entry_about_this_node_itself_is_passed_over(as_node, tmp_path, db):
    hub = as_node(NATION_CODE)
    me = keys.create(SC, tmp_path / "sc.json")
    directory.trust(line=me.public_line(), on=at("2026-11-01").date(), now=at("2026-11-01"))
    entry = hub_directory.entries(hub)[SC]
    Peer.objects.all().delete()
    as_node(SC)
    directory.trust(line=hub.public_line(), on=at("2026-01-01").date(), now=at("2026-01-01"))
    assert hub_directory.adopt(entry, now=at("2026-11-28")) == "self"
