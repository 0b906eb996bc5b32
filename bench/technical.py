"""Technical services benchmark (issue 11, S4): the due list of a county and a long check register.

    python bench/technical.py [--people N] [--women M] [--register-rows R] [--db PATH|URL] [--keep]

1. A fresh, migrated SQLite file (or the empty PostgreSQL database given as --db postgresql://...,
   which you make and drop yourself) with one county (10 streets of 20 communities each) and N inflow
   people (default 200,000) written straight to the tables, M of them (default 60,000) inflow
   married women of childbearing age; the county adopts the shipped county example (ningshan-2011)
   and a tenth of the women had a check this quarter (so the due list has about 53,000 rows).
2. The due list of the whole county for the quarter as the county officer sees it
   (technical.queries.due_list: its count and the logged first page of 100, what
   GET /api/v1/checks/due does), median of 5 (target < 500 ms), with the number of queries it
   ran (a constant: no query per row); then the list's last page.
3. The check register of one street for a quarter with R checks (default 5,000) as PDF
   (technical.documents.check_register, one booklet per community), median of 3 (target < 10 s).

Each figure is printed as `BENCH name value` plus human text.
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

COUNTY = "440305000000"
HUKOU = "511921100001"


def bench(name, value, text, unit=""):
    print(f"BENCH {name} {value}")
    print(f"  {text}: {value}{unit}", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--people", type=int, default=200_000)
    p.add_argument("--women", type=int, default=60_000)
    p.add_argument("--register-rows", type=int, default=5_000)
    p.add_argument("--db", default="", help="SQLite file (default: one under /tmp) or postgresql://... URL of an empty database you made")
    p.add_argument("--keep", action="store_true")
    args = p.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="liudong-bench-technical-"))
    if args.db.startswith("postgres"):
        db_path, url = args.db, args.db
    else:
        db_path = Path(args.db).resolve() if args.db else workdir / "technical.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        url = f"sqlite:///{db_path}"
    os.environ.update({"DATABASE_URL": url, "LIUDONG_DATA_DIR": str(workdir), "LIUDONG_ENV": "development"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liudong.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from liudong.accounts.models import Staff
    from liudong.divisions.models import Division
    from liudong.people.models import Person
    from liudong.policy.services import adopt_rule_set
    from liudong.technical import documents, queries
    from liudong.technical.models import Check

    today = datetime.date(2026, 11, 28)
    rng = random.Random(2026)
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    if Person.objects.exists():
        sys.exit(f"{db_path} holds people already: give a fresh database")
    villages = []
    with transaction.atomic():
        for code, name, level, parent in [("440000000000", "广东省", 1, "000000000000"), ("440300000000", "深圳市", 2, "440000000000"),
                                          (COUNTY, "南山区", 3, "440300000000"), ("510000000000", "四川省", 1, "000000000000"),
                                          ("511900000000", "巴中市", 2, "510000000000"), ("511921000000", "通江县", 3, "511900000000"),
                                          ("511921100000", "诺江镇", 4, "511921000000"), (HUKOU, "诺江村", 5, "511921100000")]:
            Division.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})
        for t_ in range(1, 11):
            township = f"440305{t_:03d}000"
            Division.objects.get_or_create(code=township, defaults={"name": f"第{t_}街道", "level": 4, "parent_id": COUNTY})
            for v in range(1, 21):
                code = f"440305{t_:03d}{v:03d}"
                Division.objects.get_or_create(code=code, defaults={"name": f"第{t_}街道第{v}社区", "level": 5, "parent_id": township})
                villages.append(code)
        officer = Staff.objects.create(username="bench_officer", role="county_officer", division_id=COUNTY)
        rows = []
        for i in range(args.people):
            woman = i < args.women
            birth = datetime.date(1980 + rng.randrange(0, 26) if woman else 1960 + rng.randrange(0, 45), rng.randrange(1, 13), rng.randrange(1, 29))
            rows.append(Person(document_type="passport", document_number=f"B{i:08d}", name=f"测试{i}", sex="F" if woman or i % 2 else "M",
                               birth_date=birth, marital_status="20" if woman else "10", hukou_division_id=HUKOU,
                               residence_division_id=villages[i % len(villages)], floating=True, created_on=datetime.date(2025, 1, 1)))
        Person.objects.bulk_create(rows, batch_size=5000)
        adopt_rule_set(actor=None, code="ningshan-2011", division_code=COUNTY, valid_from="2026-01-01")
        ids = list(Person.objects.filter(sex="F", marital_status="20").values_list("id", "residence_division_id"))
        now = timezone.now()
        checks = [Check(person_id=pid, division_id=village[:9] + "000", village=village, checked_on=datetime.date(2026, 10, 1) + datetime.timedelta(days=rng.randrange(58)),
                        iud=True, result="normal", recorded_at=now) for pid, village in rng.sample(ids, len(ids) // 10)]
        street = [(pid, v) for pid, v in ids if v.startswith("440305001")]
        checks += [Check(person_id=pid, division_id="440305001000", village=village, checked_on=datetime.date(2026, 7, 1) + datetime.timedelta(days=n % 90),
                         iud=True, pregnancy=bool(n % 2), result="normal", method="iud", report_number=f"440305001-2026-{n + 1:05d}", recorded_at=now)
                   for n, (pid, village) in enumerate((street * (args.register_rows // max(len(street), 1) + 1))[:args.register_rows])]
        Check.objects.bulk_create(checks, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")  # what autovacuum does after a load this size
    print(f"Liudong technical services benchmark: {args.people:,} inflow people, {args.women:,} married women, built in {time.perf_counter() - t:.1f} s ({connection.vendor}: {db_path})", flush=True)

    times, due, count, queries_run = [], None, 0, 0
    for _ in range(5):
        t = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            due = queries.due_list(actor=officer, division_code=None, period="2026-Q4", today=today)
            shown = due.rows[:100]
            count = len(due.rows)
            queries.log_due(actor=officer, due=due, shown=shown)
        times.append(time.perf_counter() - t)
        queries_run = len(ctx.captured_queries)
    bench("technical_due_list_ms", round(statistics.median(times) * 1000, 1), f"due list of the county for 2026-Q4 ({count:,} women due of {args.women:,}; "
          f"count + first page of 100, {queries_run} queries), median of 5", " ms")
    deep = []
    for _ in range(5):
        t = time.perf_counter()
        due = queries.due_list(actor=officer, division_code=None, period="2026-Q4", today=today)
        shown = due.rows[count - 100:count]
        queries.log_due(actor=officer, due=due, shown=shown)
        deep.append(time.perf_counter() - t)
    bench("technical_due_list_last_page_ms", round(statistics.median(deep) * 1000, 1), "the same list's last page of 100, median of 5", " ms")

    times, pages = [], 0
    for _ in range(3):
        t = time.perf_counter()
        data, _ = documents.check_register(actor=officer, division_code="440305001000", period="2026-Q3", printed_on=today)
        times.append(time.perf_counter() - t)
    (workdir / "register.pdf").write_bytes(data)
    bench("technical_register_pdf_s", round(statistics.median(times), 2), f"check register of one street for 2026-Q3, {args.register_rows:,} rows, "
          f"{len(data) / 1e6:.1f} MB ({workdir / 'register.pdf'}), median of 3", " s")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
