"""Issue 16, step 4: nodes exchanging through NATS JetStream on this machine. A hub server
(JetStream domain `hub`) and two provinces as leaf nodes with their own domains, each with its
own Liudong node and SQLite file, run as separate processes (tests/federation/cluster.py). The
journey's verification request from a Shenzhen township is answered by a Sichuan township; then
the faults of the issue: 0 lost, 0 doubled, deadlines from the real arrival."""
import os
import signal
import time

import pytest

from .cluster import Cluster, migrated_template, wait_for

GD, SC = "440000000000", "510000000000"
# nats-server is installed by scripts/system-deps.sh (make test, .ci/run): these tests fail without it.


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cluster")
    c = Cluster(folder, migrated_template(folder), (GD, SC))
    try:
        yield c.start()
    finally:
        c.close()


def answered(gd, ids):
    """The requests `ids` of the Shenzhen node, once all are answered there."""
    mine = {m["id"]: m for m in gd.do("show")["messages"]}
    return [mine[i] for i in ids] if all(mine[i]["state"] == "answered" for i in ids) else None


def verifications(node):
    return [m for m in node.do("show")["messages"] if m["kind"] == "verification"]


def test_x2_x5_b2_b3_the_journey_request_from_shenzhen_is_answered_by_sichuan(cluster):
    gd, sc = cluster.nodes[GD], cluster.nodes[SC]
    (sent,) = gd.do("send")["ids"]
    got = wait_for(lambda: verifications(sc), timeout=60)
    assert len(got) == 1, sc.log()
    there = got[0]
    assert there["sender"] == "440305001000" and there["receiver"] == "511921100000" and there["subject"] == "核实李娜婚育情况 0"
    assert there["person"] is not None and there["arrived_at"] and there["due_on"]  # R8: matched by her ID number; X5: clock from its arrival
    shown = sc.do("show")
    assert shown["received"][0]["person"]["name"] == "李娜"
    # X5: the receipt brings the arrival time back to Shenzhen, where the same answer-by date runs.
    here = wait_for(lambda: [m for m in gd.do("show")["messages"] if m["id"] == sent and m["arrived_at"]], timeout=60)
    assert here and here[0]["arrived_at"] == there["arrived_at"] and here[0]["reply_due_on"] == there["reply_due_on"], gd.log()
    sc.do("reply")
    request = wait_for(lambda: answered(gd, [sent]), timeout=60)
    assert request, gd.log()
    answers = [m for m in gd.do("show")["messages"] if m["kind"] == "reply"]
    assert len(answers) == 1 and answers[0]["in_reply_to"] == sent and answers[0]["body"] == "已核实：户籍地无违规生育记录。"
    assert not gd.do("show")["quarantined"] and not sc.do("show")["quarantined"]


def subjects(node, prefix: str) -> list[str]:
    return [r[0] for r in node.query("SELECT subject FROM exchange_message WHERE kind = 'verification' AND subject LIKE ?", prefix + "%")]


def send_batch(gd, tag: str, count: int) -> list[str]:
    gd.do("send", {"count": count, "tag": tag})
    return [f"{tag} {i}" for i in range(count)]


def exactly_once(sc, expected: list[str], timeout: float = 90):
    """Every expected message arrived once at the Sichuan node: none lost, none doubled."""
    tag = expected[0].rsplit(" ", 1)[0]
    got = wait_for(lambda: len(subjects(sc, tag)) >= len(expected), timeout=timeout)
    arrived = subjects(sc, tag)
    assert got and sorted(arrived) == sorted(expected), (len(arrived), len(expected), sc.log()[-2000:])


def test_node_run_stops_cleanly_on_sigterm_and_the_relay_killed_between_commit_and_publish_loses_nothing(cluster):
    gd, sc = cluster.nodes[GD], cluster.nodes[SC]
    assert gd.stop(signal.SIGTERM) == 0  # finishes what it holds, exits 0
    expected = send_batch(gd, "relay-down", 40)  # committed with their outbox rows; nobody publishes
    assert gd.query("SELECT count(*) FROM federation_outbox WHERE published_at IS NULL")[0][0] >= 40
    gd.start()
    exactly_once(sc, expected)
    # Killed hard in the middle of publishing a larger batch, then started again.
    expected = send_batch(gd, "relay-killed", 300)
    wait_for(lambda: gd.query("SELECT count(*) FROM federation_outbox WHERE published_at IS NOT NULL AND kind = 'verification'")[0][0] > 0, every=0.05)
    gd.stop(signal.SIGKILL)
    gd.start()
    exactly_once(sc, expected)


def test_everything_published_twice_is_received_once(cluster):
    gd, sc = cluster.nodes[GD], cluster.nodes[SC]
    expected = send_batch(gd, "twice", 30)
    exactly_once(sc, expected)
    gd.stop()
    before = sc.query("SELECT count(*) FROM federation_received")[0][0]
    assert gd.do("unpublish")["rows"] >= 30  # the relay died after the acks, before marking: all go again
    gd.start()
    wait_for(lambda: gd.query("SELECT count(*) FROM federation_outbox WHERE published_at IS NULL")[0][0] == 0)
    time.sleep(3)
    assert sc.query("SELECT count(*) FROM federation_received")[0][0] == before
    assert sorted(subjects(sc, "twice")) == sorted(expected)


def test_the_receiver_killed_between_its_commit_and_its_acknowledgement_doubles_nothing(cluster):
    gd, sc = cluster.nodes[GD], cluster.nodes[SC]
    tag = "receiver-killed"
    expected = send_batch(gd, tag, 400)
    wait_for(lambda: len(subjects(sc, tag)) > 0, every=0.05)
    sc.stop(signal.SIGKILL)  # some committed and not yet acknowledged: JetStream delivers them again
    sc.start()
    exactly_once(sc, expected)
    assert not sc.query("SELECT global_id FROM federation_received GROUP BY global_id HAVING count(*) > 1")


def test_the_hub_stopped_and_restarted_with_its_storage_loses_nothing_and_counts_from_the_real_arrival(cluster):
    gd, sc = cluster.nodes[GD], cluster.nodes[SC]
    cluster.hub_server.stop()
    expected = send_batch(gd, "hub-down", 30)
    # The province keeps accepting: the relay publishes to its own server's stream.
    assert wait_for(lambda: gd.query("SELECT count(*) FROM federation_outbox WHERE published_at IS NULL")[0][0] == 0, timeout=30)
    time.sleep(2)
    assert subjects(sc, "hub-down") == []
    restarted = time.time()
    cluster.hub_server.start()
    exactly_once(sc, expected, timeout=120)
    rows = sc.query("SELECT sent_at, arrived_at, arrived_on, reply_due_on FROM exchange_message WHERE subject LIKE 'hub-down%'")
    for sent_at, arrived_at, arrived_on, due in rows:
        assert arrived_at > sent_at and due > arrived_on  # X5: the clock runs from the real arrival


def test_a_leaf_cut_off_from_the_hub_keeps_queuing_and_delivers_when_the_link_returns(cluster):
    gd, sc = cluster.nodes[GD], cluster.nodes[SC]
    server = cluster.servers[GD]
    server.stop()
    server.start(linked=False)
    expected = send_batch(gd, "cut-off", 30)
    assert wait_for(lambda: gd.query("SELECT count(*) FROM federation_outbox WHERE published_at IS NULL")[0][0] == 0, timeout=60), gd.log()[-2000:]
    time.sleep(2)
    assert subjects(sc, "cut-off") == []
    server.stop()
    server.start(linked=True)
    exactly_once(sc, expected, timeout=120)


def cpu_seconds(node) -> float:
    fields = open(f"/proc/{node.runner.pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_node_run_never_spins_idle_or_with_its_server_down_logs_one_line_a_problem_and_reconnects_on_its_own(cluster):
    gd, sc = cluster.nodes[GD], cluster.nodes[SC]
    server = cluster.servers[GD]
    before = cpu_seconds(gd)
    time.sleep(6)
    assert cpu_seconds(gd) - before < 1.5  # idle: it waits on the server or a timer (a spinning loop burns ~6 s here)
    lines = len(gd.log().splitlines())
    server.stop()
    before = cpu_seconds(gd)
    time.sleep(6)  # every loop retries every second or so: the problem is logged once, not at each retry
    assert cpu_seconds(gd) - before < 1.5
    during = gd.log().splitlines()[lines:]
    assert during and len(during) <= 6 and len(set(during)) == len(during), during
    server.start()
    expected = send_batch(gd, "reconnected", 10)  # the same process, reconnected on its own
    exactly_once(sc, expected, timeout=120)
    assert gd.runner.poll() is None


def test_a_forged_signature_and_an_unknown_node_are_quarantined_and_acknowledged(cluster, tmp_path):
    import asyncio
    import json
    import uuid

    import nats

    from liudong.federation import envelope, keys

    gd, sc = cluster.nodes[GD], cluster.nodes[SC]
    _, _, sc_box = keys.parse_line(cluster.lines[SC])
    impostor = keys.create(GD, tmp_path / "impostor.json")
    stranger = keys.create("450000000000", tmp_path / "stranger.json")
    body = json.dumps({"kind": "verification", "subject": "伪造", "body": "", "rules_on": "2026-11-28", "person": None}).encode()

    def forged(key, from_node, sender):
        routing = {"id": uuid.uuid4().hex, "type": "message", "kind": "verification", "from_node": from_node, "to_node": SC, "sender": sender,
                   "receiver": "511921100000", "created_at": "2026-11-28T10:00:00+08:00"}
        return routing["id"], envelope.seal(routing, body, keys=key, to_box_key=sc_box)

    async def publish(items):
        nc = await nats.connect(cluster.servers[GD].url)
        js = nc.jetstream(domain=f"n{GD}")
        for gid, raw in items:
            await js.publish(f"liudong.{GD}.{SC}", raw, headers={"Nats-Msg-Id": gid})
        await nc.close()

    items = [forged(impostor, GD, "440305001000"), forged(stranger, "450000000000", "450102001000")]
    asyncio.run(publish(items))
    ids = {gid for gid, _ in items}
    got = wait_for(lambda: {r[0]: r[1] for r in sc.query("SELECT global_id, reason FROM federation_quarantined") if r[0] in ids}.items() >= {(items[0][0], "forged")} and
                   len([r for r in sc.query("SELECT global_id FROM federation_quarantined") if r[0] in ids]) == 2, timeout=60)
    reasons = {r[0]: r[1] for r in sc.query("SELECT global_id, reason FROM federation_quarantined")}
    assert got and reasons[items[0][0]] == "forged" and reasons[items[1][0]] == "unknown_node"
    assert not subjects(sc, "伪造")
    status = json.loads(sc.liudong("node", "status", "--json"))
    assert status["quarantined"] >= 2 and wait_for(lambda: json.loads(sc.liudong("node", "status", "--json"))["consumer_pending"] == 0, timeout=30)


def test_a_node_learns_a_new_peer_its_new_keys_and_its_revocation_from_the_hubs_directory(cluster, tmp_path):
    """The hub's administrators trust, rotate and revoke a node at the hub only; the other nodes
    follow through the directory's key-value bucket (signed by the hub's key), audited."""
    from liudong.federation import keys

    gd, hub, code = cluster.nodes[GD], cluster.hub, "450000000000"
    gd.stop()
    gd.env["LIUDONG_HUB_DIRECTORY"] = "1"
    gd.start()
    first = keys.create(code, tmp_path / "gx.json")
    hub.liudong("node", "trust", *first.public_line().split(), "--on", "2026-11-01")

    def rows():
        return [tuple(str(v) if v is not None else None for v in r) for r in gd.query(
            "SELECT sign_key, trusted_from, revoked_on, added_by FROM federation_peer WHERE code = ? ORDER BY id", code)]

    assert wait_for(lambda: rows() == [(first.sign_public, "2026-11-01", None, "hub directory")], timeout=90), (rows(), gd.log()[-2000:])
    assert gd.query("SELECT count(*) FROM accounts_auditevent WHERE action = 'node.trust' AND CAST(fields AS TEXT) LIKE ?", f"%{first.sign_public}%")[0][0] == 1
    second = keys.create(code, tmp_path / "gx.json", replace=True)
    hub.liudong("node", "trust", *second.public_line().split(), "--on", "2026-11-20")
    assert wait_for(lambda: rows() == [(first.sign_public, "2026-11-01", "2026-11-20", "hub directory"),
                                       (second.sign_public, "2026-11-20", None, "hub directory")], timeout=90), rows()
    hub.liudong("node", "revoke", code, "--on", "2026-11-25")
    assert wait_for(lambda: [r[2] for r in rows()] == ["2026-11-20", "2026-11-25"], timeout=90), rows()
    assert gd.query("SELECT count(*) FROM accounts_auditevent WHERE action = 'node.revoke'")[0][0] == 1
    gd.stop()
    del gd.env["LIUDONG_HUB_DIRECTORY"]
    gd.start()


def test_with_the_hubs_directory_watched_by_every_node_a_hub_restart_loses_nothing_and_the_watch_goes_on(cluster, tmp_path):
    """LIUDONG_HUB_DIRECTORY on in both provinces (the watch is an ordered consumer across the
    leaf link): the hub server stopped and restarted with its storage. Both nodes' `node run`
    stay up (or come back by themselves: one log line), the messages sent meanwhile arrive once,
    and a peer the hub's administrators trust after the restart reaches both directories."""
    from liudong.federation import keys

    gd, sc, hub = cluster.nodes[GD], cluster.nodes[SC], cluster.hub
    for node in (gd, sc):
        node.stop()
        node.env["LIUDONG_HUB_DIRECTORY"] = "1"
        node.start()
    try:
        time.sleep(3)
        cluster.hub_server.stop()
        expected = send_batch(gd, "watched-down", 20)
        assert wait_for(lambda: gd.query("SELECT count(*) FROM federation_outbox WHERE published_at IS NULL")[0][0] == 0, timeout=30), gd.log()[-2000:]
        time.sleep(5)
        cluster.hub_server.start()
        exactly_once(sc, expected, timeout=120)
        assert gd.runner.poll() is None and sc.runner.poll() is None, (gd.log()[-2000:], sc.log()[-2000:])
        code = "460000000000"
        fresh = keys.create(code, tmp_path / "hi.json")
        hub.liudong("node", "trust", *fresh.public_line().split(), "--on", "2026-11-01")
        for node in (gd, sc):
            learnt = wait_for(lambda n=node: n.query("SELECT sign_key FROM federation_peer WHERE code = ? AND revoked_on IS NULL", code) == [(fresh.sign_public,)],
                              timeout=120)
            assert learnt, node.log()[-3000:]
        assert gd.runner.poll() is None and sc.runner.poll() is None
    finally:
        for node in (gd, sc):
            node.stop()
            node.env.pop("LIUDONG_HUB_DIRECTORY", None)
            node.start()
