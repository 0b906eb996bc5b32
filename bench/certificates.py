"""Certificate benchmark (C1-C6): printing, the county's overdue list, the public check page.

    python bench/certificates.py [--people N] [--db PATH] [--keep] [--seed S] [--repeat R]

On a fresh, migrated SQLite file it puts N inflow people (default 200,000) into 南山区 (20 townships
of 10 villages), half of them women, most of childbearing age, registered in 四川 townships; about
70% of the women of childbearing age hold a certificate issued in 2018-2020, verified at various
dates (rows written straight to their tables: the services would take hours at this size). Then,
as of 2020-06-01 (national-2009 in force), it times:

- one certificate as a booklet PDF (ReportLab, two A6 pages), median of R/5 runs (target < 1 s);
- 500 certificates in one PDF (1,000 pages), once (target < 60 s);
- the county's overdue-verification list (count and the first page of 50, as the API answers it),
  median of R runs (target < 500 ms);
- the public check page `/v/<token>/` through Django's test client, median of 10*R (target < 50 ms).

Each figure is printed as `BENCH certificates.<name> <value>` (milliseconds or seconds) plus text.
"""
import argparse
import datetime
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

COUNTY = "440305000000"
HUKOU_COUNTY = "511921000000"
ON = datetime.date(2020, 6, 1)


def bench(name, value, text, unit=" ms"):
    print(f"BENCH certificates.{name} {value}")
    print(f"  {text}: {value}{unit}", flush=True)



def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--people", type=int, default=200_000)
    p.add_argument("--db", default="")
    p.add_argument("--keep", action="store_true")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--repeat", type=int, default=25)
    p.add_argument("--reads-only", action="store_true", help="with --db: measure again on a database built before")
    return p.parse_args()


def setup_django(db_path: Path):
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("LIUDONG_ENV", "development")
    os.environ["DJANGO_SETTINGS_MODULE"] = "liudong.settings"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(n: int, seed: int):
    from django.db import transaction

    from liudong.certificates.models import Certificate
    from liudong.divisions.models import Division
    from liudong.people.models import Person, Residence

    rng = random.Random(seed)
    villages, hukou_villages, hukou_townships = [], [], []
    with transaction.atomic():
        for t in range(1, 21):
            tcode = f"440305{t:03d}000"
            Division.objects.get_or_create(code=tcode, defaults={"name": f"街道{t}", "level": 4, "parent_id": COUNTY})
            for v in range(1, 11):
                vcode = f"440305{t:03d}{v:03d}"
                Division.objects.get_or_create(code=vcode, defaults={"name": f"社区{t}-{v}", "level": 5, "parent_id": tcode})
                villages.append(vcode)
        for t in range(100, 110):
            tcode = f"511921{t:03d}000"
            Division.objects.get_or_create(code=tcode, defaults={"name": f"镇{t}", "level": 4, "parent_id": HUKOU_COUNTY})
            hukou_townships.append(tcode)
            for v in range(1, 6):
                vcode = f"511921{t:03d}{v:03d}"
                Division.objects.get_or_create(code=vcode, defaults={"name": f"村{t}-{v}", "level": 5, "parent_id": tcode})
                hukou_villages.append(vcode)
    started = time.perf_counter()
    batch = 10_000
    seq = {}
    made = 0
    while made < n:
        size = min(batch, n - made)
        people = []
        for i in range(made, made + size):
            female = i % 2 == 0
            birth = datetime.date(1966, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 40))
            people.append(Person(document_type="passport", document_number=f"B{i:09d}", name=f"流动{i}", sex="F" if female else "M", birth_date=birth,
                                 marital_status="20", hukou_division_id=rng.choice(hukou_villages), residence_division_id=rng.choice(villages),
                                 floating=True, created_on=datetime.date(2018, 1, 1)))
        with transaction.atomic():
            Person.objects.bulk_create(people, batch_size=2000)
            ids = list(Person.objects.order_by("-id").values_list("id", "residence_division_id", "hukou_division_id", "sex", "birth_date")[:size])
            residences, certs = [], []
            for pid, village, hukou, sex, birth in ids:
                arrived = datetime.date(2016, 1, 1) + datetime.timedelta(days=rng.randrange(0, 1500))
                residences.append(Residence(person_id=pid, division_id=village, arrived_on=arrived, floating=True, hukou_division_code=hukou))
                age = ON.year - birth.year
                if sex == "F" and 16 <= age <= 48 and rng.random() < 0.7:
                    township = hukou[:9] + "000"
                    issued = datetime.date(2018, 1, 1) + datetime.timedelta(days=rng.randrange(0, 880))
                    seq[(township, issued.year)] = s = seq.get((township, issued.year), 0) + 1
                    last = issued + datetime.timedelta(days=rng.randrange(0, 500)) if rng.random() < 0.8 else None
                    certs.append(Certificate(number=f"{township[:9]}-{issued.year}-{s:05d}", township_id=township, year=issued.year, sequence=s, person_id=pid,
                                             issued_on=issued, valid_until=issued.replace(year=issued.year + 3) - datetime.timedelta(days=1) if not (issued.month == 2 and issued.day == 29) else datetime.date(issued.year + 3, 2, 28),
                                             term_years=3, rule_set="national-2009", name=f"流动{pid}", id_number="", birth_date=birth, marital_status="已婚",
                                             childbearing="生育子女1个", contraception="上环", token=secrets.token_urlsafe(32),
                                             last_verified_on=min(last, ON) if last else None))
            Residence.objects.bulk_create(residences, batch_size=2000)
            Certificate.objects.bulk_create(certs, batch_size=2000)
        made += size
    return time.perf_counter() - started


def main():
    args = parse_args()
    folder = Path(tempfile.mkdtemp(prefix="liudong-bench-cert-"))
    db = Path(args.db) if args.db else folder / "bench.sqlite3"
    setup_django(db)
    from django.test import Client

    from liudong.accounts.models import Staff
    from liudong.certificates import documents, queries, views
    from liudong.certificates.models import Certificate

    if not args.reads_only:
        print(f"building {args.people} inflow people in 南山区 ...", flush=True)
        took = build(args.people, args.seed)
        n_certs = Certificate.objects.count()
        bench("build_seconds", round(took, 1), f"people, residences and {n_certs} certificates written", " s")
    officer = Staff.objects.get_or_create(username="bench_county", defaults={"role": "county_officer", "division_id": COUNTY})[0]

    certs = list(Certificate.objects.select_related("person", "township").order_by("id")[:500])
    one = []
    for _ in range(max(3, args.repeat // 5)):
        t = time.perf_counter()
        data = documents.certificates_pdf(certs[:1], printed_on=ON)
        one.append((time.perf_counter() - t) * 1000)
    bench("one_pdf_ms", round(statistics.median(one), 1), f"one certificate booklet PDF ({len(data)} bytes), median")
    t = time.perf_counter()
    data = documents.certificates_pdf(certs, printed_on=ON)
    bench("batch_500_seconds", round(time.perf_counter() - t, 1), f"500 certificates in one PDF ({len(data) // 1024} KiB)", " s")

    timings = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        due = queries.due(actor=officer, division=COUNTY, kind="overdue", on=ON)
        count = due.rows.count()
        first = list(due.rows[:50])
        timings.append((time.perf_counter() - t) * 1000)
    bench("overdue_county_ms", round(statistics.median(timings), 1), f"overdue verifications of 南山区 ({count} of {args.people} inflow people; first page of {len(first)}), median")

    views.PUBLIC_CHECKS_PER_MINUTE = 10 ** 9
    client = Client()
    tokens = [c.token for c in certs[:50]]
    client.get(f"/v/{tokens[0]}/")
    timings = []
    for i in range(args.repeat * 10):
        t = time.perf_counter()
        r = client.get(f"/v/{tokens[i % len(tokens)]}/", REMOTE_ADDR=f"198.51.100.{i % 250}")
        timings.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200
    bench("public_check_ms", round(statistics.median(timings), 1), "public check page /v/<token>/, median")
    if not args.keep and not args.db:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
