"""Issue 16, step 1: the node's identity. Keys only in the key file; the directory of peers with
trusted-from dates and revocation, audited; `liudong node init|trust|peers`."""
import io
import os
import stat
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from liudong.accounts.models import AuditEvent
from liudong.errors import Invalid
from liudong.federation import directory, keys
from liudong.federation.models import Peer
from tests.exchange.helpers import at

from .conftest import GD, SC


def run(*args) -> str:
    out = io.StringIO()
    call_command("node", *args, stdout=out)
    return out.getvalue()


def test_bad_node_setting_fails_loudly_at_start():
    env = {**os.environ, "LIUDONG_NODE": "4400", "LIUDONG_ENV": "test"}
    done = subprocess.run([sys.executable, "-c", "import liudong.settings"], env=env, capture_output=True, text=True)
    assert done.returncode != 0 and "LIUDONG_NODE must be a 12-digit division code" in done.stderr


def test_commands_refuse_without_a_node(settings, db):
    settings.LIUDONG_NODE = ""
    with pytest.raises(CommandError, match="LIUDONG_NODE"):
        run("init")


def test_init_prints_one_public_line_and_keeps_keys_in_the_file_only(settings, tmp_path, db):
    settings.LIUDONG_NODE, settings.LIUDONG_NODE_KEY_FILE = GD, tmp_path / "k" / "node.json"
    line = run("init").strip()
    code, sign, box = keys.parse_line(line)
    assert code == GD and len(line.splitlines()) == 1
    assert stat.S_IMODE(os.stat(settings.LIUDONG_NODE_KEY_FILE).st_mode) == 0o600
    loaded = keys.load()
    assert (loaded.sign_public, loaded.box_public) == (sign, box)
    private = keys._private_raw(loaded.sign)
    assert private not in line and private not in repr(loaded)
    assert not Peer.objects.exists()  # the node's own keys are never in the database
    with pytest.raises(CommandError, match="exists already"):
        run("init")
    assert keys.load().sign_public == sign  # kept
    rotated = run("init", "--rotate").strip()
    assert rotated != line and keys.load().public_line() == rotated


def test_trust_adds_a_peer_from_a_day_audited_and_peers_lists_it(as_node, tmp_path, db):
    as_node(GD)
    other = keys.create(SC, tmp_path / "sc.json")
    out = run("trust", *other.public_line().split(), "--on", "2026-11-01")
    assert "510000000000 trusted from 2026-11-01" in out
    peer = Peer.objects.get()
    assert (peer.code, peer.sign_key, peer.box_key, peer.revoked_on) == (SC, other.sign_public, other.box_public, None)
    event = AuditEvent.objects.get(action="node.trust")
    assert event.fields["code"] == SC and event.fields["trusted_from"] == "2026-11-01"
    assert directory.keys_of(SC, at("2026-10-31").date()) is None
    assert directory.keys_of(SC, at("2026-11-01").date()) == peer
    assert other.sign_public in run("peers")
    run("trust", other.public_line(), "--on", "2026-11-02")  # the same line again: nothing changes
    assert Peer.objects.count() == 1 and AuditEvent.objects.filter(action="node.trust").count() == 1


def test_rotation_trusts_the_new_keys_from_their_day_and_revokes_the_old(as_node, tmp_path, db):
    as_node(GD)
    old = keys.create(SC, tmp_path / "sc.json")
    directory.trust(line=old.public_line(), on=at("2026-01-01").date(), now=at("2026-01-01"))
    new = keys.create(SC, tmp_path / "sc.json", replace=True)
    directory.trust(line=new.public_line(), on=at("2026-11-20").date(), now=at("2026-11-20"))
    assert directory.keys_of(SC, at("2026-11-19").date()).sign_key == old.sign_public
    assert directory.keys_of(SC, at("2026-11-20").date()).sign_key == new.sign_public
    assert Peer.objects.get(sign_key=old.sign_public).revoked_on == at("2026-11-20").date()
    with pytest.raises(Invalid, match="revoked"):
        directory.trust(line=old.public_line(), on=at("2026-11-21").date(), now=at("2026-11-21"))


def test_revoke_withdraws_trust_from_a_day_audited(as_node, peer, db):
    as_node(GD)
    peer(SC)
    run("revoke", SC, "--on", "2026-11-25")
    assert directory.keys_of(SC, at("2026-11-24").date()) is not None
    assert directory.keys_of(SC, at("2026-11-25").date()) is None
    assert AuditEvent.objects.filter(action="node.revoke").count() == 1
    with pytest.raises(CommandError, match="no trusted node"):
        run("revoke", SC)


@pytest.mark.parametrize("line", ["", "510000000000", "5100 ed25519:abc x25519:def", "510000000000 ed25519:" + "A" * 43 + " x25519:" + "!" * 43])
def test_trust_refuses_what_is_not_an_init_line_and_writes_nothing(as_node, db, line):
    as_node(GD)
    with pytest.raises(Invalid):
        directory.trust(line=line, on=at("2026-11-28").date(), now=at("2026-11-28"))
    assert not Peer.objects.exists() and not AuditEvent.objects.filter(action="node.trust").exists()


def test_a_node_does_not_trust_itself(as_node, db):
    mine = as_node(GD)
    with pytest.raises(Invalid, match="own"):
        directory.trust(line=mine.public_line(), on=at("2026-11-28").date(), now=at("2026-11-28"))


def test_which_node_holds_a_division(as_node, peer, db):
    as_node(GD)
    assert directory.holds(GD, "440305001000") and not directory.holds(GD, "511921100000")
    assert directory.node_for("511921100000", at("2026-11-28").date()) == SC  # no peer: its province
    peer("511921000000")  # a small install: a county as its own node
    assert directory.node_for("511921100000", at("2026-11-28").date()) == "511921000000"


def test_status_shows_the_backlog_its_oldest_the_consumer_and_the_quarantine(as_node, settings, clerk, migrant):
    import json

    from liudong.exchange import services
    from tests.conftest import TONGJIANG_T

    as_node(GD)
    settings.LIUDONG_NATS_URL = "nats://127.0.0.1:9"  # no server there: the consumer's count is unknown, the rest is shown
    services.send_message(actor=clerk, data={"kind": "verification", "topic": "births", "receiver": TONGJIANG_T, "person": migrant.pk,
                                             "subject": "核实", "body": "请核实。"}, now=at("2026-11-30"))
    data = json.loads(run("status", "--json"))
    assert data["node"] == GD and data["outbox_backlog"] == 1 and data["quarantined"] == 0 and data["consumer_pending"] is None
    assert data["oldest_unpublished"].startswith("2026-11-30")
