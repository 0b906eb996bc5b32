"""Import benchmark (issue 15 part 4): 100,000 rows matched against 1,000,000 registered people.

    python bench/people_import.py [--existing N] [--rows K] [--db PATH|postgresql://…] [--keep] [--seed S] [--rollback]

On a fresh, migrated SQLite file (or, with `--db postgresql://user@host/name`, a PostgreSQL database
of that name, dropped and created afresh) it writes N registered people (default 1,000,000; 90 % with a
resident ID number, 10 % under a passport) with their same-sound keys straight to their tables
(executemany, not timed), then times `quality.services_imports.import_rows`, the batch import a
file goes through once read (the same code as the import page after the file is read: every check
of the one-record services, the matching, the batch), on K rows (default 100,000), each with an
arrival into a county of 广东:

- 40 % carry the ID number of a registered person (matched: her period is added);
- 10 % carry a new ID number and the name, birth date, sex and hukou county of a person registered
  under a passport (uncertain: held for a clerk, not written);
- 50 % are new people, half of them sharing a common name and a birth date with someone registered
  under a different ID number (look-alikes, scored as two people: new records).

It prints the seconds and the counts (new, matched, held, refused) as `BENCH name value` lines;
the target is under 60 s. `--rollback` also times the rollback of the whole batch.
"""
import argparse
import datetime
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国春梅海燕鹏飞云志宏亮林波宁斌辉健文凯琳晨雪婷欣怡子轩浩宇博佳俊豪"


def bench(name, value, text, unit=""):
    print(f"BENCH {name} {value}")
    print(f"  {text}: {value}{unit}", flush=True)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--existing", type=int, default=1_000_000)
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--db", default="", help="SQLite file to build (default: a temporary folder), or a postgresql:// URL")
    p.add_argument("--keep", action="store_true")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--rollback", action="store_true", help="also time the rollback of the batch")
    return p.parse_args()


class People:
    """Registered people and import rows, generated from a seed."""

    def __init__(self, rng, counties, hukou_counties):
        from liudong.identifiers import id_check_char

        self.rng, self.counties, self.hukou = rng, counties, hukou_counties
        self.check = id_check_char
        self.used: set[str] = set()
        self.start = datetime.date(1960, 1, 1)

    def name(self) -> str:
        r = self.rng
        return r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2, 2))))

    def birth(self) -> datetime.date:
        return self.start + datetime.timedelta(days=self.rng.randrange(16000))

    def id_number(self, hukou: str, birth: datetime.date, sex: str) -> str:
        while True:
            seq = self.rng.randrange(500) * 2 + (1 if sex == "M" else 0)
            body = f"{hukou[:6]}{birth:%Y%m%d}{seq:03d}"
            number = body + self.check(body)
            if number not in self.used:
                self.used.add(number)
                return number


def load_existing(n, people, today):
    """N registered people with their same-sound keys, written with executemany (not timed).
    Returns (with ID: list of (id_number, name, sex, birth, hukou)), (passport: same without ID)."""
    from django.db import connection, transaction

    from liudong.people.imports.rows import PERSON_COLUMNS, insert_sql
    from liudong.people.models import Person, PersonNameKey
    from liudong.people.pinyin import name_keys

    sql_p, sql_k = insert_sql(Person, PERSON_COLUMNS), insert_sql(PersonNameKey, ("person", "key"))
    keys_of: dict[str, list] = {}
    with_id, passport = [], []
    rng = people.rng
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        for start in range(0, n, 50_000):
            prow, krow = [], []
            for pid in range(start + 1, min(n, start + 50_000) + 1):
                name, sex, birth, hukou = people.name(), rng.choice("MF"), people.birth(), rng.choice(people.hukou)
                keys = keys_of.get(name)
                if keys is None:
                    keys = keys_of[name] = name_keys(name)
                if rng.random() < 0.9:
                    number = people.id_number(hukou, birth, sex)
                    prow.append((pid, number, "resident_id", number, name, keys[0], sex, birth, "01", "", "", "", hukou, "", None, False, today, ""))
                    with_id.append((number, name, sex, birth, hukou))
                else:
                    doc = f"E{pid:08d}"
                    prow.append((pid, None, "passport", doc, name, keys[0], sex, birth, "01", "", "", "", hukou, "", None, False, today, ""))
                    passport.append((name, sex, birth, hukou))
                krow.extend((pid, k) for k in keys)
            cur.executemany(sql_p, prow)
            cur.executemany(sql_k, krow)
    if connection.vendor == "postgresql":  # the ids were given: the identity sequence follows them
        with connection.cursor() as cur:
            for model in (Person, PersonNameKey):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), (SELECT MAX(id) FROM {model._meta.db_table}))")
    print(f"  {n:,} registered people written in {time.perf_counter() - t:.1f} s (not timed): {len(with_id):,} with an ID number, "
          f"{len(passport):,} under a passport", flush=True)
    return with_id, passport


def import_file_rows(k, people, with_id, passport):
    """K rows as the file reader gives them, in a shuffled order, and how many of each kind."""
    rng = people.rng
    rows, kinds = [], {"matched": 0, "uncertain": 0, "new": 0, "look_alike": 0}

    def arrival(row):
        row.update(division=rng.choice(people.counties), address="某街道某号", arrived_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randrange(300)),
                   reason="work")
        return row

    for number, name, sex, birth, hukou in rng.sample(with_id, int(k * 0.4)):
        rows.append(arrival({"id_number": number, "name": name, "hukou_division": hukou}))
        kinds["matched"] += 1
    for name, sex, birth, hukou in rng.sample(passport, int(k * 0.1)):
        rows.append(arrival({"id_number": people.id_number(hukou, birth, sex), "name": name, "hukou_division": hukou}))
        kinds["uncertain"] += 1
    alikes = rng.sample(with_id, (k - len(rows)) // 2)
    for number, name, sex, birth, hukou in alikes:
        rows.append(arrival({"id_number": people.id_number(hukou, birth, sex), "name": name, "hukou_division": hukou}))
        kinds["look_alike"] += 1
    while len(rows) < k:
        sex, birth, hukou = rng.choice("MF"), people.birth(), rng.choice(people.hukou)
        rows.append(arrival({"id_number": people.id_number(hukou, birth, sex), "name": people.name(), "hukou_division": hukou}))
        kinds["new"] += 1
    rng.shuffle(rows)
    return rows, kinds


def main():
    args = parse_args()
    postgres = args.db.startswith("postgres")
    if postgres:
        from urllib.parse import urlparse, urlunparse

        import psycopg

        url = urlparse(args.db)
        name = url.path.lstrip("/") or "liudong_bench_import"
        with psycopg.connect(urlunparse(url._replace(path="/postgres")), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        workdir = Path(tempfile.mkdtemp(prefix="liudong-bench-import-"))
        db_url, engine = urlunparse(url._replace(path=f"/{name}")), "PostgreSQL"
    else:
        workdir = Path(tempfile.mkdtemp(prefix="liudong-bench-import-")) if not args.db else Path(args.db).resolve().parent
        db_path = Path(args.db).resolve() if args.db else workdir / "import.sqlite3"
        db_url, engine = f"sqlite:///{db_path}", "SQLite"
    os.environ.update({"DATABASE_URL": db_url, "LIUDONG_DATA_DIR": str(workdir), "LIUDONG_ENV": "development"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liudong.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from liudong.divisions.models import Division
    from liudong.people.models import Person
    from liudong.quality import services_imports
    from liudong.quality.models import ImportHold, ImportLink

    today = datetime.date(2026, 11, 28)
    call_command("migrate", verbosity=0)
    counties = list(Division.objects.filter(level=3, code__startswith="44").order_by("code").values_list("code", flat=True)[:40])
    hukou = list(Division.objects.filter(level=3, code__regex=r"^(51|43|36|45)").order_by("code").values_list("code", flat=True)[:60])
    people = People(random.Random(args.seed), counties, hukou)
    if Person.objects.exists():  # a kept --db: the registered people are there already
        with_id, passport = [], []
        for number, name, sex, birth, hukou in Person.objects.filter(merged_into__isnull=True).values_list("id_number", "name", "sex", "birth_date", "hukou_division_id").iterator(chunk_size=50000):
            (with_id if number else passport).append((number, name, sex, birth, hukou) if number else (name, sex, birth, hukou))
            if number:
                people.used.add(number)
        print(f"  {len(with_id) + len(passport):,} registered people found in --db {db_path}", flush=True)
    else:
        with_id, passport = load_existing(args.existing, people, today)
    rows, kinds = import_file_rows(args.rows, people, with_id, passport)
    print(f"  {len(rows):,} rows: {kinds}", flush=True)
    t, cpu = time.perf_counter(), time.process_time()
    batch = services_imports.import_rows(actor=None, rows=rows, today=today, source="bench", good_rows_only=True)
    took = round(time.perf_counter() - t, 1)
    bench("import_rows_seconds", took, f"import of {len(rows):,} rows with matching against {args.existing:,} registered people ({engine})", " s")
    bench("import_rows_cpu_seconds", round(time.process_time() - cpu, 1), "of which CPU time of this process (the rest: waiting on the disk or on other processes)", " s")
    bench("import_new", batch.created, "new people")
    bench("import_matched", batch.matched, "matched by ID number (a period added)")
    bench("import_held", batch.held, "uncertain, held for a clerk")
    bench("import_refused", batch.refused, "refused rows")
    bench("import_links", ImportLink.objects.filter(batch=batch).count(), "rows linked to the batch")
    # A look-alike whose ID number is one digit from the registered one's is held too (dedup.score:
    # one edit apart, the names decide), so at least the uncertain rows are held.
    held_ok = batch.held >= kinds["uncertain"] and ImportHold.objects.filter(batch=batch).count() == batch.held
    print(f"  expected {kinds['uncertain']:,} held, {kinds['new'] + kinds['look_alike']:,} new, {kinds['matched']:,} matched", flush=True)
    if args.rollback:
        people_before = Person.objects.count()
        t = time.perf_counter()
        services_imports.rollback(actor=None, batch_id=batch.pk, today=today)
        bench("rollback_seconds", round(time.perf_counter() - t, 1), "rollback of the whole batch", " s")
        print(f"  people {people_before:,} -> {Person.objects.count():,}", flush=True)
    ok = took < 60 and held_ok and batch.matched == kinds["matched"] and batch.created + batch.held == len(rows) - kinds["matched"]
    print("OK" if ok else "TARGET MISSED")
    if not args.keep and not postgres:
        for f in workdir.glob("import.sqlite3*"):
            f.unlink()
    if not args.keep and postgres:
        from django.db import connection

        connection.close()
        with psycopg.connect(urlunparse(url._replace(path="/postgres")), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
