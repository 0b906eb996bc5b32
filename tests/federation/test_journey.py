"""Issue 16: the journey across nodes (../shared/spec/journey.md, steps 2, 6 and 7), through
NATS JetStream on this machine: the hub, Guangdong (440000000000), Shenzhen as a city node of its
own (440300000000, inside Guangdong's area) and Sichuan (510000000000), each its own process and
database (tests/federation/cluster.py).

- Step 2: her arrival, recorded in Shenzhen, reaches her hukou node's outflow record (J2, R3).
- Step 6: Shenzhen's approved month passes up to Guangdong as an exchange report (T1, X2).
- Step 7: her move and her departure reach the hukou node; her return home is Sichuan's own (R2)."""
import json

import pytest

from tests.conftest import make_id

from .cluster import Cluster, migrated_template, wait_for

GD, SZ, SC = "440000000000", "440300000000", "510000000000"
NANTOU_V1, NANTOU_V2 = "440305001001", "440305001002"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    folder = tmp_path_factory.mktemp("journey")
    c = Cluster(folder, migrated_template(folder), (GD, SZ, SC))
    try:
        yield c.start()
    finally:
        c.close()


def test_j2_x2_step2_her_arrival_in_shenzhen_reaches_her_hukou_nodes_outflow_record(cluster):
    sz, sc, gd = cluster.nodes[SZ], cluster.nodes[SC], cluster.nodes[GD]
    assert sz.do("her")["periods"] == [[NANTOU_V1, "2025-03-01", None, "arrival", True]]
    assert gd.do("her")["periods"] == []  # Guangdong's node does not keep Shenzhen's records
    got = wait_for(lambda: sc.do("her")["periods"], timeout=90)
    assert got == [[NANTOU_V1, "2025-03-01", None, "arrival", True]], sc.log()[-2000:]
    there = sc.do("her")
    assert len(there["people"]) == 1 and there["people"][0]["floating"]  # R8: the record Sichuan had, by her ID number
    assert [(name, on) for name, _, on in there["outflow"]] == [("李娜", "2025-03-01")] and there["outflow"][0][1].endswith("红花园社区")  # 流出地, 流出时间


def test_t1_x2_step6_shenzhens_approved_month_passes_up_to_guangdong(cluster):
    sz, gd = cluster.nodes[SZ], cluster.nodes[GD]
    sent = sz.do("report_up", {"period": "2026-10"})
    assert sent["message"]
    reports = lambda: [m for m in gd.do("show")["messages"] if m["kind"] == "report"]  # noqa: E731
    got = wait_for(reports, timeout=90)
    assert len(got) == 1, gd.log()[-2000:]
    report = got[0]
    assert (report["sender"], report["receiver"]) == (SZ, GD) and report["arrived_at"]
    assert json.loads(report["body"])["figures"] == sent["figures"]
    # X5: the receipt brings Guangdong's arrival time back to Shenzhen.
    back = wait_for(lambda: [m for m in sz.do("show")["messages"] if m["id"] == sent["message"] and m["arrived_at"]], timeout=60)
    assert back and back[0]["arrived_at"] == report["arrived_at"], sz.log()[-2000:]
    assert not gd.do("show")["quarantined"] and not sz.do("show")["quarantined"]
    # The hub records its states (routing only) for the national watch list, and holds no message.
    hub = cluster.hub
    sql = "SELECT sender, receiver, kind, sent_at IS NOT NULL, arrived_at IS NOT NULL FROM federation_watched WHERE sender = ?"
    watched = wait_for(lambda: [r for r in hub.query(sql, SZ) if r[3] and r[4]], timeout=60)
    assert watched and watched[0][:3] == (SZ, GD, "report"), hub.log()[-2000:]
    assert hub.query("SELECT count(*) FROM exchange_message")[0][0] == 0


def test_s2_x2_a_report_slip_recorded_where_she_lives_is_kept_by_her_hukou_node(cluster):
    """Issue 16, S2 (1-五-(三)-3/4), while she still lives in Shenzhen (before step 7 takes her home): Shenzhen's township records her check; the slip reaches her hukou
    node as a check of hers (and its message, as before, 诺江镇's inbox)."""
    sz, sc = cluster.nodes[SZ], cluster.nodes[SC]
    wait_for(lambda: sc.do("her")["periods"], timeout=90)
    number = sz.do("record_check")["report_number"]
    got = wait_for(lambda: [c for c in sc.do("checks_here")["checks"] if c[0] == number], timeout=90)
    assert got, sc.log()[-2000:]
    assert got[0][1:] == ["李娜", "440305001000", "residence", ["pregnancy", "iud"], "normal", got[0][6]] and got[0][6].startswith("5119")
    assert len(got) == 1 and not sc.do("show")["quarantined"]


def test_r2_j2_step7_her_move_reaches_both_nodes_and_her_return_ends_her_outflow(cluster):
    sz, sc = cluster.nodes[SZ], cluster.nodes[SC]
    wait_for(lambda: sc.do("her")["periods"], timeout=90)
    sz.do("move", {"on": "2026-11-20"})
    moved = [[NANTOU_V1, "2025-03-01", "2026-11-20", "arrival", True], [NANTOU_V2, "2026-11-20", None, "move", True]]
    assert sz.do("her")["periods"] == moved
    got = wait_for(lambda: sc.do("her")["periods"] == moved, timeout=90)
    assert got, (sc.do("her"), sc.log()[-2000:])
    assert [(place[-5:], on) for _, place, on in sc.do("her")["outflow"]] == [("红花园社区", "2025-03-01"), ("大汪山社区", "2026-11-20")]
    # She leaves Shenzhen; at home her hukou township records her return.
    sz.do("move", {"left_on": "2026-11-24"})
    left = wait_for(lambda: (sc.do("her")["periods"][-1][2] == "2026-11-24") and sc.do("her"), timeout=90)
    assert left and [p[0] for p in left["periods"]] == [NANTOU_V1, NANTOU_V2] and left["people"][0]["floating"], sc.log()[-2000:]
    sc.do("return_home", {"on": "2026-11-26"})
    home = sc.do("her")
    assert home["people"][0]["floating"] is False and home["periods"][-1][3] == "return"
    assert not sc.do("show")["quarantined"]


def test_j2_x2_a_bulk_imports_periods_reach_the_hukou_node_as_one_recorded_by_hand(cluster):
    """Issue 16: an import's periods (people.imports, set-based) send their person events in the
    import's transaction: one outbox row a period, to the hukou node, which keeps each."""
    sz, sc = cluster.nodes[SZ], cluster.nodes[SC]
    imported = sz.do("import_people", {"count": 3, "seq": 300})
    assert imported["created"] == 3
    numbers = imported["numbers"]
    assert sz.query("SELECT count(*) FROM federation_outbox WHERE type = 'person' AND kind = 'arrival'")[0][0] >= 4  # hers (step 2) and three
    want = {n: [[NANTOU_V1, "2026-10-01", "2026-11-10" if i == 1 else None, "arrival", True]] for i, n in enumerate(numbers)}
    got = wait_for(lambda: (lambda kept: kept == want and kept)(sc.do("periods_of", {"numbers": numbers})), timeout=90)
    assert got == want, (sc.do("periods_of", {"numbers": numbers}), sc.log()[-2000:])
    assert not sc.do("show")["quarantined"]


def test_c6_x2_her_certificate_passes_to_where_she_lives_and_its_verification_comes_back(cluster):
    """Issue 16, 1-五-(二): 诺江镇 issues a woman's certificate on Sichuan's node; a copy reaches Shenzhen's
    node (she lives there), whose township verifies it and finds a change; the verification and
    the change reach the certificate on Sichuan's node (C5, C6)."""
    sz, sc = cluster.nodes[SZ], cluster.nodes[SC]
    # Certificates were issued until 2021-08-20 (national-2021): 王芳 has lived in Shenzhen since 2021.
    wang = make_id("511921", "19950601", 410)
    sz.do("arrive", {"number": wang, "name": "王芳", "on": "2021-01-10"})
    wait_for(lambda: sc.do("periods_of", {"numbers": [wang]})[wang], timeout=90)  # Sichuan knows where she lives
    number = sc.do("issue_certificate", {"number": wang, "issued_on": "2021-03-01"})["number"]
    copy = wait_for(lambda: [c for c in sz.do("certificates_here")["certificates"] if c["number"] == number], timeout=90)
    assert copy and (copy[0]["person"], copy[0]["status"], copy[0]["township"]) == ("王芳", "active", number[:9] + "000"), sz.log()[-2000:]
    sz.do("verify_certificate", {"number": number, "verified_on": "2021-06-01", "result": "changed", "notes": "已怀孕，孕周12周"})
    back = wait_for(lambda: [c for c in sc.do("certificates_here")["certificates"] if c["number"] == number and c["verifications"]], timeout=90)
    assert back, sc.log()[-2000:]
    original = back[0]
    assert [v[:2] for v in original["verifications"]] == [["440305001000", "changed"]] and original["last_verified_on"]
    assert ["change", "440305001000", "已怀孕，孕周12周"] in original["entries"]
    assert not sc.do("show")["quarantined"] and not sz.do("show")["quarantined"]


def test_x1_x2_a_scan_travels_with_its_message_through_the_hub(cluster):
    import hashlib

    from .node_script import scan_bytes

    sz, sc = cluster.nodes[SZ], cluster.nodes[SC]
    sz.do("send", {"tag": "带附件", "scan_kb": 1500})  # 1.5 MB: more than NATS's default max_payload of 1 MB
    got = wait_for(lambda: sc.do("scans")["scans"], timeout=90)
    assert got and got[0][:3] == ["带附件 0", "核实材料.pdf", 1500 * 1024], sc.log()[-2000:]
    assert got[0][3] == hashlib.sha256(scan_bytes("带附件", 1500)).hexdigest()


def test_x3_x2_a_request_withdrawn_in_shenzhen_is_closed_in_sichuan_and_counted_so_at_the_hub(cluster):
    """Issue 16 (X3): the withdrawal travels through NATS as the request did: Sichuan's copy is
    closed with the reason, and the hub's row of the message has the day it was withdrawn."""
    sz, sc = cluster.nodes[SZ], cluster.nodes[SC]
    sz.do("send", {"tag": "撤回的核实"})
    arrived = wait_for(lambda: [m for m in sc.do("show")["messages"] if m["subject"].startswith("撤回的核实")], timeout=90)
    assert arrived and arrived[0]["state"] == "sent", sc.log()[-2000:]
    assert len(sz.do("withdraw", {"tag": "撤回的核实", "reason": "案件已办结"})["withdrawn"]) == 1
    closed = wait_for(lambda: [m for m in sc.do("show")["messages"] if m["subject"].startswith("撤回的核实") and m["state"] == "closed"], timeout=90)
    assert closed and closed[0]["due_on"] is None, sc.log()[-2000:]
    sql = "SELECT count(*) FROM federation_watched WHERE withdrawn_on IS NOT NULL AND sender = ?"
    assert wait_for(lambda: cluster.hub.query(sql, "440305001000")[0][0] == 1, timeout=90), cluster.hub.log()[-2000:]
    assert not sc.do("show")["quarantined"] and not cluster.hub.do("show")["quarantined"]


def test_q7_x2_a_desk_in_sichuan_asks_her_consent_through_her_station_in_shenzhen(cluster):
    """Issue 16 (Q7): 周兰 (hukou 诺江村) lives in 红花园社区; the desk of 通江县 on her hukou node
    finds her among 巴中's permanent population; her station, 南头街道, is on Shenzhen's node: the
    task reaches its police there through NATS, and her answer comes back and discloses, at the
    desk, the field she agreed to."""
    sz, sc = cluster.nodes[SZ], cluster.nodes[SC]
    number = make_id("511921", "19950707", 62)
    sz.do("arrive", {"number": number, "name": "周兰", "on": "2026-10-01"})
    assert wait_for(lambda: sc.do("periods_of", {"numbers": [number]})[number], timeout=90), sc.log()[-2000:]
    asked = sc.do("desk_ask", {"name": "周兰"})
    assert (asked["state"], asked["station"]) == ("awaiting_consent", "440305001000") and asked["global_id"]
    tasks = wait_for(lambda: [t for t in sz.do("consent_tasks")["tasks"] if t[0] == asked["file_number"]], timeout=90)
    assert tasks and tasks[0][1:3] == ["周兰", "511921000000"], sz.log()[-2000:]
    sz.do("consent_answer", {"file_number": asked["file_number"], "granted": True, "fields": ["temporary_address"]})
    done = wait_for(lambda: [s for s in sc.do("inquiry_of", {"file_number": asked["file_number"]})["subjects"] if s[0] == "answered"], timeout=90)
    assert done and done[0][1] == ["temporary_address"] and "红花园3栋" in json.dumps(done[0][2], ensure_ascii=False), sc.log()[-2000:]
    assert sc.do("inquiry_of", {"file_number": asked["file_number"]})["state"] == "answered"
    assert not sz.do("show")["quarantined"] and not sc.do("show")["quarantined"]
