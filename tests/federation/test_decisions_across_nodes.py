"""Issue 16: decisions taken on another node. Nodes: the hub, 南山区 (440305000000, a county),
南头街道 (440305001000, a township node of its own inside it) and 四川 (510000000000), each its own
process, database and nats-server (tests/federation/cluster.py). 李娜 lives in 南头 (红花园社区
since 2025-03-01); her hukou is in 四川 (诺江村), whose node keeps her period from 南头's.

Monthly reports (T1, X2): a township's report approved or returned by its county on another node.

南头 submits October; it reaches 南山's node as a `report` message and is mirrored there as 南头's
report, submitted. 南山 returns it with a reason: a `report` envelope takes the return back and
南头's report is returned with that reason. 南头 submits again; 南山 approves: 南头's report is
approved there with the figures 南山 approved, and 南山's own report, which needs every child
approved, may now be submitted.

Arrival claims (hole 1, X2): her hukou township claims her return home; her open period is 南头's,
so the claim goes to 南头's node, which disputes it with a reason (the reason comes back), then
accepts a second one: her period at 南头 ends there on the claimed day, and on 四川's node the
claim is accepted and her return recorded from that day."""
import pytest

from .cluster import Cluster, migrated_template, wait_for

NANSHAN, NANTOU, SC, P = "440305000000", "440305001000", "510000000000", "2026-10"
NANTOU_V1, TONGJIANG_V = "440305001001", "511921100001"
REASON = "流入人口数与上月差异较大，请核实后重报"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    folder = tmp_path_factory.mktemp("decisions")
    c = Cluster(folder, migrated_template(folder), (NANSHAN, NANTOU, SC))
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


def test_r2_x2_an_arrival_claim_to_her_place_on_another_node_is_disputed_then_accepted_there(cluster):
    town, home = cluster.nodes[NANTOU], cluster.nodes[SC]
    # Her hukou node keeps her period at 南头 (a person event from 南头's node).
    assert wait_for(lambda: home.do("claims_of")["periods"], timeout=120) == [[NANTOU_V1, "2025-03-01", None, "arrival", ""]], home.log()[-3000:]
    first = home.do("claim_home", {"on": "2026-11-10"})
    assert (first["state"], first["receiver"]) == ("pending", NANTOU)
    # 南头's node keeps the claim, linked to its message, and disputes it.
    assert wait_for(lambda: [c for c in town.do("claims_of")["claims"] if c[0] == "pending" and c[4]], timeout=120), town.log()[-3000:]
    town.do("claim_answer", {"act": "dispute", "reason": "她仍在南头居住，11月10日并未离开"})
    disputed = wait_for(lambda: [c for c in home.do("claims_of")["claims"] if c[0] == "disputed"], timeout=120)
    assert disputed and disputed[0][1] == "她仍在南头居住，11月10日并未离开", home.log()[-3000:]
    assert home.do("claims_of")["periods"] == [[NANTOU_V1, "2025-03-01", None, "arrival", ""]]  # nothing written

    home.do("claim_home", {"on": "2026-11-20"})
    assert wait_for(lambda: [c for c in town.do("claims_of")["claims"] if c[0] == "pending" and c[4]], timeout=120), town.log()[-3000:]
    there = town.do("claim_answer", {"act": "accept"})
    assert there["claims"][-1][0] == "accepted" and there["periods"] == [[NANTOU_V1, "2025-03-01", "2026-11-20", "arrival", "departure"]]
    accepted = wait_for(lambda: [c for c in home.do("claims_of")["claims"] if c[0] == "accepted"], timeout=120)
    assert accepted and accepted[0][5], home.log()[-3000:]  # the claim opened her period at home
    assert home.do("claims_of")["periods"] == [[NANTOU_V1, "2025-03-01", "2026-11-20", "arrival", "departure"], [TONGJIANG_V, "2026-11-20", None, "return", ""]]
    assert not town.do("show")["quarantined"] and not home.do("show")["quarantined"]
