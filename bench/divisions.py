"""Division tree benchmark (J1): load ~700,000 divisions, then time subtree queries.

    python bench/divisions.py [--divisions N] [--db PATH] [--keep] [--seed S] [--repeat R]

On a fresh, migrated SQLite file (which already holds the shipped official list: the nation, the
provinces, cities and every county), it generates townships and villages under every real county
(12-digit codes PPCCDDTTTVVV, 10-18 townships per county and a village count per township chosen
so that the total is about N) and loads them through `divisions.codelists.load_division_rows`, the
loader behind `liudong divisions load`, in one transaction. Then it times, as the median of R runs:

- count of one county's villages      (a code range: Division.code_range / divisions.queries.in_range)
- count of one province's villages    (the same, over tens of thousands of rows)
- children of a township              (the parent foreign key's index)
- descendants of a township           (a code range, rows fetched)
- descendants of a county             (a code range, rows fetched)

Each figure is printed as a machine-readable line `BENCH divisions.<name> <value>` (milliseconds,
or rows for the sizes) plus human text. Target: a subtree query under 50 ms with 700k rows.
"""
import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def bench(name, value, text, unit=" ms"):
    print(f"BENCH divisions.{name} {value}")
    print(f"  {text}: {value}{unit}", flush=True)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--divisions", type=int, default=700_000, help="about how many divisions in all")
    p.add_argument("--db", default="", help="SQLite file to build (default: a temporary folder)")
    p.add_argument("--keep", action="store_true", help="keep the database file afterwards")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--repeat", type=int, default=25)
    return p.parse_args()


def setup_django(db_path: Path):
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("LIUDONG_ENV", "development")
    os.environ["DJANGO_SETTINGS_MODULE"] = "liudong.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def synthetic_rows(counties: list[str], target: int, seed: int):
    """(row number, code, name) rows of townships and villages under the given counties."""
    rng = random.Random(seed)
    townships_per_county = 14  # the mean of randint(10, 18)
    mean_villages = max(1.0, target / (len(counties) * townships_per_county) - 1)
    lo, hi = max(1, round(mean_villages * 0.4)), max(1, round(mean_villages * 1.6))
    rows, n = [], 1
    for county in counties:
        prefix = county[:6]
        for t in range(1, rng.randint(10, 18) + 1):
            township = f"{prefix}{t:03d}000"
            n += 1
            rows.append((n, township, f"第{t}街道"))
            for v in range(1, min(999, rng.randint(lo, hi)) + 1):
                n += 1
                rows.append((n, f"{prefix}{t:03d}{v:03d}", f"第{t}街道第{v}社区"))
    return rows


def median_ms(fn, repeat: int) -> tuple[float, object]:
    result = fn()  # warm the page cache and the statement cache once
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2), result


def main():
    args = parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="liudong-bench-")
    db_path = Path(args.db).resolve() if args.db else Path(tmp.name) / "divisions.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    setup_django(db_path)

    from django.db import connection, transaction

    from liudong.divisions.models import Division
    from liudong.divisions.codelists import load_division_rows
    from liudong.divisions.queries import in_range

    counties = list(Division.objects.filter(level=3).order_by("code").values_list("code", flat=True))
    shipped = Division.objects.count()
    rows = synthetic_rows(counties, args.divisions - shipped, args.seed)

    start = time.perf_counter()
    with transaction.atomic():
        result = load_division_rows(rows, edition="bench")
    load_s = time.perf_counter() - start
    total = Division.objects.count()
    bench("rows", total, "divisions in the table after the load", unit="")
    bench("load_ms", round(load_s * 1000), f"load_division_rows of {result['added']:,} rows in one transaction ({result['added'] / load_s:,.0f} rows/s)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    county = "440305000000"     # 南山区
    province = "440000000000"   # 广东省
    township = "440305001000"
    county_villages = in_range("code", county)

    t, n = median_ms(lambda: Division.objects.filter(county_villages, level=5).count(), args.repeat)
    bench("county_villages_count_ms", t, f"count of a county's villages by code range ({n} villages)")
    t, n = median_ms(lambda: Division.objects.filter(in_range("code", province), level=5).count(), args.repeat)
    bench("province_villages_count_ms", t, f"count of a province's villages by code range ({n:,} villages)")
    t, rows_ = median_ms(lambda: list(Division.objects.filter(parent_id=township).values_list("code", "name")), args.repeat)
    bench("township_children_ms", t, f"children of a township by parent ({len(rows_)} rows fetched)")
    t, rows_ = median_ms(lambda: list(Division.objects.filter(in_range("code", township)).values_list("code", "name", "level")), args.repeat)
    bench("township_descendants_ms", t, f"descendants of a township by code range ({len(rows_)} rows fetched)")
    t, rows_ = median_ms(lambda: list(Division.objects.filter(in_range("code", county)).values_list("code", "name", "level")), args.repeat)
    bench("county_descendants_ms", t, f"descendants of a county by code range ({len(rows_)} rows fetched)")

    with connection.cursor() as cursor:
        sql, params = Division.objects.filter(county_villages, level=5).values("code").query.sql_with_params()
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        print("  plan (county villages):", "; ".join(str(r[-1]) for r in cursor.fetchall()))

    if args.keep:
        print(f"  kept {db_path}")
    else:
        connection.close()
        tmp.cleanup()


if __name__ == "__main__":
    main()
