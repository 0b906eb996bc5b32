"""Registry benchmark: bulk import of N people (default 1,000,000) and the reads a desk makes on them.

    python bench/registry.py [--people N] [--db PATH] [--keep] [--seed S]

On a fresh, migrated SQLite file it builds the demo world's frame (divisions, staff, grids, local
owners, rental homes, employers; src/liudong/demo/world.py), generates the population rows
with the same generator as `liudong demo`, scaled, and measures

1. baseline: plain sqlite3 `executemany` of the same person and residence rows (values prepared
   beforehand) into a copy of the same migrated file, in one transaction, with the pragmas the
   application uses (WAL, synchronous=NORMAL, foreign_keys=ON) and the page cache that
   import_people takes while it runs (imports.rows.IMPORT_CACHE_KIB);
2. `people.imports.import_people` on the same rows (validation, R8 matching, pinyin keys, name-key
   rows, residence kinds, one audit event);

then, with everything loaded, the median over ~50 requests each of an ID-number look-up and a
same-sound name search through the API (Bearer token, Django test client, in process), and of
the township home page "/" for a township clerk.

Each figure is printed as a machine-readable line `BENCH name value` plus human text.
"""
import argparse
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

PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON", "PRAGMA cache_size=-64000")


def bench(name, value, text, unit=""):
    print(f"BENCH {name} {value}")
    print(f"  {text}: {value}{unit}", flush=True)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--people", type=int, default=1_000_000)
    p.add_argument("--db", default="", help="SQLite file to build (default: a temporary folder)")
    p.add_argument("--keep", action="store_true", help="keep the database files afterwards")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--requests", type=int, default=50)
    p.add_argument("--reads-only", action="store_true", help="skip the load: measure the reads on an existing --db kept by an earlier run")
    return p.parse_args()


def baseline_rows(rows, first_person_id, today):
    """The person and residence rows import_people would write, as plain tuples (not timed)."""
    from liudong.divisions.queries import all_county_kinds
    from liudong.people.floating import floating_for
    from liudong.people.pinyin import name_keys

    kinds = all_county_kinds()  # J2, as import_people decides it
    people, residences, keys = {}, [], []
    next_id = first_person_id
    cache = {}
    for r in rows:
        number = r["id_number"]
        floating = floating_for(r["division"], r["hukou_division"], reason=r.get("reason", ""), expects_return=r.get("expects_return", False), kinds=kinds)
        arrived = r["arrived_on"].isoformat()
        left = r["left_on"].isoformat() if r.get("left_on") else None
        p = people.get(number)
        if p is None:
            name = r["name"]
            k = cache.get(name) or cache.setdefault(name, name_keys(name))
            birth = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
            sex = "M" if int(number[16]) % 2 else "F"
            p = [next_id, number, "resident_id", number, name, k[0], sex, birth, r["ethnicity"], r["education"], r["marital_status"],
                 r["phone"], r["hukou_division"], r["hukou_address"], None if left else r["division"], floating, today.isoformat(), ""]
            people[number] = p
            keys.extend((next_id, key) for key in k)
            next_id += 1
        elif left is None:
            p[14], p[15] = r["division"], floating
        residences.append((p[0], r["division"], r.get("address", ""), r.get("housing_id"), r.get("employer_id"), r.get("grid_id"), arrived,
                           "arrival", r.get("reason", ""), r.get("intended_stay", ""), bool(r.get("expects_return")), left, "departure" if left else "", floating,
                           r["hukou_division"], ""))
    return [tuple(p) for p in people.values()], residences, keys


def bench_world():
    """The demo's world (same generator, same rows) whose rental homes, employers and family links
    are written straight to their tables: the demo registers them one by one through the services
    (R4, R5), which at a million people would take longer than the import this script measures."""
    from django.db import connection

    from liudong.demo.world import DemoWorld
    from liudong.people.imports.rows import insert_sql, reserve_ids
    from liudong.people.models import Employer, FamilyLink, RentalHousing

    def write(model, fields, rows):
        with connection.cursor() as cur:
            ids = reserve_ids(cur, model, len(rows))
            cur.executemany(insert_sql(model, ("id", *fields)), [(pk, *(row[f] for f in fields)) for pk, row in zip(ids, rows)])
        return ids

    class BenchWorld(DemoWorld):
        def register_homes(self, homes):
            fields = ("division", "address", "owner_id", "use", "business_category", "rooms", "registered_on")
            return write(RentalHousing, fields, homes)

        def register_employers(self, employers):
            fields = ("division", "name", "credit_code", "address", "contact_name", "contact_phone", "registered_on")
            return write(Employer, fields, employers)

        def link(self, pairs):
            rows = [r for p, c in pairs for r in ((p, c, "child"), (c, p, "parent"))]
            with connection.cursor() as cur:
                cur.executemany(insert_sql(FamilyLink, ("person", "relative", "relation")), rows)

    return BenchWorld


def run_baseline(path, person_rows, residence_rows, key_rows):
    from django.db import connection

    from liudong.people.imports.rows import IMPORT_CACHE_KIB, NAME_KEY_COLUMNS, PERSON_COLUMNS, RESIDENCE_COLUMNS, insert_sql
    from liudong.people.models import Person, PersonNameKey, Residence

    def sql(model, cols):
        return insert_sql(model, cols).replace("%s", "?")

    person_sql, residence_sql, key_sql = sql(Person, PERSON_COLUMNS), sql(Residence, RESIDENCE_COLUMNS), sql(PersonNameKey, NAME_KEY_COLUMNS)
    assert connection.vendor == "sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in PRAGMAS:
        db.execute(pragma)
    db.execute(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")  # the page cache import_people takes for itself
    started = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    db.executemany(person_sql, person_rows)
    db.executemany(residence_sql, residence_rows)
    db.execute("COMMIT")
    base = time.perf_counter() - started
    started = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    db.executemany(key_sql, key_rows)
    db.execute("COMMIT")
    keys = time.perf_counter() - started
    db.close()
    return base, keys


def median_ms(fn, items):
    times = []
    for item in items:
        started = time.perf_counter()
        fn(item)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def measure_reads(args, clerk):
    """The desk's reads on the loaded database, through the API and the home page."""
    from django.test import Client

    from liudong.accounts.tokens import issue_token
    from liudong.people.models import Person

    # -- reads ------------------------------------------------------------------------------------
    token = issue_token(clerk)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    rng = random.Random(args.seed)
    low, high = "440305001000", "440305001999"
    in_scope = list(Person.objects.filter(residence_division_id__gte=low, residence_division_id__lte=high).order_by("id").values_list("id_number", "name")[:20000])
    sample = rng.sample(in_scope, min(args.requests, len(in_scope)))

    def get(url, **params):
        response = client.get(url, params)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} {params} -> {response.status_code}: {response.content[:300]!r}")
        return response

    def id_lookup(number):
        body = get("/api/v1/persons", id_number=number).json()
        assert body["count"] == 1, body

    def same_sound(name):
        get("/api/v1/persons", name=name, match="same_sound", limit=20)

    get("/api/v1/persons", id_number=sample[0][0])  # warm up the process and the page cache
    med, worst = median_ms(id_lookup, [n for n, _ in sample])
    bench("registry.api_id_lookup_ms", f"{med:.1f}", f"API ID-number look-up, median of {len(sample)} (max {worst:.0f} ms; target < 50)", " ms")
    names = ["张伟", "章伟", "李娜", "王芳", "刘洋", "陈静", "单丽", "曾敏", "解军"] + [name for _, name in sample]
    names = names[: max(len(sample), 9)]
    same_sound(names[0])
    med, worst = median_ms(same_sound, names)
    bench("registry.api_same_sound_ms", f"{med:.1f}", f"API same-sound name search, median of {len(names)} (max {worst:.0f} ms; target < 50)", " ms")

    home = Client()
    home.force_login(clerk)
    probe = home.get("/")
    if probe.status_code == 200:
        label, fetch = "township home page / for a township clerk", lambda _: home.get("/")
        bench_name = "registry.home_page_ms"
    else:
        print(f"  home page / answered {probe.status_code}: measuring GET /api/v1/persons?flow=inflow&limit=20 as a stand-in")
        label, fetch = "STAND-IN GET /api/v1/persons?flow=inflow&limit=20", lambda _: get("/api/v1/persons", flow="inflow", limit=20)
        bench_name = "registry.home_standin_ms"
    med, worst = median_ms(fetch, range(args.requests))
    bench(bench_name, f"{med:.1f}", f"{label}, median of {args.requests} (max {worst:.0f} ms; target < 300)", " ms")



def main():
    args = parse_args()
    workdir = None
    if args.db:
        db_path = Path(args.db).resolve()
        db_path.parent.mkdir(parents=True, exist_ok=True)
    else:
        workdir = Path(tempfile.mkdtemp(prefix="liudong-bench-"))
        db_path = workdir / "registry.sqlite3"
    base_path = db_path.with_name(db_path.stem + "-baseline.sqlite3")
    if args.reads_only:
        if not db_path.exists():
            raise SystemExit(f"--reads-only needs an existing --db (a file kept with --keep): {db_path} is missing")
    else:
        for p in (db_path, base_path):
            for suffix in ("", "-wal", "-shm"):
                Path(str(p) + suffix).unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liudong.settings")
    os.environ.setdefault("LIUDONG_DATA_DIR", str(db_path.parent))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from liudong.people.imports.rows import import_people, reserve_ids
    from liudong.people.models import Person, PersonNameKey, Residence

    today = timezone.localdate()
    print(f"Liudong registry benchmark: {args.people:,} people, seed {args.seed}, {db_path}", flush=True)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"  migrated in {time.perf_counter() - started:.1f} s", flush=True)

    if args.reads_only:
        from liudong.accounts.models import Staff

        print(f"  reads only, on {Person.objects.count():,} persons", flush=True)
        measure_reads(args, Staff.objects.get(username="nantou_clerk"))
        return

    world = bench_world()(seed=args.seed, people=args.people, today=today, log=print)
    started = time.perf_counter()
    with transaction.atomic():
        world.setup_places()
        world.setup_staff()
        owners = import_people(actor=None, rows=world.owner_rows(), today=today)
        world.build_housing_and_employers()
    print(f"  frame (divisions, staff, grids, {owners['created']:,} owners, {world.counts['rental homes']:,} homes, "
          f"{world.counts['employers']:,} employers) in {time.perf_counter() - started:.1f} s", flush=True)

    started = time.perf_counter()
    rows = list(world.population_rows())
    print(f"  generated {len(rows):,} population rows in {time.perf_counter() - started:.1f} s", flush=True)

    # The baseline's copy of the same migrated file with the same frame.
    with connection.cursor() as cur:
        first_id = reserve_ids(cur, Person, 1)[0]
    connection.close()
    with sqlite3.connect(db_path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(db_path, base_path)

    started = time.perf_counter()
    person_rows, residence_rows, key_rows = baseline_rows(rows, first_id, today)
    print(f"  prepared baseline tuples ({len(person_rows):,} persons, {len(residence_rows):,} residences, {len(key_rows):,} name keys) "
          f"in {time.perf_counter() - started:.1f} s (not timed)", flush=True)
    base_s, keys_s = run_baseline(str(base_path), person_rows, residence_rows, key_rows)
    del person_rows, residence_rows, key_rows
    bench("registry.baseline_s", f"{base_s:.2f}", "baseline: sqlite3 executemany of persons + residences, one transaction", " s")
    bench("registry.baseline_keys_s", f"{keys_s:.2f}", "  (for reference: the name-key rows alone, executemany)", " s")

    started = time.perf_counter()
    result = import_people(actor=None, rows=rows, today=today)
    import_s = time.perf_counter() - started
    print(f"  import_people: {result['created']:,} created, {result['matched']:,} matched, {result['residences']:,} residences, "
          f"{result['skipped']} bad rows", flush=True)
    bench("registry.import_s", f"{import_s:.2f}", "import_people (validate, match, pinyin keys, persons + keys + residences)", " s")
    bench("registry.import_rows_per_s", f"{len(rows) / import_s:.0f}", "import_people rows per second")
    bench("registry.load_ratio", f"{import_s / base_s:.2f}", "ratio import_people / baseline (target <= 4)")
    bench("registry.load_ratio_with_keys", f"{import_s / (base_s + keys_s):.2f}", "ratio import_people / (baseline + name-key rows)")
    del rows
    started = time.perf_counter()
    world.link_families()
    print(f"  family links ({world.counts['family links']:,}) in {time.perf_counter() - started:.1f} s", flush=True)
    print(f"  totals: {Person.objects.count():,} persons, {Residence.objects.count():,} residences, {PersonNameKey.objects.count():,} name keys", flush=True)

    measure_reads(args, world.staff["nantou_clerk"])

    connection.close()
    if not args.keep:
        for p in (db_path, base_path):
            for suffix in ("", "-wal", "-shm"):
                Path(str(p) + suffix).unlink(missing_ok=True)
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"  kept {db_path} and {base_path}")


if __name__ == "__main__":
    main()
