"""Statistical reports benchmark (issue 14): a generated province, the month close of every
division's report, and the report pages.

    python bench/reports.py [--people N] [--counties C] [--db PATH|URL] [--keep] [--seed S] [--requests R]

A fresh database (SQLite file by default; `--db postgresql://...` for PostgreSQL), migrated (the
shipped division list holds 广东's counties), then, written with executemany in one transaction
each:

- 10 townships with 10 villages each under each of the first C counties of 广东 (default all);
- N floating people (default 200,000) living in those villages, each with an open residence period
  (arrived 2015-2026; one in ten left during 2026), hukou in 四川 (7 in 10) or in another county of
  广东; half women, of whom about 60% married; one person in 50 a mother with a child born in
  2025-2026 (a family link); rental homes (N/20) and employers (N/50) in the villages;

and measures:

(a) the month close of 2026-10 for the whole province (`statistics.services.close_month`, every
    division's figures computed and stored): target < 5 minutes at 10,000,000 people;
(b) the report page of a village, a township (live figures counted on request), a county and the
    province (live figures of the last scheduled run), median of R requests each: target < 300 ms;
(c) a village's submission (figures recomputed, step, audit), median of R villages.

Each figure is printed as `BENCH statistics.<name> <value>` plus human text.
"""
import sys
from pathlib import Path

# This file is named like the standard library's `statistics` (which Django's SQLite backend
# imports): take its own folder off the import path first.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

import argparse  # noqa: E402
import datetime  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402


def bench(name, value, text, unit=""):
    print(f"BENCH statistics.{name} {value}")
    print(f"  {text}: {value}{unit}", flush=True)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--people", type=int, default=200_000)
    p.add_argument("--counties", type=int, default=0, help="counties of 广东 to fill (default all)")
    p.add_argument("--db", default="", help="SQLite file, or a postgresql:// URL (default: a temporary SQLite file)")
    p.add_argument("--keep", action="store_true")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--requests", type=int, default=10)
    p.add_argument("--reads-only", action="store_true", help="measure the pages again on a kept --db (no load, no close)")
    return p.parse_args()


def median_ms(fn, n):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 1)


def insert(cursor, model, rows, columns, chunk=100_000):
    table = model._meta.db_table
    sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join(["%s"] * len(columns))})'
    for i in range(0, len(rows), chunk):
        cursor.executemany(sql, rows[i: i + chunk])


def main():
    args = parse_args()
    workdir = None
    if args.db.startswith("postgres"):
        from urllib.parse import urlparse, urlunparse

        import psycopg

        url = urlparse(args.db)
        name = url.path.lstrip("/") or "liudong_bench_statistics"
        if not args.reads_only:   # a fresh database of that name
            with psycopg.connect(urlunparse(url._replace(path="/postgres")), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = urlunparse(url._replace(path=f"/{name}"))
        os.environ.setdefault("LIUDONG_DATA_DIR", tempfile.mkdtemp(prefix="liudong-bench-statistics-"))
        where = f"PostgreSQL database {name}"
    else:
        if args.db:
            db_path = Path(args.db).resolve()
        else:
            workdir = Path(tempfile.mkdtemp(prefix="liudong-bench-statistics-"))
            db_path = workdir / "statistics.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            if not args.reads_only:
                Path(str(db_path) + suffix).unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
        os.environ.setdefault("LIUDONG_DATA_DIR", str(db_path.parent))
        where = str(db_path)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liudong.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff
    from liudong.divisions.models import Division
    from liudong.people.models import Employer, FamilyLink, Person, RentalHousing, Residence
    from liudong.statistics import services
    from liudong.statistics.models import Report

    rng = random.Random(args.seed)
    print(f"Liudong statistics benchmark: {'reads only on a kept database' if args.reads_only else f'{args.people:,} people'}, {connection.vendor}, {where}", flush=True)
    if args.reads_only:
        return reads(args, Division.objects.filter(level=3, code__startswith="44").order_by("code")[:1][0])
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"  migrated in {time.perf_counter() - t:.1f} s", flush=True)

    t = time.perf_counter()
    counties = list(Division.objects.filter(level=3, code__startswith="44").order_by("code"))
    if args.counties:
        counties = counties[: args.counties]
    villages, divisions = [], []
    for county in counties:
        for ti in range(1, 11):
            tcode = f"{county.code[:6]}{ti:03d}000"
            divisions.append(Division(code=tcode, name=f"{county.name}第{ti}街道", level=4, parent_id=county.code))
            for vi in range(1, 11):
                vcode = f"{tcode[:9]}{vi:03d}"
                divisions.append(Division(code=vcode, name=f"第{ti}街道第{vi}社区", level=5, parent_id=tcode))
                villages.append(vcode)
    Division.objects.bulk_create(divisions, batch_size=5000, ignore_conflicts=True)
    sichuan = list(Division.objects.filter(level=3, code__startswith="51").values_list("code", flat=True)[:40])
    guangdong = [c.code for c in counties]
    people, residences, links = [], [], []
    start_day = datetime.date(2015, 1, 1)
    n = args.people
    for pid in range(1, n + 1):
        other = pid % 10 < 7
        hukou = sichuan[pid % len(sichuan)] if other else guangdong[(pid * 7) % len(guangdong)]
        village = villages[pid % len(villages)]
        if not other and village[:6] == hukou[:6]:
            hukou = guangdong[(pid * 7 + 1) % len(guangdong)]
        female = pid % 2 == 0
        birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(0, 45 * 365))
        marital = "20" if rng.random() < 0.6 else "10"
        arrived = start_day + datetime.timedelta(days=rng.randrange(0, 11 * 365 + 300))
        left = None
        if pid % 10 == 3:
            left = max(arrived, datetime.date(2026, 1, 1)) + datetime.timedelta(days=rng.randrange(0, 300))
        people.append((pid, None, "resident_id", f"B{pid:017d}", f"流动{pid % 997}", "", "F" if female else "M", birth.isoformat(), "01", "",
                       marital, "", hukou, "", None if left else village, left is None, arrived.isoformat(), village))
        residences.append((pid, pid, village, "", arrived.isoformat(), "arrival", "work", "", False, left.isoformat() if left else None,
                           "departure" if left else "", True, hukou, village, None))
    child_id = n
    for pid in range(2, n + 1, 100):   # one woman in 50 has a child born 2025-2026
        child_id += 1
        born = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randrange(0, 700))
        people.append((child_id, None, "resident_id", f"C{child_id:017d}", "小宝", "", "M", born.isoformat(), "01", "", "", "",
                       people[pid - 1][12], "", None, False, born.isoformat(), people[pid - 1][17]))
        links.append((pid, child_id, "child", False))
        links.append((child_id, pid, "parent", False))
    homes = [(i, villages[i % len(villages)], f"{i}号", (i % n) + 1, "residential", "", 1, "2020-01-01", None) for i in range(1, n // 20 + 1)]
    employers = [(i, villages[(i * 3) % len(villages)], f"单位{i}", None, "", "", "", "2020-01-01", None) for i in range(1, n // 50 + 1)]
    with transaction.atomic(), connection.cursor() as c:
        insert(c, Person, people, ["id", "id_number", "document_type", "document_number", "name", "name_key", "sex", "birth_date", "ethnicity",
                                   "education", "marital_status", "phone", "hukou_division_id", "hukou_address", "residence_division_id", "floating",
                                   "created_on", "created_by_division"])
        insert(c, Residence, residences, ["id", "person_id", "division_id", "address", "arrived_on", "start_kind", "reason", "intended_stay",
                                          "expects_return", "left_on", "end_kind", "floating", "hukou_division_code", "recorded_by_division", "checked_on"])
        insert(c, FamilyLink, [(i + 1, *row) for i, row in enumerate(links)], ["id", "person_id", "relative_id", "relation", "parent_unable_to_care"])
        insert(c, RentalHousing, homes, ["id", "division_id", "address", "owner_id", "use", "business_category", "rooms", "registered_on", "closed_on"])
        insert(c, Employer, employers, ["id", "division_id", "name", "credit_code", "address", "contact_name", "contact_phone", "registered_on", "closed_on"])
    with connection.cursor() as c:
        c.execute("ANALYZE")
    bench("load_seconds", round(time.perf_counter() - t, 1),
          f"{n:,} people ({len(people):,} rows with children), {len(villages):,} villages in {len(counties)} counties, written in", " s")

    # (a) the month close of the whole province.
    now = datetime.datetime(2026, 11, 1, 1, 10, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    t = time.perf_counter()
    result = services.close_month(actor=None, period="2026-10", now=now, root="440000000000")
    seconds = round(time.perf_counter() - t, 1)
    province = Report.objects.get(division_id="440000000000", period="2026-10-01")
    bench("close_month_seconds", seconds, f"month close 2026-10 for 广东: {result['created']:,} reports computed and stored "
          f"(province inflow {province.figures['inflow']:,}, births {province.figures['births']:,})", " s")

    reads(args, counties[0])
    if workdir and not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


def reads(args, county):
    """(b) the report pages, (c) villages submit (on the closed month 2026-10)."""


    from django.test import Client

    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff
    from liudong.divisions.models import Division
    from liudong.statistics import services

    villages = list(Division.objects.filter(level=5, code__startswith=county.code[:6]).order_by("code").values_list("code", flat=True))
    staff = {}
    for username, role, code in (("v", Role.VILLAGE_COLLECTOR, villages[0]), ("t", Role.TOWNSHIP_HEAD, villages[0][:9] + "000"),
                                 ("c", Role.COUNTY_OFFICER, county.code), ("p", Role.PROVINCE_OFFICER, "440000000000")):
        s = Staff.objects.filter(username=f"bench_{username}").first() or Staff(username=f"bench_{username}", role=role, division_id=code)
        s.set_password("Liudong-bench-2026")
        s.save()
        staff[username] = s
    import liudong.statistics.views as views

    views.today = lambda: datetime.date(2026, 11, 20)
    views.now = lambda: datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    for key, label in (("v", "village"), ("t", "township"), ("c", "county"), ("p", "province")):
        client = Client()
        client.force_login(staff[key])
        url = f"/statistics/{staff[key].division_id}/2026-10/"
        assert client.get(url).status_code == 200
        bench(f"page_{label}_ms", median_ms(lambda: client.get(url), args.requests),
              f"the report page of a {label} ({staff[key].division_id}), median of {args.requests} (target < 300 ms)", " ms")

    # (c) villages submit.
    times = []
    from liudong.statistics.models import Report

    todo = [v for v in villages[1:] if Report.objects.filter(division_id=v, period="2026-10-01", state="open").exists()][: args.requests]
    for vcode in todo:
        t = time.perf_counter()
        services.submit(actor=None, division_code=vcode, period="2026-10", now=datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.timezone.utc))
        times.append((time.perf_counter() - t) * 1000)
    if times:
        bench("village_submit_ms", round(statistics.median(times), 1), f"a village's submission (figures recomputed), median of {len(times)}", " ms")


if __name__ == "__main__":
    main()
