"""The township home page's R5 counts (left-behind children, empty-nest elderly) without the
merged-away records (issue 15), measured on a database kept by bench/registry.py:

    python bench/registry.py --people 200000 --keep --db /tmp/reg200k.sqlite3
    python bench/home_counts.py --db /tmp/reg200k.sqlite3 [--rounds 15]

The counts leave out a record merged into another (Person.merged_into). A partial index over the
hukou range of live records (people 0011, `person_hukou_home_live`) keeps that free of row reads;
the same migration drops the plain index on merged_into (nearly all NULL), through which SQLite,
without statistics, read the whole table for "merged_into_id IS NULL".
Prints, interleaved round by round so that the machine's load falls on each alike, the median of
people.queries.home_counts for nantou_clerk (the township home page's counts):

- with the partial index (as shipped);
- with the partial index dropped (the filter alone: the state README described as 3x slower);
- and the two R5 counts alone, with and without the merged-away filter (the filter with the index).
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
INDEX = "person_hukou_home_live"


def bench(name, value, text, unit=""):
    print(f"BENCH {name} {value}")
    print(f"  {text}: {value}{unit}", flush=True)


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", required=True)
    p.add_argument("--rounds", type=int, default=15)
    args = p.parse_args()
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(args.db).resolve()}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liudong.settings")
    os.environ.setdefault("LIUDONG_DATA_DIR", str(Path(args.db).resolve().parent))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from liudong.accounts.models import Staff
    from liudong.people import scope
    from liudong.people.choices import Relation
    from liudong.people.models import FamilyLink, Person
    from liudong.people.queries import age_bounds, home_counts

    call_command("migrate", verbosity=0)
    clerk = Staff.objects.get(username="nantou_clerk")
    today = timezone.localdate()
    code = clerk.division_id
    people = Person.objects.count()
    create = f'CREATE INDEX "{INDEX}" ON "people_person" ("hukou_division_id", "floating", "birth_date") WHERE "merged_into_id" IS NULL'

    def children(live: bool) -> int:
        low, _ = age_bounds(today, age_max=16)
        parents = FamilyLink.objects.filter(person_id=OuterRef("pk"), relation=Relation.PARENT)
        qs = Person.objects.filter(scope.registered_in(code), floating=False, birth_date__gte=low, birth_date__lte=today)
        qs = qs.filter(merged_into__isnull=True) if live else qs
        return qs.filter(Exists(parents.filter(relative__floating=True))).exclude(Exists(parents.filter(relative__floating=False, parent_unable_to_care=False))).count()

    home_counts(actor=clerk, today=today)  # warm the page cache
    got = {"index": [], "no_index": [], "r5_filtered": [], "r5_unfiltered": []}
    for _ in range(args.rounds):
        got["index"].append(timed(lambda: home_counts(actor=clerk, today=today)))
        got["r5_filtered"].append(timed(lambda: children(True)))
        got["r5_unfiltered"].append(timed(lambda: children(False)))
        with connection.cursor() as cur:
            cur.execute(f'DROP INDEX "{INDEX}"')
        got["no_index"].append(timed(lambda: home_counts(actor=clerk, today=today)))
        with connection.cursor() as cur:
            cur.execute(create)
    print(f"Home page R5 counts on {people:,} people (nantou_clerk, {args.rounds} interleaved rounds)")
    med = {k: statistics.median(v) for k, v in got.items()}
    bench("home.counts_ms", f"{med['index']:.1f}", "home_counts, merged-away left out, with the partial index", " ms")
    bench("home.counts_no_index_ms", f"{med['no_index']:.1f}", "home_counts, merged-away left out, partial index dropped", " ms")
    bench("home.children_filtered_ms", f"{med['r5_filtered']:.1f}", "left-behind children count alone, merged-away left out (index)", " ms")
    bench("home.children_unfiltered_ms", f"{med['r5_unfiltered']:.1f}", "left-behind children count alone, no filter (as before)", " ms")


if __name__ == "__main__":
    main()
