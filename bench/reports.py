"""Statistical reports benchmark (issue 14): a generated province, the month close of every
division's report, the report pages, the nation's bulletin and the registry's look-ups.

    python bench/reports.py [--people N] [--counties C] [--db PATH|URL] [--keep] [--seed S] [--requests R] [--reads-only]

A fresh database (SQLite file by default; `--db postgresql://user@host/name` for PostgreSQL: that
database is dropped and created), migrated (the shipped division list holds 广东's counties), then
written in bulk (COPY through psycopg 3 on PostgreSQL, the raw sqlite3 executemany on SQLite; the
big tables' secondary indexes dropped first and built after; the rows made in chunks of 200,000):

- 10 townships with 10 villages each under each of the first C counties of 广东 (default all 122);
- N floating people (default 50,000 for a quick run; `--people 10000000` is the issue's province)
  living in those villages, each with a valid 18-digit ID number, a name from a pool of ~35,000
  with its same-sound keys, an open residence period (arrived 2015-2026; one in ten left during
  2026), hukou in 四川 (7 in 10) or in another county of 广东; half women, ~60% married; one person
  in 100 a mother with a child born 2025-2026 (a family link); rental homes (N/20), employers (N/50);

and measures:

(a) the month close of 2026-10 for the whole province (`statistics.services.close_month`, every
    division's figures computed set-based and stored): target < 5 minutes at 10,000,000 people;
(b) the report page and `GET /api/v1/reports/{division}/2026-10` of a village, a township (live
    figures counted on request), a county and the province (live figures of the last scheduled
    run), open and then approved, median of R requests each: target < 300 ms;
(c) the nation's bulletin of 2026-10 from the provinces' approved reports: target < 10 s;
(d) the ID-number look-up and the same-sound name search through the API (a county officer's
    token), median of max(R, 20): goal < 10 ms;
(e) a village's submission (figures recomputed, step, audit), median of R villages.

Each figure is printed as `BENCH statistics.<name> <value>` plus human text, with the load average:
the machine is shared, so the figures are noisy.
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
    p.add_argument("--people", type=int, default=50_000)
    p.add_argument("--counties", type=int, default=0, help="counties of 广东 to fill (default all)")
    p.add_argument("--db", default="", help="SQLite file, or a postgresql:// URL (default: a temporary SQLite file)")
    p.add_argument("--keep", action="store_true")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--requests", type=int, default=10)
    p.add_argument("--reads-only", action="store_true", help="measure the pages again on a kept --db (no load, no close; migrations applied)")
    p.add_argument("--close-again", action="store_true", help="on a kept --db: remove 2026-10's reports and close the month again (no load), then the reads")
    p.add_argument("--profile", action="store_true", help="with --reads-only: print each query of a village's and a township's page with its time")
    return p.parse_args()


CPU = {}


def median_ms(fn, n):
    """Median wall-clock ms of n calls; the median CPU time of this process is kept in CPU["last"]
    (on SQLite that is the whole request, the database included: the figure a shared machine's
    load does not inflate; on PostgreSQL the server's share is not in it)."""
    times, cpu = [], []
    for _ in range(n):
        t, c = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    CPU["last"] = round(statistics.median(cpu), 1)
    return round(statistics.median(times), 1)


class Loader:
    """Bulk writes for the generator: COPY on PostgreSQL (psycopg 3), the raw sqlite3 connection's
    executemany on SQLite; the secondary indexes of the big tables are dropped before and built
    again after (one sort per index instead of 10 M random B-tree inserts); on PostgreSQL the
    foreign-key triggers are off during the load (session_replication_role = replica: the rows are
    generated consistent, and the bench owns the database)."""

    TABLES = ("people_person", "people_residence", "people_personnamekey", "people_familylink", "people_rentalhousing", "people_employer")

    def __init__(self, connection):
        self.connection = connection
        self.vendor = connection.vendor
        self.indexes = []

    def drop_indexes(self):
        with self.connection.cursor() as c:
            if self.vendor == "sqlite":
                c.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (%s)"
                          % ", ".join(f"'{t}'" for t in self.TABLES))
            else:
                c.execute("""SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND NOT EXISTS
                             (SELECT 1 FROM pg_constraint k WHERE k.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)""",
                          [list(self.TABLES)])
            self.indexes = c.fetchall()
            for name, _ in self.indexes:
                c.execute(f'DROP INDEX "{name}"')

    def build_indexes(self):
        with self.connection.cursor() as c:
            for _, sql in self.indexes:
                c.execute(sql)

    def write(self, table, columns, rows):
        if not rows:
            return
        if self.vendor == "sqlite":
            raw = self.connection.connection
            raw.executemany(f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})', rows)
            return
        cell = lambda v: "\\N" if v is None else ("t" if v is True else "f" if v is False else str(v))  # noqa: E731
        text = "".join("\t".join(map(cell, row)) + "\n" for row in rows)
        with self.connection.cursor() as c:
            with c.cursor.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
                copy.write(text)


PERSON_COLUMNS = ["id", "id_number", "document_type", "document_number", "name", "name_key", "sex", "birth_date", "ethnicity", "education",
                  "marital_status", "phone", "hukou_division_id", "hukou_address", "residence_division_id", "floating", "created_on", "created_by_division"]
RESIDENCE_COLUMNS = ["id", "person_id", "division_id", "address", "arrived_on", "start_kind", "reason", "intended_stay", "expects_return", "left_on",
                     "end_kind", "floating", "hukou_division_code", "recorded_by_division", "checked_on"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单解"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅建文辉力鹏宇浩晨欣怡佳琪子涵雨轩博思嘉俊"
DAY0 = datetime.date(1960, 1, 1)


class IdNumbers:
    """GB 11643 numbers fast: the check digit's weighted sum split into its area, birth-day and
    sequence parts, each summed once (liudong.identifiers gives the weights and the check table)."""

    def __init__(self):
        from liudong.identifiers import ID_CHECK, ID_WEIGHTS

        self.check, self.weights = ID_CHECK, ID_WEIGHTS
        self.areas, self.days, self.seqs = {}, {}, [self._part(f"{i:03d}", 14) for i in range(1000)]

    def _part(self, digits, at):
        return digits, sum(int(c) * w for c, w in zip(digits, self.weights[at: at + len(digits)]))

    def __call__(self, area: str, day: int, seq: int) -> str:
        a = self.areas.get(area) or self.areas.setdefault(area, self._part(area[:6], 0))
        d = self.days.get(day) or self.days.setdefault(day, self._part(f"{DAY0 + datetime.timedelta(days=day):%Y%m%d}", 6))
        q = self.seqs[seq]
        return a[0] + d[0] + q[0] + self.check[(a[1] + d[1] + q[1]) % 11]


def generate(args, loader, villages, sichuan, guangdong):
    """Writes the province's registry in chunks (never the whole of it in memory). Returns counts.
    Each person's ID number is unique by construction: the sequence digits and the birth day are
    a bijection of the person's id (sex digit: odd for men, as GB 11643 says)."""
    from liudong.people.pinyin import name_keys

    rng = random.Random(args.seed)
    id_number = IdNumbers()
    n = args.people
    days = [(DAY0 + datetime.timedelta(days=i)).isoformat() for i in range(70 * 366)]
    names = [s + g1 for s in SURNAMES for g1 in GIVEN]
    names += [s + g1 + g2 for s in SURNAMES[:40] for g1 in GIVEN[:20] for g2 in GIVEN[20:40]]
    keys = {}
    arrived_base = (datetime.date(2015, 1, 1) - DAY0).days
    left_base = (datetime.date(2026, 1, 1) - DAY0).days
    child_base = (datetime.date(2025, 1, 1) - DAY0).days
    span = 16425   # 45 years of birth days; 7919 is prime to it: (pid // 1000) -> birth day is one to one
    counts = {"people": 0, "children": 0, "keys": 0}
    child_id = n
    link_id = 0
    chunk = 200_000
    for lo in range(1, n + 1, chunk):
        people, residences, namekeys, links = [], [], [], []
        for pid in range(lo, min(lo + chunk, n + 1)):
            other = pid % 10 < 7
            hukou = sichuan[pid % len(sichuan)] if other else guangdong[(pid * 7) % len(guangdong)]
            village = villages[pid % len(villages)]
            if not other and village[:6] == hukou[:6]:
                hukou = guangdong[(pid * 7 + 1) % len(guangdong)]
            female = pid % 2 == 0
            bday = (pid // 1000) * 7919 % span
            birth = days[bday]
            name = names[(pid * 31) % len(names)]
            k = keys.get(name) or keys.setdefault(name, name_keys(name))
            marital = "20" if rng.random() < 0.6 else "10"
            arrived = days[arrived_base + rng.randrange(0, 11 * 365 + 300)]
            left = None
            if pid % 10 == 3:
                left = days[max(arrived_base + 0, left_base) + rng.randrange(0, 300)]
                left = max(left, arrived)
            number = id_number(hukou, bday, pid % 1000)
            people.append((pid, number, "resident_id", number, name, k[0], "F" if female else "M", birth, "01", "", marital, "", hukou, "",
                           None if left else village, left is None, arrived, village))
            residences.append((pid, pid, village, "", arrived, "arrival", "work", "", False, left, "departure" if left else "", True, hukou, village, None))
            namekeys.extend((pid, key) for key in k)
            if pid % 100 == 2:   # one woman in 50 has a child born 2025-2026
                child_id += 1
                born = days[child_base + rng.randrange(0, 700)]
                people.append((child_id, None, "resident_id", f"C{child_id:017d}", "小宝", "xiao bao", "M", born, "01", "", "", "", hukou, "", None, False,
                               born, village))
                links.append((link_id + 1, pid, child_id, "child", False))
                links.append((link_id + 2, child_id, pid, "parent", False))
                link_id += 2
                counts["children"] += 1
        loader.write("people_person", PERSON_COLUMNS, people)
        loader.write("people_residence", RESIDENCE_COLUMNS, residences)
        loader.write("people_personnamekey", ["person_id", "key"], namekeys)
        loader.write("people_familylink", ["id", "person_id", "relative_id", "relation", "parent_unable_to_care"], links)
        counts["people"] += len(residences)
        counts["keys"] += len(namekeys)
        print(f"    {counts['people']:,} people written", flush=True)
    homes = [(i, villages[i % len(villages)], f"{i}号", (i % n) + 1, "residential", "", 1, "2020-01-01", None) for i in range(1, n // 20 + 1)]
    employers = [(i, villages[(i * 3) % len(villages)], f"单位{i}", None, "", "", "", "2020-01-01", None) for i in range(1, n // 50 + 1)]
    loader.write("people_rentalhousing", ["id", "division_id", "address", "owner_id", "use", "business_category", "rooms", "registered_on", "closed_on"], homes)
    loader.write("people_employer", ["id", "division_id", "name", "credit_code", "address", "contact_name", "contact_phone", "registered_on", "closed_on"],
                 employers)
    return counts


def main():
    args = parse_args()
    workdir = None
    if args.db.startswith("postgres"):
        from urllib.parse import urlparse, urlunparse

        import psycopg

        url = urlparse(args.db)
        name = url.path.lstrip("/") or "liudong_bench_statistics"
        if not (args.reads_only or args.close_again):   # a fresh database of that name
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
            workdir = Path(tempfile.mkdtemp(prefix="liudong-bench-statistics-", dir=str(ROOT / "var") if (ROOT / "var").is_dir() else None))
            db_path = workdir / "statistics.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            if not (args.reads_only or args.close_again):
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

    from liudong.divisions.models import Division
    from liudong.statistics import services
    from liudong.statistics.models import Report

    print(f"Liudong statistics benchmark: {'reads only on a kept database' if args.reads_only else f'{args.people:,} people'}, {connection.vendor}, {where}",
          flush=True)
    print(f"  load average {load()} on {os.cpu_count()} cores shared with other work: the timings are noisy", flush=True)
    if args.reads_only or args.close_again:
        call_command("migrate", verbosity=0)   # a kept database gets the newer columns and indexes
        county = Division.objects.filter(level=3, code__startswith="44").order_by("code")[:1][0]
        if args.close_again:
            from liudong.statistics.models import ReportStep

            ReportStep.objects.filter(report__period="2026-10-01").delete()
            Report.objects.filter(period="2026-10-01").delete()
            close(services, Report)
        return reads(args, county)
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
    loader = Loader(connection)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as c:
                c.execute("SET LOCAL session_replication_role = replica")
        loader.drop_indexes()
        counts = generate(args, loader, villages, sichuan, guangdong)
        written = time.perf_counter() - t
        print(f"  rows written in {written:.1f} s; building {len(loader.indexes)} indexes", flush=True)
        loader.build_indexes()
    with connection.cursor() as c:
        c.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
    bench("load_seconds", round(time.perf_counter() - t, 1),
          f"{counts['people']:,} people + {counts['children']:,} children, {counts['keys']:,} same-sound keys, {len(villages):,} villages in "
          f"{len(counties)} counties, written (bulk), indexed and analysed in", " s")

    close(services, Report)
    reads(args, counties[0])
    if workdir and not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


def close(services, Report):
    """(a) the month close of the whole province."""
    now = datetime.datetime(2026, 11, 1, 1, 10, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    print(f"  load average {load()}", flush=True)
    t, c = time.perf_counter(), time.process_time()
    result = services.close_month(actor=None, period="2026-10", now=now, root="440000000000")
    seconds = round(time.perf_counter() - t, 1)
    bench("close_month_cpu_seconds", round(time.process_time() - c, 1), "the close's CPU time in this process (SQLite: the queries included)", " s")
    province = Report.objects.get(division_id="440000000000", period="2026-10-01")
    bench("close_month_seconds", seconds, f"month close 2026-10 for 广东: {result['created']:,} reports computed and stored "
          f"(province inflow {province.figures['inflow']:,}, births {province.figures['births']:,}; load average {load()})", " s")


def load():
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def reads(args, county):
    """(b) the report pages and the API's report, open (stored = the close's) and approved, (c) the
    national bulletin, (d) the ID look-up and same-sound search through the API, (e) villages submit."""
    from django.test import Client

    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff
    from liudong.accounts.tokens import issue_token
    from liudong.divisions.models import Division
    from liudong.people.models import Person
    from liudong.statistics import bulletins, services
    from liudong.statistics.models import Report

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
    levels = (("v", "village"), ("t", "township"), ("c", "county"), ("p", "province"))

    def pages(state):
        for key, label in levels:
            client = Client()
            client.force_login(staff[key])
            url = f"/statistics/{staff[key].division_id}/2026-10/"
            assert client.get(url).status_code == 200
            bench(f"page_{label}_{state}_ms", median_ms(lambda: client.get(url), args.requests),
                  f"the report page of a {label} ({staff[key].division_id}, {state}), median of {args.requests} (target < 300 ms)", " ms")
            bench(f"page_{label}_{state}_cpu_ms", CPU["last"], f"  the same, CPU time of this process (median)", " ms")
            api = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(staff[key])}")
            url = f"/api/v1/reports/{staff[key].division_id}/2026-10"
            assert api.get(url).status_code == 200, api.get(url).content[:300]
            bench(f"api_report_{label}_{state}_ms", median_ms(lambda: api.get(url), args.requests),
                  f"GET {url} ({state}), median of {args.requests} (target < 300 ms)", " ms")
            bench(f"api_report_{label}_{state}_cpu_ms", CPU["last"], f"  the same, CPU time of this process (median)", " ms")

    print(f"  load average {load()}", flush=True)
    if args.profile:
        profile(staff, levels[:2])
    pages("open")
    # The whole province approved at once (as the chain of submissions and approvals leaves it;
    # the bench does not walk 13,000 submissions), then the same pages and the nation's bulletin.
    Report.objects.filter(period="2026-10-01", division_id__gte="440000000000", division_id__lte="449999999999").update(
        state="approved", submitted_at=datetime.datetime(2026, 11, 5, tzinfo=datetime.timezone.utc), submitted_on=datetime.date(2026, 11, 5),
        first_submitted_on=datetime.date(2026, 11, 5), approved_at=datetime.datetime(2026, 11, 12, tzinfo=datetime.timezone.utc))
    pages("approved")

    t = time.perf_counter()
    b = bulletins.make_bulletin(actor=None, division_code="000000000000", period="2026-10",
                                now=datetime.datetime(2026, 11, 16, 3, 20, tzinfo=datetime.timezone(datetime.timedelta(hours=8))))
    bench("national_bulletin_seconds", round(time.perf_counter() - t, 2),
          f"the nation's bulletin of 2026-10 from the provinces' approved reports (sent to {b.messages_sent} provinces; target < 10 s)", " s")

    # (d) the registry's look-ups through the API, on the loaded province (a county officer's token).
    api = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(staff['c'])}")
    rng = random.Random(args.seed)
    low, high = county.code[:6] + "000000", county.code[:6] + "999999"
    sample = list(Person.objects.filter(residence_division_id__gte=low, residence_division_id__lte=high, id_number__isnull=False)
                  .order_by("id").values_list("id_number", "name")[:20000])
    sample = rng.sample(sample, min(max(args.requests, 20), len(sample)))

    def get(url, **params):
        response = api.get(url, params)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} {params} -> {response.status_code}: {response.content[:300]!r}")
        return response

    def id_lookup(number):
        assert get("/api/v1/persons", id_number=number).json()["count"] == 1

    get("/api/v1/persons", id_number=sample[0][0])
    bench("api_id_lookup_ms", median_ms_of(id_lookup, [n for n, _ in sample]), f"API ID-number look-up, median of {len(sample)} (goal < 10 ms)", " ms")
    names = [name for _, name in sample]
    get("/api/v1/persons", name=names[0], match="same_sound", limit=20)
    bench("api_same_sound_ms", median_ms_of(lambda name: get("/api/v1/persons", name=name, match="same_sound", limit=20), names),
          f"API same-sound name search (limit 20), median of {len(names)} (goal < 10 ms)", " ms")

    # (e) villages submit (the reports reopened for it).
    todo = villages[1: 1 + args.requests]
    Report.objects.filter(period="2026-10-01", division_id__in=todo).update(state="open")
    times = []
    for vcode in todo:
        t = time.perf_counter()
        services.submit(actor=None, division_code=vcode, period="2026-10", now=datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.timezone.utc))
        times.append((time.perf_counter() - t) * 1000)
    if times:
        bench("village_submit_ms", round(statistics.median(times), 1), f"a village's submission (figures recomputed), median of {len(times)}", " ms")
    print(f"  load average {load()}", flush=True)


def profile(staff, levels):
    """Each query of a village's and a township's report page, with its time (--profile)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    for key, label in levels:
        client = Client()
        client.force_login(staff[key])
        url = f"/statistics/{staff[key].division_id}/2026-10/"
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            client.get(url)
            total = (time.perf_counter() - t) * 1000
        print(f"  {label} page: {len(ctx.captured_queries)} queries, {total:.0f} ms in all, "
              f"{sum(float(q['time']) for q in ctx.captured_queries) * 1000:.0f} ms in the database")
        for q in sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:12]:
            print(f"    {float(q['time']) * 1000:7.1f} ms  {q['sql'][:300]}")


def median_ms_of(fn, items):
    times = []
    for item in items:
        t = time.perf_counter()
        fn(item)
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 1)


if __name__ == "__main__":
    main()
