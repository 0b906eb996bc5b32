"""Issue 16 (T1, X2): a township's monthly report approved or returned by its county on another
node. Nodes: the hub, 南山区 (440305000000, the county) and 南头街道 (440305001000, a township
node of its own inside it), each its own process, database and nats-server
(tests/federation/cluster.py).

南头 submits October; it reaches 南山's node as a `report` message and is mirrored there as 南头's
report, submitted. 南山 returns it with a reason: a `report` envelope takes the return back and
南头's report is returned with that reason. 南头 submits again; 南山 approves: 南头's report is
approved there with the figures 南山 approved, and 南山's own report, which needs every child
approved, may now be submitted."""
import pytest

from .cluster import Cluster, migrated_template, wait_for

NANSHAN, NANTOU, P = "440305000000", "440305001000", "2026-10"
REASON = "流入人口数与上月差异较大，请核实后重报"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    c = Cluster(folder, migrated_template(folder), (NANSHAN, NANTOU))
    try:
        yield c.start()
    finally:
        c.close()


def _state(node, code, wanted, message=None):
    def check():
        got = node.do("report_of", {"division": code, "period": P})
        return got if got["state"] == wanted and (message is None or got["message"] != message) else None
    return check


def test_t1_x2_a_report_returned_then_approved_on_the_county_node_changes_the_townships_report(cluster):
    town, county = cluster.nodes[NANTOU], cluster.nodes[NANSHAN]
    sent = town.do("reports_up", {"period": P})
    assert sent["state"] == "submitted" and sent["message"], sent
    # On the county's node it is 南头's report, submitted, with the figures 南头 computed.
    mirrored = wait_for(_state(county, NANTOU, "submitted"), timeout=120)
    assert mirrored, county.log()[-3000:]
    assert mirrored["figures"] == sent["figures"] and mirrored["steps"] == [["submit", "submitted", NANTOU, ""]]

    # The county returns it with a reason; the township's node learns it.
    assert county.do("report_decide", {"division": NANTOU, "period": P, "act": "return", "reason": REASON, "by": NANSHAN})["state"] == "returned"
    returned = wait_for(_state(town, NANTOU, "returned"), timeout=120)
    assert returned, town.log()[-3000:]
    assert returned["reason"] == REASON and returned["steps"][-1] == ["return", "returned", NANSHAN, REASON]
    assert ["report.return", True, NANSHAN] in returned["audit"]  # audited, as the county's act
    # 南山 cannot submit while 南头's report is not approved.
    refused = county.do("reports_up", {"period": P})
    assert "children" in refused.get("errors", {}), refused

    # The township submits again; the county approves.
    again = town.do("reports_up", {"period": P})
    assert again["state"] == "submitted" and again["message"] != sent["message"]
    assert wait_for(_state(county, NANTOU, "submitted"), timeout=120), county.log()[-3000:]
    approved_there = county.do("report_decide", {"division": NANTOU, "period": P, "act": "approve", "by": NANSHAN})
    assert approved_there["state"] == "approved"
    approved = wait_for(_state(town, NANTOU, "approved"), timeout=120)
    assert approved, town.log()[-3000:]
    assert approved["figures"] == approved_there["figures"] == again["figures"] and approved["approved_at"]
    assert approved["steps"][-1][:3] == ["approve", "approved", NANSHAN] and ["report.approve", True, NANSHAN] in approved["audit"]

    # The county's own report sees 南头's approval: 南山 submits.
    up = county.do("reports_up", {"period": P})
    assert up.get("state") == "submitted", up
    assert not town.do("show")["quarantined"] and not county.do("show")["quarantined"]
