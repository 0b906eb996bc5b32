"""Exchange benchmark (X3, T3): 1,000,000 open messages across a province, then the daily tick,
a township's inbox page and the timeliness figures of the province for a year.

    python bench/exchange.py [--messages N] [--answered N] [--db PATH|URL] [--keep] [--seed S]
                             [--tick-on DATE] [--requests R]

A fresh database: a SQLite file (default: under /tmp), or with
`--db postgresql://postgres@127.0.0.1:5432/liudong_bench_exchange` a PostgreSQL database of that
name, dropped and created anew. Migrated (the shipped division list holds 广东 440000000000 and
its counties), then:

- 10 townships under every county of 广东 (bulk_create);
- N open messages (default 1,000,000): verification requests, clues and notifications between
  广东's townships, from 广东's counties, from 四川's counties into 广东 and from 广东 to 四川,
  sent on days spread over 2026, with the answer-by date computed on the loaded working-day
  calendar (a WorkingCalendar snapshot, X4); states sent (not yet signed for), received, and
  draft (to send by a send-by date); one township (南山区's first, the "hot" one) gets 5,000
  open items in its inbox. Plus --answered requests (default 100,000) answered on time or late,
  so the figures are not all zeros. Inserted with executemany (SQLite) or COPY (PostgreSQL), a
  progress line every 100,000;

and measures

(a) `liudong exchange tick --on DATE` (the management command, or exchange.services.tick when
    the command does not exist): the first tick marks what fell due before DATE (by default
    2026-07-01, half a year of backlog: far more than a day's), then the next day's tick;
    target < 60 s;
(b) the inbox page /exchange/ of the hot township, Django test client with force_login of a
    township clerk there, median of R requests (target < 300 ms); also exchange.queries.inbox;
(c) the T3 figures of the province for 2026, by exchange.timeliness.figures and by the page
    /timeliness/ (target < 2 s).

Each figure is printed as a machine-readable line `BENCH exchange.<name> <value>` plus human text.
"""
import argparse
import datetime
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

GUANGDONG, SICHUAN = "440000000000", "510000000000"
HOT_COUNTY = "440305000000"  # 南山区
YEAR_START, LAST_SENT = datetime.date(2026, 1, 2), datetime.date(2026, 12, 10)  # answers stay inside the loaded calendar
HOT_OPEN = 5_000
TOWNSHIPS_PER_COUNTY = 10
PROGRESS = 100_000


def bench(name, value, text, unit=""):
    print(f"BENCH exchange.{name} {value}")
    print(f"  {text}: {value}{unit}", flush=True)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--messages", type=int, default=1_000_000, help="open messages (default 1,000,000)")
    p.add_argument("--answered", type=int, default=100_000, help="answered requests added besides (default 100,000)")
    p.add_argument("--db", default="", help="SQLite file, sqlite:///PATH or postgresql://... URL (default: a SQLite file under /tmp)")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--tick-on", default="2026-07-01", help="the day of the measured tick (default 2026-07-01)")
    p.add_argument("--requests", type=int, default=20, help="requests per page measurement (median)")
    return p.parse_args()


# ------------------------------------------------------------------ database

def prepare_database(args):
    """Point DATABASE_URL at a fresh database; return (url, cleanup)."""
    db = args.db
    if db.startswith("postgres"):
        import psycopg

        url = urlparse(db)
        name = url.path.lstrip("/") or "liudong_bench_exchange"
        admin = urlunparse(url._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        full = urlunparse(url._replace(path=f"/{name}"))

        def cleanup():
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        os.environ.setdefault("LIUDONG_DATA_DIR", tempfile.mkdtemp(prefix="liudong-bench-exchange-"))
        return full, cleanup, f"PostgreSQL database {name}"
    workdir = None
    if db:
        path = Path(db.removeprefix("sqlite:///") if db.startswith("sqlite:") else db).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        workdir = Path(tempfile.mkdtemp(prefix="liudong-bench-exchange-"))
        path = workdir / "exchange.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    os.environ.setdefault("LIUDONG_DATA_DIR", str(path.parent))

    def cleanup():
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)

    return f"sqlite:///{path}", cleanup, f"SQLite file {path}"


# ------------------------------------------------------------------ data

def make_places():
    """Townships under every county of 广东; returns (guangdong townships, guangdong counties,
    sichuan counties, the hot township)."""
    from django.db import transaction

    from liudong.codes import Level
    from liudong.divisions.models import Division

    counties = list(Division.objects.filter(level=Level.COUNTY, code__startswith="44").values_list("code", "name"))
    sichuan = list(Division.objects.filter(level=Level.COUNTY, code__startswith="51").values_list("code", flat=True))
    rows = []
    for code, name in counties:
        for n in range(1, TOWNSHIPS_PER_COUNTY + 1):
            rows.append(Division(code=f"{code[:6]}{n:03d}000", name=f"{name}第{n}镇", level=Level.TOWNSHIP, parent_id=code, edition="bench"))
    with transaction.atomic():
        Division.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    townships = [d.code for d in rows]
    hot = f"{HOT_COUNTY[:6]}001000"
    return townships, [c for c, _ in counties], sichuan, hot


def province(code):
    return code[:2].ljust(12, "0")


def route(sender, receiver):
    sp, rp = province(sender), province(receiver)
    if sp == rp:
        return f"{sender}>{sp}>{receiver}", False
    return f"{sender}>{sp}>000000000000>{rp}>{receiver}", True


class Rows:
    """Message rows as tuples in the table's column order, values as the database stores them."""

    def __init__(self, vendor, columns):
        self.vendor = vendor
        self.columns = columns

    def at(self, day, hour):
        text = f"{day.isoformat()} {hour:02d}:00:00"  # UTC; Asia/Shanghai 8 hours later on the same day
        return text if self.vendor == "sqlite" else text + "+00"

    def row(self, values: dict):
        return tuple(values.get(c) for c in self.columns)


# X1: every message has a topic of part 3, 三 (spread evenly, without drawing from the generator).
TOPICS = ("marriage", "births", "reproductive_health", "contraception", "certificate", "fee")


def generate(args, cal, rows: Rows, places):
    """Yield (row, is_open) for the open messages then the answered ones."""
    townships, gd_counties, sichuan, hot = places
    others = [t for t in townships if t != hot]  # the hot township's inbox holds exactly its HOT_OPEN
    rng = random.Random(args.seed)
    span = (LAST_SENT - YEAR_START).days
    reply_days = {"verification": 15, "clue": 15, "notification": None}
    kinds = ["verification"] * 17 + ["clue"] + ["notification"] * 2

    def pair(i, is_open):
        x = rng.random()
        if i < HOT_OPEN:
            sender = rng.choice(sichuan) if x < 0.4 else rng.choice(townships)
            return (sender if sender != hot else others[0]), hot
        if x < 0.55:
            return rng.choice(townships), rng.choice(others) if is_open else rng.choice(townships)
        if x < 0.75:
            return rng.choice(sichuan), rng.choice(others) if is_open else rng.choice(townships)
        if x < 0.92:
            return rng.choice(townships), rng.choice(sichuan)
        return rng.choice(gd_counties), rng.choice(others) if is_open else rng.choice(townships)

    total = args.messages + args.answered
    for i in range(total):
        is_open = i < args.messages
        sender, receiver = pair(i, is_open)
        if sender == receiver:
            receiver = others[0] if sender != others[0] else others[1]
        kind = rng.choice(kinds) if is_open else "verification"
        day = YEAR_START + datetime.timedelta(days=rng.randrange(span + 1))
        hour = rng.randrange(1, 9)
        rt, via = route(sender, receiver)
        v = {
            "kind": kind, "sender_id": sender, "receiver_id": receiver, "route": rt, "via_nation": via, "subject": f"核实函 第{i}号",
            "body": "请核实当事人婚育情况并于期限内反馈。", "topic": TOPICS[i % len(TOPICS)], "channel": "system", "evidence": "", "close_reason": "", "rules_on": day.isoformat(),
            "rule_set": "national-2009", "case_type": "", "created_at": rows.at(day, hour),
        }
        draft = is_open and i >= HOT_OPEN and rng.random() < 0.05 and province(sender) == GUANGDONG
        if draft:
            due = cal.add_working_days(day, 7)
            v.update(state="draft", send_due_on=due.isoformat(), due_on=due.isoformat())
        else:
            v.update(sent_at=rows.at(day, hour), sent_on=day.isoformat(), arrived_at=rows.at(day, hour), arrived_on=day.isoformat())
            days = reply_days[kind]
            if days is not None:
                v["reply_due_on"] = cal.add_working_days(day, days).isoformat()
            if is_open:
                received = rng.random() < 0.5
                v["state"] = "received" if received else "sent"
                v["due_on"] = v.get("reply_due_on")
                if received:
                    v["received_at"] = rows.at(day, hour + 1)
            else:
                answered = min(day + datetime.timedelta(days=rng.randrange(0, 30)), LAST_SENT)
                v.update(state="answered", received_at=rows.at(day, hour + 1), answered_at=rows.at(answered, 10), answered_on=answered.isoformat())
        yield rows.row(v), is_open


def load_messages(args, cal, places):
    from django.db import connection, transaction

    from liudong.exchange.models import Message

    fields = [f for f in Message._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    rows = Rows(connection.vendor, columns)
    table = Message._meta.db_table
    started = time.perf_counter()
    n = 0
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cur:
            with cur.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row, is_open in generate(args, cal, rows, places):
                    copy.write_row(row)
                    n += 1
                    if n % PROGRESS == 0:
                        print(f"    {n:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
    else:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
        batch = []
        with transaction.atomic(), connection.cursor() as cur:
            for row, is_open in generate(args, cal, rows, places):
                batch.append(row)
                n += 1
                if len(batch) == 10_000:
                    cur.executemany(sql, batch)
                    batch = []
                if n % PROGRESS == 0:
                    print(f"    {n:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
            if batch:
                cur.executemany(sql, batch)
    return n, time.perf_counter() - started


# ------------------------------------------------------------------ measurements

def median_ms(fn, n):
    times = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def run_tick(day):
    from django.core.management import call_command, get_commands

    from liudong.exchange import services
    from liudong.exchange.models import Message, State

    before = Message.objects.filter(state=State.OVERDUE).count()
    started = time.perf_counter()
    if "exchange" in get_commands():
        call_command("exchange", "tick", "--on", day.isoformat())
        how = "liudong exchange tick --on"
    else:
        services.tick(day)
        how = "exchange.services.tick (no `exchange` command yet)"
    seconds = time.perf_counter() - started
    marked = Message.objects.filter(state=State.OVERDUE).count() - before
    return seconds, marked, how


def main():
    args = parse_args()
    tick_on = datetime.date.fromisoformat(args.tick_on)
    url, cleanup, where = prepare_database(args)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liudong.settings")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff
    from liudong.exchange import timeliness, views_timeliness
    from liudong.exchange.models import Message, State
    from liudong.policy.calendar import working_calendar

    print(f"Liudong exchange benchmark: {args.messages:,} open + {args.answered:,} answered messages, seed {args.seed}, {where}", flush=True)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"  migrated in {time.perf_counter() - started:.1f} s", flush=True)

    started = time.perf_counter()
    places = make_places()
    townships, gd_counties, sichuan, hot = places
    clerk = Staff.objects.create(username="bench_hot_clerk", role=Role.TOWNSHIP_CLERK, division_id=hot)
    officer = Staff.objects.create(username="bench_province_officer", role=Role.PROVINCE_OFFICER, division_id=GUANGDONG)
    print(f"  {len(townships):,} townships under {len(gd_counties)} counties of 广东, {len(sichuan)} counties of 四川 "
          f"in {time.perf_counter() - started:.1f} s", flush=True)

    cal = working_calendar()
    print("  loading messages ...", flush=True)
    n, seconds = load_messages(args, cal, places)
    bench("load_s", f"{seconds:.1f}", f"inserted {n:,} messages ({'COPY' if connection.vendor == 'postgresql' else 'executemany'})", " s")
    if connection.vendor == "postgresql":
        # autovacuum would analyze the table after such a load by itself; SQLite is left as a
        # township's file is (nobody runs ANALYZE there): its plans must not depend on statistics.
        started = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        print(f"  ANALYZE in {time.perf_counter() - started:.1f} s", flush=True)
    open_n = Message.objects.filter(state__in=[State.DRAFT, State.SENT, State.RECEIVED]).count()
    due = Message.objects.filter(state__in=[State.DRAFT, State.SENT, State.RECEIVED], due_on__lt=tick_on).count()
    hot_open = Message.objects.filter(receiver_id=hot, state__in=[State.SENT, State.RECEIVED, State.OVERDUE]).count()
    print(f"  {open_n:,} open messages, {due:,} of them due before {tick_on}; {hot_open:,} open in {hot}'s inbox", flush=True)

    # (a) the daily tick
    seconds, marked, how = run_tick(tick_on)
    bench("tick_s", f"{seconds:.2f}", f"{how} {tick_on}: {marked:,} marked overdue (target < 60)", " s")
    next_day = tick_on + datetime.timedelta(days=1)
    seconds, marked, how = run_tick(next_day)
    bench("tick_next_day_s", f"{seconds:.2f}", f"the next day's tick {next_day}: {marked:,} marked overdue", " s")

    # (b) the inbox of the township with 5,000 open items
    from liudong.exchange import queries, views

    if hasattr(views, "today"):
        views.today = lambda: next_day
    client = Client()
    client.force_login(clerk)
    probe = client.get("/exchange/")
    if probe.status_code == 200 and len(probe.content) > 500:
        client.get("/exchange/")
        med, worst = median_ms(lambda: client.get("/exchange/"), args.requests)
        bench("inbox_page_ms", f"{med:.1f}", f"inbox page /exchange/ of {hot} ({hot_open:,} open), median of {args.requests} (max {worst:.0f} ms; target < 300)", " ms")
    else:
        print(f"  /exchange/ answered {probe.status_code} with {len(probe.content)} bytes: still a placeholder, not measured", flush=True)
    if hasattr(queries, "inbox"):
        box = queries.inbox(actor=clerk, today=next_day)
        med, worst = median_ms(lambda: queries.inbox(actor=clerk, today=next_day), args.requests)
        bench("inbox_query_ms", f"{med:.1f}", f"exchange.queries.inbox ({box.count:,} open, counts {box.counts}), median of {args.requests} (max {worst:.0f} ms)", " ms")

    # (c) the timeliness figures of the province for 2026
    period = {"start": datetime.date(2026, 1, 1), "end": datetime.date(2026, 12, 31)}
    as_of = datetime.date(2026, 12, 31)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        figs = timeliness.figures(actor=officer, division_code=GUANGDONG, **period, today=as_of)
        times.append(time.perf_counter() - started)
    bench("timeliness_s", f"{statistics.median(times):.2f}", f"timeliness.figures(广东, 2026), median of 3 (first {times[0]:.2f} s; target < 2)", " s")
    r, s = figs["as_receiver"], figs["as_sender"]
    print(f"    as receiver: {r['received']:,} received, {r['answered']:,} answered, {r['on_time']:,} on time, {r['overdue']:,} overdue, "
          f"reply rate {r['reply_rate']}, on-time rate {r['on_time_rate']}")
    print(f"    as sender: {s['sent']:,} sent, {s['requests']:,} requests, {s['answered']:,} answered, {s['overdue']:,} overdue; "
          f"duty {s['duty']['to_send']:,} to send, {s['duty']['unsent_overdue']:,} unsent overdue")
    print(f"    by division: {len(figs['by_division'])} cities; by counterpart province: "
          + ", ".join(f"{g['name']} {g['as_receiver']['received']:,}/{g['as_sender']['requests']:,}" for g in figs["by_counterpart_province"]))
    for name, code in (("county", HOT_COUNTY), ("township", hot)):
        started = time.perf_counter()
        timeliness.figures(actor=officer, division_code=code, **period, today=as_of)
        bench(f"timeliness_{name}_ms", f"{(time.perf_counter() - started) * 1000:.0f}", f"timeliness.figures({code}, 2026)", " ms")

    views_timeliness.today = lambda: as_of
    page = Client()
    page.force_login(officer)
    query = {"division": GUANGDONG, "start": "2026-01-01", "end": "2026-12-31"}
    response = page.get("/timeliness/", query)
    assert response.status_code == 200 and b"<svg" in response.content, response.status_code
    med, worst = median_ms(lambda: page.get("/timeliness/", query), 3)
    bench("timeliness_page_ms", f"{med:.0f}", f"page /timeliness/ for 广东 2026, median of 3 (max {worst:.0f} ms; target < 2000)", " ms")

    connection.close()
    if args.keep:
        print(f"  kept {url}")
    else:
        cleanup()


if __name__ == "__main__":
    main()
