"""Duplicate detection benchmark (issue 15 parts 3 and 6, R8).

    python bench/quality.py [--people N] [--seed S] [--db-people M]

1. A labelled synthetic set of N people (default 1,000,000; quality.synthetic: 6 % twins - ID
   number typos, swapped birth-date digits, homophones, traditional characters, another document -
   and 3 % true look-alikes), hukou in 40 counties, with the same-sound keys people.pinyin stores
   on every Person. Generating it is not timed.
2. quality.dedup.find_duplicates on all of them (blocking on four keys, rapidfuzz scoring): the
   time (target < 15 s) and the precision and recall against the labels (target >= 0.99 each).
3. With M > 0 (default 100,000): the same for M people registered in a fresh SQLite database
   (quality.services.add_synthetic_people) and read back as the scan job reads them
   (quality.queries.rows_of): read time, dedup time, precision, recall.

Each figure is printed as `BENCH name value` plus human text.
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

COUNTIES = [f"{p}{c:02d}" for p in ("4403", "5119", "1101", "3205", "4201", "3301", "4101", "5101") for c in (1, 3, 5, 7, 9)]


SCANNED = "440305000000"  # 南山区: the synthetic people are registered by it (live nowhere yet)


def bench(name, value, text, unit=""):
    print(f"BENCH {name} {value}")
    print(f"  {text}: {value}{unit}", flush=True)


def measure(label, rows, truth):
    from liudong.quality import dedup

    t, cpu = time.perf_counter(), time.process_time()
    found = dedup.find_duplicates(rows)
    took, cpu = time.perf_counter() - t, time.process_time() - cpu
    precision, recall = dedup.precision_recall(found, truth)
    bench(f"{label}_seconds", round(took, 2), f"find_duplicates on {len(rows):,} people ({len(found):,} pairs found, {len(truth):,} labelled), wall clock", " s")
    bench(f"{label}_cpu_seconds", round(cpu, 2), f"the same in CPU time of this process (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)", " s")
    bench(f"{label}_precision", round(precision, 4), "precision against the labels")
    bench(f"{label}_recall", round(recall, 4), "recall against the labels")
    return took, precision, recall


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--people", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=15)
    p.add_argument("--db-people", type=int, default=100_000)
    args = p.parse_args()
    from liudong.quality import synthetic

    codes = [f"{c}001000000" for c in COUNTIES]
    t = time.perf_counter()
    made = synthetic.generate(args.people, seed=args.seed, hukou_codes=codes)
    rows = [person.row() for person in made.people]
    print(f"  generated {len(rows):,} people in {time.perf_counter() - t:.1f} s (not timed): {made.kinds}", flush=True)
    took, precision, recall = measure("dedup", rows, made.truth)
    ok = took < 15 and precision >= 0.99 and recall >= 0.99
    del rows
    if args.db_people:
        workdir = Path(tempfile.mkdtemp(prefix="liudong-bench-quality-"))
        db_path = workdir / "quality.sqlite3"
        os.environ.update({"DATABASE_URL": f"sqlite:///{db_path}", "LIUDONG_DATA_DIR": str(workdir), "LIUDONG_ENV": "development"})
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liudong.settings")
        import django

        django.setup()
        from django.core.management import call_command

        from liudong.clock import today
        from liudong.divisions.models import Division
        from liudong.quality import queries, services

        call_command("migrate", verbosity=0)
        counties = list(Division.objects.filter(level=3, code__regex=r"^(4403|5119)").values_list("code", flat=True)[:12])
        small = synthetic.generate(args.db_people, seed=args.seed, hukou_codes=counties)
        ids = services.add_synthetic_people(actor=None, labelled=small, registered_by=SCANNED, today=today())
        truth = {(min(ids[a], ids[b]), max(ids[a], ids[b])) for a, b in small.truth}
        t = time.perf_counter()
        db_rows = queries.rows_of(SCANNED)
        bench("scan_read_seconds", round(time.perf_counter() - t, 2), f"reading {len(db_rows):,} people as the scan job does (SQLite)", " s")
        measure("scan_dedup", db_rows, truth)
    print("OK" if ok else "TARGET MISSED")


if __name__ == "__main__":
    main()
