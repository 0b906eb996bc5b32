"""Issue 16, step 4: nodes exchanging through NATS JetStream on this machine. A hub server
(JetStream domain `hub`) and two provinces as leaf nodes with their own domains, each with its
own Liudong node and SQLite file, run as separate processes (tests/federation/cluster.py). The
journey's verification request from a Shenzhen township is answered by a Sichuan township; then
the faults of the issue: 0 lost, 0 doubled, deadlines from the real arrival."""
import shutil
import signal
import time

import pytest

from .cluster import Cluster, migrated_template, wait_for

GD, SC = "440000000000", "510000000000"
pytestmark = pytest.mark.skipif(shutil.which("nats-server") is None and not __import__("os").path.exists("/usr/sbin/nats-server"),
                                reason="nats-server is installed by scripts/system-deps.sh")


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
