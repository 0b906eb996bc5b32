"""Issue 16 (T1, X2), in one process: a township's report whose county is on another node.

On the county's node the report message is mirrored as the township's report, submitted; the
county's approval or return writes a `report` envelope in the act's transaction. On the
township's node that envelope changes the report once: a redelivery is a duplicate, a decision
about an earlier submission changes nothing (audited), and a forged or misaddressed one is
quarantined."""
import datetime
import json
import uuid

import pytest
from django.db import transaction

from liudong.accounts.models import AuditEvent
from liudong.federation import envelope
from liudong.federation.models import Outbox, Quarantined
from liudong.federation.receive import receive
from liudong.statistics import figures as stat_figures
from liudong.statistics import queries as stats_queries
from liudong.statistics import services as stats
from liudong.statistics.models import Report
from tests.conftest import NANSHAN, NANTOU, NANTOU_V1, NANTOU_V2, SHEKOU, SHEKOU_V1
from tests.exchange.helpers import at

P = "2026-10"
FIGURES = {"inflow": 12}


def sealed(sender_keys, to_keys, *, type_, kind, sender, receiver, body, gid=None):
    routing = {"id": gid or uuid.uuid4().hex, "type": type_, "kind": kind, "from_node": sender_keys.node, "to_node": to_keys.node, "sender": sender,
               "receiver": receiver, "created_at": at("2026-11-28").isoformat()}
    return envelope.seal(routing, json.dumps(body, ensure_ascii=False).encode(), keys=sender_keys, to_box_key=to_keys.box_public)


def decision(county_keys, town_keys, *, act, submission, reason="", division=NANTOU, figures=FIGURES, gid=None):
    body = {"division": division, "parent": NANSHAN, "period": P, "act": act, "reason": reason, "figures": figures, "submission": submission,
            "at": at("2026-11-28", 11).isoformat()}
    return sealed(county_keys, town_keys, type_="report", kind=act, sender=NANSHAN, receiver=NANTOU, body=body, gid=gid)


@pytest.fixture
def township_submitted(world, as_node, peer):
    """南头 is a node of its own (its county 南山 is another) and has submitted October."""
    county = peer(NANSHAN)
    town = as_node(NANTOU)
    for village in (NANTOU_V1, NANTOU_V2):
        stats.submit(actor=None, division_code=village, period=P, now=at("2026-11-28"))
        stats.approve(actor=None, division_code=village, period=P, now=at("2026-11-28"))
    report = stats.submit(actor=None, division_code=NANTOU, period=P, now=at("2026-11-28"))
    gid = Outbox.objects.get(message_id=report.message_id, type="message").global_id
    return county, town, report, gid


def test_t1_x2_a_return_from_the_county_node_returns_the_report_once(township_submitted):
    county, town, report, gid = township_submitted
    raw = decision(county, town, act="return", submission=gid, reason="请核实流入人口")
    assert receive(raw, now=at("2026-11-28", 12)) == "accepted"
    report.refresh_from_db()
    assert (report.state, report.return_reason) == ("returned", "请核实流入人口")
    step = report.steps.order_by("id").last()
    assert (step.act, step.actor_division, step.reason) == ("return", NANSHAN, "请核实流入人口")
    assert receive(raw, now=at("2026-11-28", 13)) == "duplicate"
    assert report.steps.count() == 2 and AuditEvent.objects.filter(action="report.return", object_id=str(report.pk)).count() == 1


def test_t1_x2_a_decision_about_an_earlier_submission_changes_nothing(township_submitted):
    county, town, report, gid = township_submitted
    assert receive(decision(county, town, act="return", submission=gid, reason="重报"), now=at("2026-11-28", 12)) == "accepted"
    again = stats.submit(actor=None, division_code=NANTOU, period=P, now=at("2026-11-28", 13))
    # The approval of the first submission, delivered late: the second is still waiting.
    assert receive(decision(county, town, act="approve", submission=gid), now=at("2026-11-28", 14)) == "accepted"
    again.refresh_from_db()
    assert again.state == "submitted"
    assert AuditEvent.objects.filter(action="report.remote_stale", object_id=str(again.pk)).exists()
    second = Outbox.objects.get(message_id=again.message_id, type="message").global_id
    assert receive(decision(county, town, act="approve", submission=second, figures=again.figures), now=at("2026-11-28", 15)) == "accepted"
    again.refresh_from_db()
    assert again.state == "approved" and again.approved_at is not None and again.approved_by is None


def test_t1_x2_a_forged_or_misaddressed_decision_is_quarantined(township_submitted, tmp_path):
    from liudong.federation import keys

    county, town, report, gid = township_submitted
    forger = keys.create(NANSHAN, tmp_path / "forger.key")  # 南山's code, other keys
    assert receive(decision(forger, town, act="approve", submission=gid), now=at("2026-11-28", 12)) == "refused"
    # Signed by 南山's node, but about a township that is not its child.
    assert receive(decision(county, town, act="approve", submission=gid, division=SHEKOU), now=at("2026-11-28", 12)) == "refused"
    report.refresh_from_db()
    assert report.state == "submitted"
    assert sorted(Quarantined.objects.values_list("reason", flat=True)) == ["forged", "misaddressed"]


def test_t1_x2_the_county_node_mirrors_the_report_and_its_decision_leaves_with_the_act(world, as_node, peer):
    town = peer(NANTOU)
    county_keys = as_node(NANSHAN)
    body = {"division": NANTOU, "period": P, "figures": FIGURES}
    message = {"kind": "report", "topic": "", "subject": "南头街道 2026-10 统计月报", "body": json.dumps(body, ensure_ascii=False), "rules_on": "2026-11-28",
               "rule_set": "", "sent_at": at("2026-11-28").isoformat(), "route": [], "person": None, "in_reply_to": None, "request_arrived_at": None,
               "attachments": []}
    gid = uuid.uuid4().hex
    raw = sealed(town, county_keys, type_="message", kind="report", sender=NANTOU, receiver=NANSHAN, body=message, gid=gid)
    assert receive(raw, now=at("2026-11-28", 10, 5)) == "accepted"
    mirrored = Report.objects.get(division_id=NANTOU)
    assert (mirrored.state, mirrored.figures) == ("submitted", FIGURES)
    assert NANTOU in [c.code for c in stats.children_not_approved(mirrored.division.parent, mirrored.period)]
    officer = world["county_officer"]
    with pytest.raises(RuntimeError), transaction.atomic():  # the envelope and the act commit or roll back together
        stats.approve(actor=officer, division_code=NANTOU, period=P, now=at("2026-11-28", 11))
        assert Outbox.objects.filter(type="report").count() == 1
        raise RuntimeError("the act fails")
    assert not Outbox.objects.filter(type="report").exists()
    stats.approve(actor=officer, division_code=NANTOU, period=P, now=at("2026-11-28", 11))
    row = Outbox.objects.get(type="report")
    sent = json.loads(row.payload)
    assert (row.sender, row.receiver, row.to_node, row.kind) == (NANSHAN, NANTOU, NANTOU, "approve")
    assert (sent["submission"], sent["figures"], sent["act"]) == (gid, FIGURES, "approve")
    assert NANTOU not in [c.code for c in stats.children_not_approved(mirrored.division.parent, mirrored.period)]
    # A report of this node's own (南山社区, under 南山街道) sends nothing when approved.
    stats.submit(actor=None, division_code=SHEKOU_V1, period=P, now=at("2026-11-28"))
    stats.approve(actor=None, division_code=SHEKOU_V1, period=P, now=at("2026-11-28"))
    assert Outbox.objects.filter(type="report").count() == 1


def test_t2_x2_on_the_county_node_a_townships_mirrored_report_keeps_its_nodes_figures_live_and_at_the_close(world, as_node, peer):
    """The county's node holds none of 南头's people: its page shows the figures 南头's node
    counted (live included), and the month close and the nightly refresh do not count them again
    here (they would be zeros)."""
    town = peer(NANTOU)
    county_keys = as_node(NANSHAN)
    message = {"kind": "report", "topic": "", "subject": "南头街道 2026-10 统计月报", "body": json.dumps({"division": NANTOU, "period": P, "figures": FIGURES}),
               "rules_on": "2026-11-28", "rule_set": "", "sent_at": at("2026-11-28").isoformat(), "route": [], "person": None, "in_reply_to": None,
               "request_arrived_at": None, "attachments": []}
    assert receive(sealed(town, county_keys, type_="message", kind="report", sender=NANTOU, receiver=NANSHAN, body=message), now=at("2026-11-28", 10)) == "accepted"
    officer = world["county_officer"]
    page = stats_queries.report(actor=officer, division_code=NANTOU, period=P, now=at("2026-11-28", 11))
    assert (page["figures"], page["live"], page["difference"]) == (FIGURES, FIGURES, stat_figures.difference(FIGURES, FIGURES))
    stats.close_month(actor=None, period=P, now=at("2026-11-28", 12))
    stats.refresh_live(now=at("2026-11-28", 13))
    mirrored = Report.objects.get(division_id=NANTOU)
    assert (mirrored.state, mirrored.figures, mirrored.live) == ("submitted", FIGURES, FIGURES)
    # This node's own township is counted here as always.
    assert Report.objects.get(division_id=SHEKOU).live.get("inflow") == 0



def test_t2_x2_the_county_above_a_township_node_counts_that_townships_figures_from_its_report(world, as_node, peer, clerk, migrant):
    """南山's figures on its node: its own townships counted from its database, and 南头 (a node of
    its own) from the figures 南头's node sent; a record this node keeps of someone living in 南头
    (李娜 here) is not counted again. Before 南头's report comes, 南头 counts nothing here."""
    from liudong.people import services as people
    from tests.conftest import TODAY, TONGJIANG_V, make_id

    town = peer(NANTOU)
    county_keys = as_node(NANSHAN)
    other, _ = people.register_person(actor=world["shekou_clerk"], data={"id_number": make_id("511921", "19920101", 77), "name": "周红",
                                                                          "hukou_division": TONGJIANG_V}, today=TODAY)
    people.record_arrival(actor=world["shekou_clerk"], person=other, data={"division": SHEKOU_V1, "address": "南山社区1栋", "arrived_on": "2025-03-01",
                                                                           "reason": "work"}, today=TODAY)
    first, end = datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)
    assert stat_figures.compute(NANSHAN, first, end)["inflow"] == 1  # 南头's report has not come: only 南山街道's own 周红
    message = {"kind": "report", "topic": "", "subject": "南头街道 2026-10 统计月报", "body": json.dumps({"division": NANTOU, "period": P, "figures": FIGURES}),
               "rules_on": "2026-11-28", "rule_set": "", "sent_at": at("2026-11-28").isoformat(), "route": [], "person": None, "in_reply_to": None,
               "request_arrived_at": None, "attachments": []}
    assert receive(sealed(town, county_keys, type_="message", kind="report", sender=NANTOU, receiver=NANSHAN, body=message), now=at("2026-11-28", 10)) == "accepted"
    assert stat_figures.compute(NANSHAN, first, end)["inflow"] == 12 + 1
    stats.close_month(actor=None, period=P, now=at("2026-11-28", 12))
    assert Report.objects.get(division_id=NANSHAN).live["inflow"] == 13 and Report.objects.get(division_id=SHEKOU).live["inflow"] == 1
    assert Report.objects.get(division_id=NANTOU).live == FIGURES
    # Without the township node in the directory (one database), 李娜 is 南头's again.
    from liudong.federation.models import Peer

    Peer.objects.filter(code=NANTOU).delete()
    assert stat_figures.compute(NANSHAN, first, end)["inflow"] == 2


def test_t4_x2_a_provinces_bulletin_sent_to_a_city_node_is_kept_there_for_its_officers(world, as_node, peer):
    """T4 across nodes: 广东's bulletin reaches 深圳 (a city node of its own) as a `bulletin`
    message; 深圳's node keeps it as 广东's bulletin of the month, which its officers list and
    read as in one database; made again, it replaces the figures, never a second one."""
    from liudong.statistics import bulletins
    from liudong.statistics.models import Bulletin

    province, city = "440000000000", "440300000000"
    gd = peer(province)
    sz = as_node(city)

    def bulletin_message(figures, hour):
        body = json.dumps({"bulletin": 7, "period": P, "figures": figures}, ensure_ascii=False)
        message = {"kind": "bulletin", "topic": "", "subject": "广东省 2026-10 流动人口信息系统使用情况通报", "body": body, "rules_on": "2026-11-16",
                   "rule_set": "", "sent_at": at("2026-11-16", hour).isoformat(), "route": [], "person": None, "in_reply_to": None,
                   "request_arrived_at": None, "attachments": []}
        return sealed(gd, sz, type_="message", kind="bulletin", sender=province, receiver=city, body=message)

    assert receive(bulletin_message({"reply_rate": 0.9, "records_entered": 5}, 10), now=at("2026-11-16", 11)) == "accepted"
    kept = Bulletin.objects.get()
    assert (kept.division_id, str(kept.period), kept.figures["records_entered"]) == (province, "2026-10-01", 5)
    officer = world["county_officer"]  # 南山: 广东 is her province
    assert [b.pk for b in bulletins.bulletins(actor=officer)] == [kept.pk]
    assert bulletins.bulletin(actor=officer, bulletin_id=kept.pk).figures["reply_rate"] == 0.9
    assert receive(bulletin_message({"reply_rate": 1.0, "records_entered": 6}, 12), now=at("2026-11-16", 13)) == "accepted"
    assert Bulletin.objects.count() == 1 and Bulletin.objects.get().figures["records_entered"] == 6
    assert AuditEvent.objects.filter(action="bulletin.remote").count() == 2
