"""Query desk benchmark (issue 12, Numbers): same-sound subject searches at the desk over 1,000,000
people, and the query register of a year (50,000 requests) printed as PDF.

    python bench/desk.py [--people N] [--register-rows M] [--db PATH] [--keep] [--reads-only]

On a fresh, migrated SQLite file it builds the demo world's frame and N people with the demo
generator, written with plain `executemany` (the rows bench/registry.py prepares: persons, their
residences and same-sound keys; the import itself is measured by bench/registry.py). 广东 adopts
`query-desk-2010`; then, as `nanshan_desk` (南山区):

1. the desk's same-sound search (`desk.services.run` of a vetting request naming one person,
   同音, which searches the city's Q9 population, logs the search and answers or lists the
   masked matches), median over ~50 names drawn from the city (target < 100 ms), and the whole
   request (create + run) beside it;
2. the register of a year: M requests (default 50,000, each with one named person) written for
   2025, then printed for 2025-01-01..2025-12-31 as the desk prints it: an export job
   (`query_register`, desk/exports.py) run by the worker's code path, `jobs.runner.run`
   (ReportLab; target < 60 s, from the request to the finished file).

Each figure is printed as `BENCH name value` plus human text. `--reads-only --db PATH` measures
again on a database kept with `--keep` (also one made by bench/registry.py --keep).
"""
import argparse
import datetime
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import registry  # noqa: E402 - the registry benchmark's world and row preparation


def bench(name, value, text, unit=""):
    print(f"BENCH {name} {value}")
    print(f"  {text}: {value}{unit}", flush=True)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--people", type=int, default=1_000_000)
    p.add_argument("--register-rows", type=int, default=50_000)
    p.add_argument("--requests", type=int, default=50)
    p.add_argument("--db", default="", help="SQLite file to build (default: a temporary folder)")
    p.add_argument("--keep", action="store_true", help="keep the database file afterwards")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--reads-only", action="store_true", help="skip the load: measure on an existing --db kept by an earlier run")
    return p.parse_args()


def load(args, db_path, today):
    from django.db import connection, transaction

    from liudong.people.imports.rows import import_people, reserve_ids
    from liudong.people.models import Person

    world = registry.bench_world()(seed=args.seed, people=args.people, today=today, log=print)
    started = time.perf_counter()
    with transaction.atomic():
        world.setup_places()
        world.setup_staff()
        import_people(actor=None, rows=world.owner_rows(), today=today)
        world.build_housing_and_employers()
    print(f"  frame in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    rows = list(world.population_rows())
    with connection.cursor() as cur:
        first_id = reserve_ids(cur, Person, 1)[0]
    persons, residences, keys = registry.baseline_rows(rows, first_id, today)
    del rows
    print(f"  generated {len(persons):,} persons, {len(residences):,} residences, {len(keys):,} same-sound keys in {time.perf_counter() - started:.1f} s", flush=True)
    connection.close()
    base_s, keys_s = registry.run_baseline(str(db_path), persons, residences, keys)
    print(f"  written in {base_s + keys_s:.1f} s (executemany)", flush=True)
    with sqlite3.connect(db_path) as db:
        db.execute("ANALYZE")


def measure(args, today):
    from django.utils import timezone

    from liudong.accounts.models import Staff
    from liudong.desk import rules, services
    from liudong.desk.models import Inquiry, InquiryDocument, Subject
    from liudong.people import scope
    from liudong.policy.services import adopt_rule_set

    desk = Staff.objects.get(username="nanshan_desk")
    if not rules.in_force(desk.division_id, today):
        adopt_rule_set(actor=None, code="query-desk-2010", division_code="440000000000", valid_from="2010-09-09")
    city = rules.city_of(desk.division_id)
    total = scope.desk_population(city).count()
    print(f"  {total:,} people in the Q9 population of 深圳 (of {scope.Person.objects.count():,})", flush=True)
    rng = random.Random(args.seed)
    names = list(scope.desk_population(city).order_by("id").values_list("name", flat=True)[:200000])
    sample = rng.sample(names, min(args.requests, len(names)))
    now = timezone.now()
    letter = ["introduction_letter", "work_card", "id_card"]

    def request(name):
        return services.create_inquiry(actor=desk, data={"category": "vetting", "requester": {"name": "王明", "unit": "某单位"}, "documents": letter,
                                                         "reason": "政审", "notice_acknowledged": True, "subjects": [{"name": name, "match": "same_sound"}]}, now=now)

    request(sample[0])  # warm up
    run_ms, whole_ms, matches = [], [], []
    for name in sample:
        started = time.perf_counter()
        inquiry = request(name)
        made = time.perf_counter()
        services.run(actor=desk, inquiry_id=inquiry.pk, now=now)
        done = time.perf_counter()
        run_ms.append((done - made) * 1000)
        whole_ms.append((done - started) * 1000)
        matches.append(Subject.objects.get(inquiry=inquiry).match_count or 0)
    bench("desk.same_sound_search_ms", f"{statistics.median(run_ms):.1f}",
          f"desk same-sound search (services.run: Q9 population, search, audit, answer or masked matches), median of {len(sample)} "
          f"(max {max(run_ms):.0f} ms, median {statistics.median(matches):.0f} matches; target < 100)", " ms")
    bench("desk.request_ms", f"{statistics.median(whole_ms):.1f}", "the whole request (create + run), median", " ms")
    Inquiry.objects.filter(received_on=today).delete()

    # -- the register of a year -----------------------------------------------------------------
    start, end = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
    existing = Inquiry.objects.filter(division=desk.division, received_on__gte=start, received_on__lte=end).count()
    missing = max(0, args.register_rows - existing)
    if missing:
        started = time.perf_counter()
        days = [start + datetime.timedelta(days=i) for i in range(365)]
        reasons = ["入伍政治审查", "转递档案查找原单位职工", "代理合同纠纷案件", "寻找失去联系的同学"]
        batch = []
        for n in range(missing):
            day = days[n * 365 // missing]
            batch.append(Inquiry(division=desk.division, file_number=f"440305-2025-{existing + n + 1:06d}", category="vetting", rule_set="query-desk-2010",
                                 state="answered", received_on=day, received_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10))),
                                 requester_name=f"查询人{n % 997}", requester_unit=f"某某单位{n % 113}", reason=reasons[n % 4], answered_on=day))
        Inquiry.objects.bulk_create(batch, batch_size=2000)
        made = list(Inquiry.objects.filter(division=desk.division, received_on__gte=start, received_on__lte=end).order_by("id").values_list("id", flat=True))[-missing:]
        InquiryDocument.objects.bulk_create([InquiryDocument(inquiry_id=i, document=d) for i in made for d in letter], batch_size=5000)
        Subject.objects.bulk_create([Subject(inquiry_id=i, position=1, name=names[k % len(names)], match="same_sound", sex="MF"[k % 2], state="answered")
                                     for k, i in enumerate(made)], batch_size=5000)
        print(f"  wrote {missing:,} register requests for 2025 in {time.perf_counter() - started:.1f} s (not timed)", flush=True)
    # Printed as the desk prints it: an export job (desk/exports.py) made by the worker's code path
    # (jobs.runner.run; the queue only carries the job's id), timed from the request to the file.
    from pypdf import PdfReader

    from liudong.jobs import runner
    from liudong.jobs import services as jobs

    started, cpu = time.perf_counter(), time.process_time()
    job = jobs.request_export(actor=desk, kind="query_register", format="pdf", params={"start": start.isoformat(), "end": end.isoformat()},
                              today=today, now=timezone.now())
    state = runner.run(job.pk, job.ticket, now=timezone.now)
    pdf_s, cpu_s = time.perf_counter() - started, time.process_time() - cpu
    job.refresh_from_db()
    if state != "done":
        raise SystemExit(f"the register job ended {state}: {job.message}")
    path = jobs.file_path(job)
    pages = len(PdfReader(path).pages)
    count = Inquiry.objects.filter(division=desk.division, received_on__gte=start, received_on__lte=end).count()
    bench("desk.register_year_pdf_s", f"{pdf_s:.1f}", f"the query register of 2025 ({count:,} requests, {pages:,} pages, {job.file_size / 1e6:.1f} MB) "
          f"as PDF through an export job, request to file, {cpu_s:.1f} s of CPU (target < 60)", " s")
    path.unlink(missing_ok=True)


def main():
    args = parse_args()
    workdir = None
    if args.db:
        db_path = Path(args.db).resolve()
        db_path.parent.mkdir(parents=True, exist_ok=True)
    else:
        workdir = Path(tempfile.mkdtemp(prefix="liudong-bench-desk-"))
        db_path = workdir / "desk.sqlite3"
    if args.reads_only and not db_path.exists():
        raise SystemExit(f"--reads-only needs an existing --db: {db_path} is missing")
    if not args.reads_only:
        for suffix in ("", "-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liudong.settings")
    os.environ.setdefault("LIUDONG_DATA_DIR", str(db_path.parent))
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    today = timezone.localdate()
    print(f"Liudong query desk benchmark: {args.people:,} people, {args.register_rows:,} register rows, {db_path}", flush=True)
    call_command("migrate", verbosity=0)
    if not args.reads_only:
        load(args, db_path, today)
    measure(args, today)
    from django.db import connection

    connection.close()
    if not args.keep:
        for suffix in ("", "-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"  kept {db_path}")


if __name__ == "__main__":
    main()
