"""Residence permits benchmark (issue 13): 1,000,000 inflow people and 300,000 permits, then the
list of endorsements due this month for a county and the daily job that suspends missed ones.

    python bench/permits.py [--people N] [--permits N] [--db PATH] [--keep] [--seed S] [--on DATE] [--requests R]

A fresh SQLite file (default under /tmp), migrated (the shipped division list holds 广东's
counties), then, written with executemany in one transaction each (as the import writes; a
progress line every 200,000):

- 10 townships with 5 villages each under each of the first 10 counties of 广东;
- N inflow people (default 1,000,000) from 四川 living in those villages, each with an open
  residence period (arrived 2015-2025);
- M permits (default 300,000) for the first M of them, issued on days spread over 2023-12 ..
  2026-11 (their anniversary and endorsement window follow, as decide_permit sets them); about
  one in twelve of those past their anniversary in the month before DATE were not endorsed, so the
  daily job has something to suspend;

and measures, on DATE (default 2026-11-01: the whole month ahead):

(a) the endorsements due this month for one county: `permits.queries.endorsements_due` (count and
    first page) and the page /permits/?tab=endorsements for the county's police (Django test
    client, force_login), median of R requests; target < 500 ms;
(b) the daily job `permits.services.daily(DATE)` (one UPDATE over the (state,
    next_anniversary_on) index); target < 60 s; then the next day's run, and a year's backlog
    (the job run a year later: every granted permit suspended at once);
(c) people's bulk import of K arrivals (default 50,000, `--import-rows`) where
    `residence-registration` is in force (杭州市西湖区, Zhejiang's values), each opening its
    registration through the import's listener (issue 13 item 2), against the same import where the
    set is not in force (广东): the cost of the registrations in the import.

Each figure is printed as a machine-readable line `BENCH permits.<name> <value>` plus human text.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def bench(name, value, text, unit=""):
    print(f"BENCH permits.{name} {value}")
    print(f"  {text}: {value}{unit}", flush=True)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--people", type=int, default=1_000_000)
    p.add_argument("--permits", type=int, default=300_000)
    p.add_argument("--db", default="", help="SQLite file to build (default: a temporary folder)")
    p.add_argument("--keep", action="store_true")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--on", default="2026-11-01", help="the day of the lists and of the daily job")
    p.add_argument("--requests", type=int, default=20)
    p.add_argument("--import-rows", type=int, default=50_000, help="arrivals imported for (c)")
    return p.parse_args()


def median_ms(fn, n):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 1)


def insert(cursor, model, rows, columns):
    table = model._meta.db_table
    sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join(["%s"] * len(columns))})'
    for i in range(0, len(rows), 200_000):
        cursor.executemany(sql, rows[i: i + 200_000])
        if len(rows) > 200_000:
            print(f"    {model.__name__}: {min(i + 200_000, len(rows)):,}", flush=True)


def main():
    args = parse_args()
    on = datetime.date.fromisoformat(args.on)
    workdir = None
    if args.db:
        db_path = Path(args.db).resolve()
    else:
        workdir = Path(tempfile.mkdtemp(prefix="liudong-bench-permits-"))
        db_path = workdir / "permits.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liudong.settings")
    os.environ.setdefault("LIUDONG_DATA_DIR", str(db_path.parent))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff
    from liudong.dates import months_before, years_after
    from liudong.divisions.models import Division
    from liudong.people.models import Person, Residence
    from liudong.permits import queries, services
    from liudong.permits.models import ResidencePermit

    rng = random.Random(args.seed)
    print(f"Liudong permits benchmark: {args.people:,} people, {args.permits:,} permits, on {on}, {db_path}", flush=True)
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"  migrated in {time.perf_counter() - t:.1f} s", flush=True)

    t = time.perf_counter()
    counties = list(Division.objects.filter(level=3, code__startswith="44").order_by("code")[:10])
    villages = []
    with transaction.atomic():
        for county in counties:
            for ti in range(1, 11):
                tcode = f"{county.code[:6]}{ti:03d}000"
                Division.objects.get_or_create(code=tcode, defaults={"name": f"{county.name}第{ti}街道", "level": 4, "parent": county})
                for vi in range(1, 6):
                    vcode = f"{tcode[:9]}{vi:03d}"
                    Division.objects.get_or_create(code=vcode, defaults={"name": f"第{ti}街道第{vi}社区", "level": 5, "parent_id": tcode})
                    villages.append(vcode)
    hukou = list(Division.objects.filter(level=3, code__startswith="51").values_list("code", flat=True)[:40])
    people, residences = [], []
    start_day = datetime.date(2015, 1, 1)
    for pid in range(1, args.people + 1):
        area = hukou[pid % len(hukou)]
        birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randrange(0, 40 * 365))
        village = villages[pid % len(villages)]
        arrived = start_day + datetime.timedelta(days=rng.randrange(0, 11 * 365))
        people.append((pid, None, "resident_id", f"B{pid:017d}", f"流动{pid % 997}", "", "F" if pid % 2 else "M",
                       birth.isoformat(), "01", "", "", "", area, "", village, True, arrived.isoformat(), village))
        residences.append((pid, pid, village, "", arrived.isoformat(), "arrival", "work", "", False, None, "", True, area, village, None))
    with transaction.atomic(), connection.cursor() as c:
        insert(c, Person, people, ["id", "id_number", "document_type", "document_number", "name", "name_key", "sex", "birth_date", "ethnicity",
                                   "education", "marital_status", "phone", "hukou_division_id", "hukou_address", "residence_division_id", "floating",
                                   "created_on", "created_by_division"])
        insert(c, Residence, residences, ["id", "person_id", "division_id", "address", "arrived_on", "start_kind", "reason", "intended_stay",
                                          "expects_return", "left_on", "end_kind", "floating", "hukou_division_code", "recorded_by_division", "checked_on"])
    bench("people_seconds", round(time.perf_counter() - t, 1), f"{args.people:,} inflow people with their residences written in", " s")

    t = time.perf_counter()
    now = timezone.now()
    permits = []
    first_issue = datetime.date(2023, 12, 1)
    span = (on - datetime.timedelta(days=1) - first_issue).days
    for pid in range(1, args.permits + 1):
        village = people[pid - 1][14]
        issued = first_issue + datetime.timedelta(days=rng.randrange(0, span))
        # the anniversaries already endorsed (in time) up to the one ahead; one in twelve missed the last one
        anniversary = years_after(issued, 1)
        while anniversary <= on:
            if anniversary > months_before(on, 1) and pid % 12 == 0:
                break
            anniversary = years_after(anniversary, 1)
        applied = issued - datetime.timedelta(days=7)
        station = village[:9] + "000"
        permits.append((pid, pid, village[:4] + "00000000", village, "", station, "employment", "劳动合同", (applied - datetime.timedelta(days=400)).isoformat(),
                        applied.isoformat(), (applied + datetime.timedelta(days=15)).isoformat(), "granted", issued.isoformat(), None, "",
                        issued.isoformat(), issued.isoformat(), anniversary.isoformat(), (anniversary - datetime.timedelta(days=1)).isoformat(),
                        None, None, "", 0, "{}", f"bench-{pid:08d}", applied.isoformat(), "residence-permit-2016", now, None))
    with transaction.atomic(), connection.cursor() as c:
        insert(c, ResidencePermit, permits, ["id", "person_id", "city_id", "division_id", "residence_address", "station_id", "basis", "proof",
                                             "resided_since", "applied_on", "decision_due_on", "state", "decided_on", "decided_by_id", "refusal_reason",
                                             "issued_on", "years_from", "next_anniversary_on", "next_endorsement_due_on", "suspended_on", "ended_on",
                                             "end_reason", "fee", "items", "public_token", "rules_on", "rule_set", "created_at", "created_by_id"])
    if connection.vendor == "sqlite":
        with connection.cursor() as c:
            c.execute("ANALYZE")
    bench("permits_seconds", round(time.perf_counter() - t, 1), f"{args.permits:,} permits written in", " s")

    county = counties[0]
    police = Staff(username="bench_county_police", role=Role.POLICE_OFFICER, division=county)
    police.set_password("Liudong-bench-2026")
    police.save()
    qs = queries.endorsements_due(actor=police, division_code=None, month_of=on)
    due = qs.count()
    print(f"  {county.name} ({county.code}): {due:,} endorsements due in {on:%Y-%m}", flush=True)
    bench("due_list_query_ms", median_ms(lambda: (qs.count(), list(qs.select_related("person")[:20])), args.requests),
          f"endorsements due this month for a county, count and first page (queries.endorsements_due), median of {args.requests}", " ms")

    import liudong.permits.views as views

    views.today = lambda: on  # the page's day: the benchmark's DATE, whatever the real date
    client = Client()
    client.force_login(police)
    assert client.get("/permits/?tab=endorsements").status_code == 200
    bench("due_list_page_ms", median_ms(lambda: client.get("/permits/?tab=endorsements"), args.requests),
          f"the page /permits/?tab=endorsements of the county's police, median of {args.requests} (target < 500 ms)", " ms")

    t = time.perf_counter()
    line = services.daily(on)
    bench("daily_job_seconds", round(time.perf_counter() - t, 2), f"the daily job on {on}: {line}", " s")
    t = time.perf_counter()
    line = services.daily(on + datetime.timedelta(days=1))
    bench("daily_job_next_day_seconds", round(time.perf_counter() - t, 2), f"the next day's run: {line}", " s")
    print(f"  suspended now: {ResidencePermit.objects.filter(state='suspended').count():,}", flush=True)
    # The worst case: the job did not run for a year (every granted permit's anniversary passed).
    later = years_after(on, 1)
    t = time.perf_counter()
    line = services.daily(later)
    bench("daily_job_year_backlog_seconds", round(time.perf_counter() - t, 2), f"a year's backlog, the job on {later}: {line}", " s")

    import_with_registrations(args, on, rng)

    if workdir and not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


def import_with_registrations(args, on, rng):
    """(c): the same bulk import into 广东 (no registration) and into 浙江 (one registration each)."""
    from django.db import transaction

    from liudong.divisions.models import Division
    from liudong.identifiers import id_check_char
    from liudong.people.imports import import_people
    from liudong.permits.models import ResidenceRegistration

    places = {}
    with transaction.atomic():
        for county_code in ("330106000000", Division.objects.filter(level=3, code__startswith="44").order_by("code").values_list("code", flat=True)[1]):
            county = Division.objects.get(code=county_code)
            tcode = f"{county_code[:6]}901000"
            Division.objects.get_or_create(code=tcode, defaults={"name": f"{county.name}导入街道", "level": 4, "parent": county})
            village, _ = Division.objects.get_or_create(code=f"{tcode[:9]}001", defaults={"name": "导入社区", "level": 5, "parent_id": tcode})
            places[county_code[:2]] = village.code
    hukou = list(Division.objects.filter(level=3, code__startswith="51").values_list("code", flat=True)[:40])
    seq = iter(range(10**9))
    surnames, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"

    def rows(village):
        for _ in range(args.import_rows):
            n = next(seq)
            # area, birth date and sequence number drawn so that no two rows share an ID number
            area, birth = hukou[n % len(hukou)][:6], datetime.date(1970, 1, 1) + datetime.timedelta(days=(n // len(hukou)) % 12000)
            body = f"{area}{birth:%Y%m%d}{(n // (len(hukou) * 12000)) % 1000:03d}"
            yield {"id_number": body + id_check_char(body), "name": surnames[n % len(surnames)] + given[(n // 20) % len(given)] + given[(n // 600) % len(given)], "hukou_division": area + "000000", "division": village,
                   "address": f"{n % 300}号", "arrived_on": on - datetime.timedelta(days=1 + n % 700), "reason": "work", "intended_stay": "gt1y"}

    timings = {}
    for province in ("44", "33"):
        before = ResidenceRegistration.objects.count()
        t = time.perf_counter()
        result = import_people(actor=None, rows=rows(places[province]), today=on, good_rows_only=False)
        timings[province] = time.perf_counter() - t
        opened = ResidenceRegistration.objects.count() - before
        name = "import_without_registrations_seconds" if province == "44" else "import_with_registrations_seconds"
        bench(name, round(timings[province], 1), f"people's bulk import of {result['created']:,} arrivals into {places[province][:6]} "
                                                 f"({opened:,} residence registrations opened)", " s")
    bench("registrations_in_import_seconds", round(timings["33"] - timings["44"], 1),
          f"the registrations' share of the import ({args.import_rows:,} rows)", " s")


if __name__ == "__main__":
    main()
