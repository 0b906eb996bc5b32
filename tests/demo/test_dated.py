"""Issue 7 item 0: the working-day calendar ships 2004-2026 (X4). A demo built after it ends is
dated the last day the calendar covers well (demo/dating.py), says so in what it prints and on the
home page, and is as full as a demo built inside the calendar."""
import datetime
import io
import re

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from liudong.demo.dating import LONGEST_DEADLINE, world_date
from liudong.demo.models import DemoBuild
from liudong.policy.calendar import working_calendar

INSIDE = datetime.date(2026, 11, 30)
PAST = datetime.date(2027, 1, 15)
COVERED_UNTIL = datetime.date(2026, 12, 10)  # + 15 working days = 2026-12-31, the calendar's last day


def test_X4_the_demo_world_date_is_the_last_day_the_calendar_covers_well(db):
    cal = working_calendar()
    assert cal.last_day == datetime.date(2026, 12, 31)
    assert cal.add_working_days(COVERED_UNTIL, LONGEST_DEADLINE) == cal.last_day
    assert world_date(cal, INSIDE) == INSIDE
    assert world_date(cal, COVERED_UNTIL) == COVERED_UNTIL
    assert world_date(cal, COVERED_UNTIL + datetime.timedelta(days=1)) == COVERED_UNTIL
    assert world_date(cal, PAST) == COVERED_UNTIL


def test_X4_with_the_next_year_loaded_the_demo_carries_the_day_it_is_built(db):
    from liudong.policy import services_calendar
    from tests.policy.conftest import CSV_2027, NOW

    services_calendar.load_calendar_year(actor=None, year=2027, rows=services_calendar.read_calendar_csv(CSV_2027.encode()), source="test", now=NOW)
    assert world_date(working_calendar(), PAST) == PAST


class _Undo(Exception):
    pass


def _on(monkeypatch, day):
    """Pages and the API read the date through liudong.clock (django's clock): view them on `day`."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


def _build_and_look(client, monkeypatch, on) -> dict:
    """Build the demo on `on`, look at its pages that day, undo it all (a savepoint), return what was seen."""
    seen = {}
    try:
        with transaction.atomic():
            out = io.StringIO()
            call_command("demo", people=500, seed=7, on=on.isoformat(), stdout=out)
            seen["printed"] = out.getvalue()
            _on(monkeypatch, on)
            from liudong.accounts.models import Staff

            def as_(username):
                client.force_login(Staff.objects.get(username=username))

            as_("nanshan_officer")
            home = client.get("/").content.decode()
            seen["home"] = home
            link = re.search(r'href="(/timeliness/\?start=[0-9-]+&amp;end=[0-9-]+)"', home).group(1).replace("&amp;", "&")
            figures = client.get(link).context["result"]
            keep = ("received", "expected", "answered", "on_time", "late", "sent", "requests")
            for side in ("as_receiver", "as_sender"):
                for key in keep:
                    if key in figures[side]:
                        seen[f"timeliness {side} {key}"] = figures[side][key]
                seen[f"timeliness {side} unanswered"] = figures[side]["overdue_open"] + figures[side]["pending"]
            seen["timeliness duty to_send"] = figures["as_sender"]["duty"]["to_send"]
            for username in ("nantou_clerk", "nuojiang_clerk"):
                as_(username)
                for box in ("inbox", "outbox"):
                    seen[f"{username} {box}"] = client.get("/exchange/", {"box": box}).context["result"].count
            for username, kind in (("nantou_clerk", "birth"), ("nuojiang_clerk", "second_birth"), ("nanshan_officer", "fee")):
                as_(username)
                seen[f"{username} cases {kind}"] = client.get("/cases/", {"kind": kind, "status": "all"}).context["page"].paginator.count
            raise _Undo
    except _Undo:
        pass
    monkeypatch.undo()
    return seen


def test_X4_a_demo_built_past_the_calendar_is_as_full_as_one_built_inside_it(client, db, monkeypatch):
    inside = _build_and_look(client, monkeypatch, INSIDE)
    past = _build_and_look(client, monkeypatch, PAST)
    assert DemoBuild.objects.count() == 0  # both undone
    counts = {k: v for k, v in inside.items() if isinstance(v, int)}
    # the figures are there, and the world built "on" 2027-01-15 is the same world, dated 2026-12-10
    assert counts["nantou_clerk inbox"] > 0 and counts["nuojiang_clerk inbox"] > 0 and counts["nantou_clerk cases birth"] == 6
    assert counts["timeliness as_receiver received"] > 0 and counts["timeliness as_sender requests"] > 0
    assert counts["timeliness as_sender answered"] > 0 and counts["timeliness as_sender late"] > 0 and counts["nanshan_officer cases fee"] == 2
    assert {k: past[k] for k in counts} == counts
    # ... and says so: printed, and on the home page
    assert "2026-11-30" in inside["printed"] and "不是" not in inside["printed"]
    assert "演示数据，日期为 2026-11-30" in inside["home"] and "工作日历只载入到" not in inside["home"]
    assert "演示数据的日期为 2026-12-10，而不是 2027-01-15" in past["printed"] and "the demo world is dated 2026-12-10, not 2027-01-15" in past["printed"]
    assert "演示数据，日期为 2026-12-10" in past["home"] and "生成于 2027-01-15，但工作日历只载入到 2026-12-31" in past["home"]
