"""Village list benchmark (J1, issue 14): `liudong divisions load-villages` on a fresh database.

    python bench/village_load.py [--db postgresql://postgres@127.0.0.1:5432/NAME] [--keep]

A fresh database (a temporary SQLite file by default; with a postgresql:// URL, a database of that
name is created and, unless --keep, dropped afterwards), migrated (the shipped county list), then
through territory.services.load_villages, the service behind the command:

1. one province (广东, 44) on the empty tree;
2. the whole country (every other province added, 广东 already there);
3. the whole country again (idempotent: nothing written).

Prints `BENCH village_load.<name> <value>` lines (seconds, or rows) and human text.
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def bench(name, value, text, unit=" s"):
    print(f"BENCH village_load.{name} {value}")
    print(f"  {text}: {value}{unit}", flush=True)


def admin_url(url):
    return urlunparse(url._replace(path="/postgres"))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", default="", help="a postgresql:// URL (default: a temporary SQLite file)")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = p.parse_args()
    workdir = tempfile.TemporaryDirectory(prefix="liudong-bench-villages-")
    url = urlparse(args.db) if args.db.startswith("postgres") else None
    if url is not None:
        import psycopg

        name = url.path.lstrip("/") or "liudong_bench_villages"
        with psycopg.connect(admin_url(url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = urlunparse(url._replace(path=f"/{name}"))
        where = f"PostgreSQL database {name}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir.name}/villages.sqlite3"
        where = "SQLite (temporary file)"
    os.environ.setdefault("LIUDONG_ENV", "development")
    os.environ.setdefault("LIUDONG_DATA_DIR", workdir.name)
    os.environ["DJANGO_SETTINGS_MODULE"] = "liudong.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from liudong.divisions.models import Division
    from liudong.territory.services import load_villages

    call_command("migrate", verbosity=0)
    print(f"{where}: {Division.objects.count():,} divisions shipped")
    for label, province, text in [("province_s", "44", "广东 (44) on the shipped county list"),
                                  ("country_s", "", "the whole country (广东 already there)"),
                                  ("again_s", "", "the whole country again (idempotent)")]:
        start = time.perf_counter()
        s = load_villages(actor=None, province=province).summary()
        seconds = round(time.perf_counter() - start, 1)
        bench(label, seconds, f"{text}: added {s['added']:,}, present {s['present']:,}, mapped {s['mapped']}, "
                              f"unplaced {s['unplaced_townships']} townships + {s['unplaced_villages']} villages")
    bench("rows", Division.objects.count(), "divisions in the table", unit="")
    connection.close()
    if url is not None and not args.keep:
        import psycopg

        with psycopg.connect(admin_url(url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    workdir.cleanup()


if __name__ == "__main__":
    main()
