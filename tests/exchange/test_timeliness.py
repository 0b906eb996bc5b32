"""T3: the two-way timeliness figures, built from messages sent, answered, withdrawn and left
unanswered through exchange.services on dates that cross the Spring Festival and National Day
2026 and run to the end of the loaded calendar."""
import datetime

import pytest
from django.utils import timezone

from liudong.divisions.models import Division
from liudong.errors import Denied, Invalid, NotFound
from liudong.exchange import services, timeliness
from liudong.exchange.models import Message, State
from liudong.policy.calendar import CalendarNotLoaded
from tests.conftest import FUTIAN_T, NANSHAN, NANTOU, SHEKOU, TODAY, TONGJIANG_T

YEAR = {"start": "2026-01-01", "end": "2026-12-31"}
SICHUAN, GUANGDONG, SHENZHEN = "510000000000", "440000000000", "440300000000"


def at(day: str, hour: int = 10):
    return timezone.make_aware(datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour)))


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def send(actor, receiver, day, kind="correspondence", **extra):
    return services.send_message(actor=actor, data={"kind": kind, "topic": "births", "receiver": receiver, "subject": f"函 {day}", **extra}, now=at(day))


def answer(actor, message, day):
    return services.reply(actor=actor, message_id=message, data={"body": "已核实"}, now=at(day))


def draft(actor, receiver, send_due_on, day):
    return services.open_draft(actor=actor, kind="correspondence", topic="births", receiver=Division.objects.get(code=receiver), person=None, subject="应发函",
                               body="", send_due_on=d(send_due_on), rules_on=d(day), now=at(day))


@pytest.fixture
def traffic(world):
    return build_traffic(world)


def build_traffic(world):
    """Messages of 2026 between 南头 (Shenzhen), 南山街道, 园岭 (福田) and 诺江镇 (通江, Sichuan).

    Into 南头 (as receiver), all "correspondence" with 15 working days to answer:
      r1 诺江 2026-02-12, due 03-11 (Spring Festival), answered 03-11: on time (the deadline day)
      r2 诺江 2026-09-28, due 10-23 (National Day), answered 10-26: late
      r3 诺江 2026-11-02, due 11-23, unanswered: overdue as of 11-28
      r4 诺江 2026-11-20, due 12-11, unanswered: pending
      r5 诺江 2026-10-09, withdrawn by 诺江 on 10-12
      r6 园岭 2026-09-30, due 10-27, answered 10-09: on time
      not counted: a policy notice (no answer expected), one arrived 2025-12-30, a registered
      letter posted 2026-11-25 and not yet signed for.
    Into 南山街道: one from 诺江 2026-06-01 (due 06-23), answered 06-22.
    From 南头 (as sender):
      s1 to 诺江 2026-02-12, due 03-11, answered 03-12: late
      s2 to 诺江 2026-09-28, due 10-23, answered 10-09: on time
      s3 to 园岭 2026-11-02, due 11-23, unanswered: overdue
      drafts to 诺江: d1 send by 02-24, sent 02-24 (due 03-16, answered 03-02); d2 send by 10-09,
      sent 10-12 (late; due 11-02, unanswered: overdue); d3 send by 11-20, unsent (overdue);
      d4 send by 12-10, unsent (pending); d5 send by 11-10, withdrawn.
    """
    nantou, shekou, futian, tongjiang = world["township_clerk"], world["shekou_clerk"], world["futian_clerk"], world["tongjiang_clerk"]
    m = {}
    m["r1"] = send(tongjiang, NANTOU, "2026-02-12")
    assert m["r1"].reply_due_on == d("2026-03-11")
    answer(nantou, m["r1"], "2026-03-11")
    m["r2"] = send(tongjiang, NANTOU, "2026-09-28")
    assert m["r2"].reply_due_on == d("2026-10-23")
    answer(nantou, m["r2"], "2026-10-26")
    m["r3"] = send(tongjiang, NANTOU, "2026-11-02")
    assert m["r3"].reply_due_on == d("2026-11-23")
    m["r4"] = send(tongjiang, NANTOU, "2026-11-20")
    assert m["r4"].reply_due_on == d("2026-12-11")
    m["r5"] = send(tongjiang, NANTOU, "2026-10-09")
    services.close(actor=tongjiang, message_id=m["r5"], reason="当事人已返乡", now=at("2026-10-12"))
    m["r6"] = send(futian, NANTOU, "2026-09-30")
    assert m["r6"].reply_due_on == d("2026-10-27")
    answer(nantou, m["r6"], "2026-10-09")
    notice = send(tongjiang, NANTOU, "2026-05-06", kind="policy_notice")
    assert notice.reply_due_on is None
    send(tongjiang, NANTOU, "2025-12-30")
    letter = send(tongjiang, NANTOU, "2026-11-25", channel="letter", sent_at="2026-11-25 09:00", evidence="XA123456789CN")
    assert letter.arrived_on is None
    m["k1"] = send(tongjiang, SHEKOU, "2026-06-01")
    answer(shekou, m["k1"], "2026-06-22")

    m["s1"] = send(nantou, TONGJIANG_T, "2026-02-12")
    answer(tongjiang, m["s1"], "2026-03-12")
    m["s2"] = send(nantou, TONGJIANG_T, "2026-09-28")
    answer(tongjiang, m["s2"], "2026-10-09")
    m["s3"] = send(nantou, FUTIAN_T, "2026-11-02")
    m["d1"] = draft(nantou, TONGJIANG_T, "2026-02-24", "2026-02-13")
    services.dispatch(actor=nantou, message_id=m["d1"], data={}, now=at("2026-02-24"))
    m["d1"].refresh_from_db()
    assert m["d1"].reply_due_on == d("2026-03-16")
    answer(tongjiang, m["d1"], "2026-03-02")
    m["d2"] = draft(nantou, TONGJIANG_T, "2026-10-09", "2026-09-25")
    services.dispatch(actor=nantou, message_id=m["d2"], data={}, now=at("2026-10-12"))
    m["d3"] = draft(nantou, TONGJIANG_T, "2026-11-20", "2026-11-10")
    m["d4"] = draft(nantou, TONGJIANG_T, "2026-12-10", "2026-11-26")
    m["d5"] = draft(nantou, TONGJIANG_T, "2026-11-10", "2026-11-02")
    services.close(actor=nantou, message_id=m["d5"], reason="案件已撤回", now=at("2026-11-05"))
    services.tick(TODAY)
    return m


def rcv(received, withdrawn, answered, on_time, overdue_open, pending, reply_rate, on_time_rate, overdue_withdrawn=0):
    expected = received - withdrawn
    return {"received": received, "withdrawn": withdrawn, "expected": expected, "answered": answered, "on_time": on_time,
            "late": answered - on_time, "overdue_open": overdue_open, "overdue_withdrawn": overdue_withdrawn,
            "overdue": answered - on_time + overdue_open + overdue_withdrawn, "pending": pending,
            "reply_rate": reply_rate, "on_time_rate": on_time_rate}


def answers_of(figs: dict) -> dict:
    return {k: figs[k] for k in timeliness.RECEIVER_KEYS if k != "received"}


# ------------------------------------------------------------------ the figures

def test_township_as_receiver(world, traffic):
    f = timeliness.figures(actor=world["township_clerk"], **YEAR, today=TODAY)
    assert f["division"] == NANTOU and f["start"] == d("2026-01-01") and f["end"] == d("2026-12-31")
    # r1..r6: 6 received, r5 withdrawn; r1, r6 on time, r2 late; r3 overdue; r4 pending.
    assert f["as_receiver"] == rcv(6, 1, 3, 2, 1, 1, 0.6, 0.4)


def test_township_as_sender_and_its_duty(world, traffic):
    s = timeliness.figures(actor=world["township_clerk"], **YEAR, today=TODAY)["as_sender"]
    # s1, s2, s3, d1, d2 were sent (the answers 南头 sent are not counted here)
    assert (s["sent"], s["awaiting_arrival"], s["requests"]) == (5, 0, 5)
    # answered: s1 late, s2 and d1 on time; s3 and d2 unanswered past their deadlines
    assert answers_of({**s, "received": None}) == answers_of(rcv(5, 0, 3, 2, 2, 0, 0.6, 0.4))
    assert s["duty"] == {"to_send": 5, "sent_on_time": 1, "sent_late": 1, "unsent_overdue": 1, "unsent_pending": 1, "withdrawn": 1, "on_time_rate": 0.25}


def test_the_deadline_day_is_in_time_and_the_next_is_overdue(world, traffic):
    on_23 = timeliness.figures(actor=world["township_clerk"], **YEAR, today=d("2026-11-23"))["as_receiver"]
    on_24 = timeliness.figures(actor=world["township_clerk"], **YEAR, today=d("2026-11-24"))["as_receiver"]
    assert (on_23["overdue_open"], on_23["pending"]) == (0, 2)  # r3 due 11-23: still in time that day
    assert (on_24["overdue_open"], on_24["pending"]) == (1, 1)


def test_period_counts_by_arrival_and_sending_dates(world, traffic):
    # Spring Festival quarter: r1 (arrived 02-12, answered on time) and s1, d1 sent in it.
    f = timeliness.figures(actor=world["township_clerk"], start="2026-01-01", end="2026-03-31", today=TODAY)
    assert f["as_receiver"] == rcv(1, 0, 1, 1, 0, 0, 1.0, 1.0)
    assert (f["as_sender"]["sent"], f["as_sender"]["answered"], f["as_sender"]["on_time"], f["as_sender"]["late"]) == (2, 2, 1, 1)
    assert f["as_sender"]["duty"]["to_send"] == 1 and f["as_sender"]["duty"]["on_time_rate"] == 1.0
    # December 2025: the one that arrived 2025-12-30 (due in January, unanswered, overdue by now).
    f = timeliness.figures(actor=world["township_clerk"], start="2025-12-01", end="2025-12-31", today=TODAY)
    assert f["as_receiver"] == rcv(1, 0, 0, 0, 1, 0, 0.0, 0.0)


def test_rates_are_none_without_messages(world):
    f = timeliness.figures(actor=world["township_clerk"], **YEAR, today=TODAY)
    assert f["as_receiver"] == rcv(0, 0, 0, 0, 0, 0, None, None)
    assert f["as_sender"]["reply_rate"] is None and f["as_sender"]["duty"]["on_time_rate"] is None
    assert f["by_counterpart_province"] == []
    assert [row["code"] for row in f["by_division"]] == [NANTOU]


def test_counterpart_province_both_ways(world, traffic):
    """Journey step 6: Shenzhen sees how quickly Sichuan answered it, Sichuan how quickly Shenzhen did."""
    nantou = timeliness.figures(actor=world["township_clerk"], **YEAR, today=TODAY)
    rows = {row["code"]: row for row in nantou["by_counterpart_province"]}
    assert set(rows) == {SICHUAN, GUANGDONG} and rows[SICHUAN]["name"] == "四川省"
    # 南头 answering Sichuan: r1..r5 (r5 withdrawn): r1 on time, r2 late, r3 overdue, r4 pending.
    assert rows[SICHUAN]["as_receiver"] == rcv(5, 1, 2, 1, 1, 1, 0.5, 0.25)
    # 南头 answering Guangdong (园岭): r6 on time.
    assert rows[GUANGDONG]["as_receiver"] == rcv(1, 0, 1, 1, 0, 0, 1.0, 1.0)
    # Sichuan answering 南头: s1 late, s2 and d1 on time, d2 overdue.
    sichuan_answering = rows[SICHUAN]["as_sender"]
    assert (sichuan_answering["requests"], sichuan_answering["answered"], sichuan_answering["on_time"], sichuan_answering["overdue"]) == (4, 3, 2, 2)
    assert sichuan_answering["duty"]["to_send"] == 5
    assert rows[GUANGDONG]["as_sender"]["requests"] == 1 and rows[GUANGDONG]["as_sender"]["overdue_open"] == 1

    # The same figures seen from 诺江镇: as receiver from Guangdong = what 南头 saw as sender to Sichuan.
    tongjiang = timeliness.figures(actor=world["tongjiang_clerk"], **YEAR, today=TODAY)
    trows = {row["code"]: row for row in tongjiang["by_counterpart_province"]}
    assert trows[GUANGDONG]["as_receiver"]["received"] == 4  # s1, s2, d1, d2 (d3-d5 never sent)
    assert answers_of(trows[GUANGDONG]["as_receiver"]) == answers_of({**sichuan_answering, "received": None})


def test_county_breakdown_by_township(world, traffic):
    f = timeliness.figures(actor=world["county_officer"], **YEAR, today=TODAY)
    assert f["division"] == NANSHAN
    rows = {row["code"]: row for row in f["by_division"]}
    assert set(rows) == {NANTOU, SHEKOU} and not any(row["own"] for row in rows.values())
    assert rows[NANTOU]["as_receiver"] == rcv(6, 1, 3, 2, 1, 1, 0.6, 0.4)
    assert rows[SHEKOU]["as_receiver"] == rcv(1, 0, 1, 1, 0, 0, 1.0, 1.0)
    assert rows[SHEKOU]["as_sender"]["sent"] == 0 and rows[SHEKOU]["as_sender"]["reply_rate"] is None
    # the county's totals are the sum of its townships
    assert f["as_receiver"] == rcv(7, 1, 4, 3, 1, 1, round(4 / 6, 4), 0.5)


def test_province_breakdown_by_city_lists_every_city(world, traffic):
    f = timeliness.figures(actor=world["province_officer"], **YEAR, today=TODAY)
    codes = [row["code"] for row in f["by_division"]]
    assert SHENZHEN in codes and "440100000000" in codes and len(codes) == Division.objects.filter(parent_id=GUANGDONG).count()
    shenzhen = next(row for row in f["by_division"] if row["code"] == SHENZHEN)
    # 南头 6 + 南山街道 1 + 园岭 1 (s3 from 南头)
    assert shenzhen["as_receiver"]["received"] == 8 and f["as_receiver"]["received"] == 8
    guangzhou = next(row for row in f["by_division"] if row["code"] == "440100000000")
    assert guangzhou["as_receiver"]["received"] == 0 and guangzhou["as_receiver"]["reply_rate"] is None
    # messages inside Guangdong count on both sides: r6 (园岭 -> 南头) and s3 (南头 -> 园岭)
    assert f["as_sender"]["sent"] == 5 + 1


def test_county_own_office_is_a_row_of_its_own(world, traffic):
    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff

    officer = Staff.objects.create(username="nanshan_office", role=Role.COUNTY_OFFICER, division_id=NANSHAN)
    msg = send(world["tongjiang_clerk"], NANSHAN, "2026-10-09")
    answer(officer, msg, "2026-10-29")  # due 10-29 across National Day: on time
    f = timeliness.figures(actor=world["county_officer"], **YEAR, today=TODAY)
    own = f["by_division"][0]
    assert own["own"] and own["code"] == NANSHAN and own["as_receiver"] == rcv(1, 0, 1, 1, 0, 0, 1.0, 1.0)


def test_end_of_loaded_calendar(world):
    """A deadline that would run into 2027 cannot be computed, so no such message exists to count;
    one due on 2026-12-31 counts, and the figures for a period reaching into 2027 need no calendar."""
    tongjiang = world["tongjiang_clerk"]
    last = send(tongjiang, NANTOU, "2026-12-10")
    assert last.reply_due_on == d("2026-12-31")
    with pytest.raises(CalendarNotLoaded):
        send(tongjiang, NANTOU, "2026-12-11")
    period = {"start": "2026-12-01", "end": "2027-06-30"}
    assert timeliness.figures(actor=world["township_clerk"], **period, today=d("2026-12-31"))["as_receiver"] == rcv(1, 0, 0, 0, 0, 1, 0.0, 0.0)
    assert timeliness.figures(actor=world["township_clerk"], **period, today=d("2027-01-04"))["as_receiver"] == rcv(1, 0, 0, 0, 1, 0, 0.0, 0.0)
    assert Message.objects.filter(state=State.SENT).count() == 1


# ------------------------------------------------------------------ role, scope, input

def test_scope_role_and_input(world, traffic):
    clerk = world["township_clerk"]
    for code in (SHEKOU, NANSHAN, TONGJIANG_T, "440305999000", "999999999999"):
        with pytest.raises(NotFound):
            timeliness.figures(actor=clerk, division_code=code, **YEAR, today=TODAY)
    with pytest.raises(Invalid) as e:  # outside and wrong besides: one answer with every field's error
        timeliness.figures(actor=clerk, division_code=SHEKOU, start="2026-01-01", end="2025-12-31", today=TODAY)
    assert set(e.value.errors) == {"division", "end"} and "不在您的管辖范围内" in e.value.errors["division"][0]
    with pytest.raises(Denied):
        timeliness.figures(actor=world["police_officer"], **YEAR, today=TODAY)
    with pytest.raises(Invalid) as e:
        timeliness.figures(actor=clerk, division_code="4403", start="2026-02-30", end="", today=TODAY)
    assert set(e.value.errors) == {"division", "start", "end"}
    with pytest.raises(Invalid) as e:
        timeliness.figures(actor=clerk, division_code="440305001999", **YEAR, today=TODAY)  # in scope, no such division
    assert "division" in e.value.errors
    with pytest.raises(Invalid) as e:
        timeliness.figures(actor=clerk, start="2026-10-08", end="2026-10-01", today=TODAY)
    assert e.value.errors["end"][0].startswith("结束日期早于开始日期")
    # the nation sees any place
    f = timeliness.figures(actor=world["nation_officer"], division_code=TONGJIANG_T, **YEAR, today=TODAY)
    # r1-r5, the policy notice, the letter still on its way and k1 (not the one of 2025)
    assert (f["as_sender"]["sent"], f["as_sender"]["awaiting_arrival"], f["as_sender"]["requests"]) == (8, 1, 6)


def test_queries_read_the_t3_indexes(world, traffic):
    """The province-and-year target rests on the query shape: on SQLite each query is one pass
    over a covering index in GROUP BY order (no sort, no table rows); on PostgreSQL the planner
    has the statistics of the (place, province) groups."""
    from django.db import connection

    period = timeliness.parse(actor=world["province_officer"], division_code=None, start="2026-01-01", end="2026-12-31")
    queries = {"message_t3_received": timeliness._received_rows(period, TODAY), "message_t3_sent": timeliness._sent_rows(period, TODAY),
               "message_t3_duty": timeliness._duty_rows(period, TODAY)}
    if connection.vendor == "sqlite":
        for index, qs in queries.items():
            plan = qs.explain()
            assert f"COVERING INDEX {index}" in plan and "TEMP B-TREE" not in plan, plan
    else:
        with connection.cursor() as cur:
            cur.execute("SELECT stxname FROM pg_statistic_ext WHERE stxname LIKE 'message_t3_%%'")
            assert {r[0] for r in cur.fetchall()} == {"message_t3_received_stats", "message_t3_sent_stats"}
