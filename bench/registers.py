"""Registers benchmark: a township's year of 10,000 inflow people as a PDF and as an .xlsx, made
through the real export-job path, and WeasyPrint beside ReportLab on the same rows.

    python bench/registers.py [--rows N] [--weasyprint-rows M] [--db PATH] [--keep] [--seed S]

1. A fresh, migrated SQLite file with the demo county's frame (南山区's streets and communities,
   staff, rental homes, employers: liudong/demo/, written as bench/registry.py writes it) and N inflow people (default 10,000)
   living in 南头街道's communities, all arrived within the last year: the demo generator's
   inflow rows (the generator bench/registry.py uses), moved to 南头, loaded by
   people.imports.import_people.
2. `liudong worker` started as its own process on that database (Huey's SQLite queue in the same
   folder), as `make run` starts it.
3. nantou_clerk asks for the inflow register of 南头街道 for that year as PDF, then as .xlsx
   (jobs.services.request_export, what POST /api/v1/exports and the register page call); the
   bench polls the job row every 0.1 s until it is done. Figures: seconds from the request to the
   finished file (target: PDF < 20 s, .xlsx < 5 s) and the longest time the running job went
   without a progress write (target < 2 s). The files are opened (pypdf, openpyxl) and counted.
4. In process, on the first M rows (default 1,000): the WeasyPrint layout (HTML + CSS, the way
   the registers were printed before) and the ReportLab drawing (registers/pdf.py), rows a second.

Each figure is printed as a machine-readable line `BENCH name value` plus human text.
"""
import argparse
import datetime
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

NANTOU = "440305001000"


def bench(name, value, text, unit=""):
    print(f"BENCH {name} {value}")
    print(f"  {text}: {value}{unit}", flush=True)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=10_000, help="inflow people in 南头街道 (default 10,000)")
    p.add_argument("--weasyprint-rows", type=int, default=1_000, help="rows for the WeasyPrint / ReportLab comparison (default 1,000)")
    p.add_argument("--db", default="", help="SQLite file to build (default: a temporary folder)")
    p.add_argument("--keep", action="store_true", help="keep the database and the files afterwards")
    p.add_argument("--seed", type=int, default=2026)
    return p.parse_args()


def township_rows(world, n, start, today, rng):
    """n distinct inflow people from the demo generator, living in 南头街道's communities since a
    day of the year. Homes and grids belong to a community, so they are dropped with the move."""
    from liudong.demo.data import COMMUNITIES

    nantou = [(code, name) for code, name, _ in COMMUNITIES if code.startswith(NANTOU[:9])]
    days = (today - start).days
    seen, rows = set(), []
    for row in world.population_rows():
        if row["division"][:6] == row["hukou_division"][:6] or row["id_number"] in seen:
            continue  # people at home (outflow side, children, elderly), or a second period
        seen.add(row["id_number"])
        code, name = rng.choice(nantou)
        row = {k: v for k, v in row.items() if k not in ("housing_id", "grid_id", "left_on")}
        n_ = row["id_number"]
        birth = datetime.date(int(n_[6:10]), int(n_[10:12]), int(n_[12:14]))
        row.update(division=code, address=f"南头街道{name}{rng.choice(['南头城', '红花园', '大汪山', '星海名城', '田厦'])}{rng.randint(1, 40)}栋{rng.randint(1, 30)}{rng.randint(1, 8):02d}室",
                   arrived_on=max(birth, start + datetime.timedelta(days=rng.randint(0, days))))
        rows.append(row)
        if len(rows) == n:
            break
    if len(rows) < n:
        raise SystemExit(f"the generator gave only {len(rows):,} inflow people for {n:,}")
    return rows


def run_job(clerk, fmt, start, today):
    """Ask for the register as `fmt` and follow the job row until it ends. Returns (job, seconds
    from the request to the finished file, longest gap between progress writes while running)."""
    from django.utils import timezone

    from liudong.jobs import services
    from liudong.jobs.models import ExportJob

    started = time.perf_counter()
    job = services.request_export(actor=clerk, now=timezone.now(), kind="inflow_register", format=fmt,
                                  params={"division": NANTOU, "start": start.isoformat(), "end": today.isoformat()}, today=today)
    beats = []
    while True:
        row = ExportJob.objects.get(pk=job.pk)
        if row.heartbeat_at and (not beats or beats[-1] != row.heartbeat_at):
            beats.append(row.heartbeat_at)
        if row.state not in ("queued", "running"):
            break
        time.sleep(0.1)
    wall = time.perf_counter() - started
    if row.state != "done":
        raise SystemExit(f"the {fmt} job ended {row.state}: {row.message}")
    # started_at, each progress write, finished_at: the longest stretch with nothing written
    marks = [row.started_at, *beats, row.finished_at]
    gap = max((b - a).total_seconds() for a, b in zip(marks, marks[1:]))
    print(f"  {fmt}: {row.row_count:,} rows, {row.file_size / 1e6:.1f} MB, {len(beats)} progress writes seen, "
          f"made in {(row.finished_at - row.started_at).total_seconds():.2f} s after {(row.started_at - row.requested_at).total_seconds():.2f} s queued", flush=True)
    return row, wall, gap


def main():
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="liudong-bench-registers-"))
    db_path = Path(args.db).resolve() if args.db else workdir / "registers.sqlite3"
    db_path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    env = {"DATABASE_URL": f"sqlite:///{db_path}", "LIUDONG_DATA_DIR": str(workdir), "LIUDONG_ENV": "development",
           "LIUDONG_TASK_QUEUE": "sqlite"}
    os.environ.update(env)
    for key in ("LIUDONG_TASK_SQLITE", "LIUDONG_EXPORTS_DIR"):
        os.environ.pop(key, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liudong.settings")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from liudong.people.imports import import_people
    from registry import bench_world  # bench/registry.py: the demo's world, its frame written straight to the tables

    today = timezone.localdate()
    start = today - datetime.timedelta(days=364)
    rng = random.Random(args.seed)
    print(f"Liudong registers benchmark: {args.rows:,} inflow people in 南头街道, {start} to {today}, {db_path}", flush=True)
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    world = bench_world()(seed=args.seed, people=int(args.rows / 0.78) + 200, today=today, log=lambda *a, **k: None)
    with transaction.atomic():
        world.setup_places()
        world.setup_staff()
        import_people(actor=None, rows=world.owner_rows(), today=today)
        world.build_housing_and_employers()
    rows = township_rows(world, args.rows, start, today, rng)
    result = import_people(actor=None, rows=rows, today=today)
    print(f"  built the county frame and {result['created']:,} people in {time.perf_counter() - t:.1f} s", flush=True)
    clerk = world.staff["nantou_clerk"]
    connection.close()

    worker = subprocess.Popen([sys.executable, "-m", "liudong.cli", "worker", "--workers", "1"], env={**os.environ, **env},
                              stdout=subprocess.PIPE, text=True)
    try:
        print("  " + worker.stdout.readline().strip(), flush=True)
        pdf_job, pdf_s, pdf_gap = run_job(clerk, "pdf", start, today)
        xlsx_job, xlsx_s, xlsx_gap = run_job(clerk, "xlsx", start, today)
    finally:
        worker.send_signal(2)  # SIGINT: the worker's graceful stop
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
    load = os.getloadavg()[0]
    print(f"  load average during the run: {load:.1f} on {os.cpu_count()} cores", flush=True)
    bench("registers.pdf_job_s", f"{pdf_s:.2f}", f"{args.rows:,}-row inflow register as PDF through the job path, request to file (target < 20 s)", " s")
    bench("registers.xlsx_job_s", f"{xlsx_s:.2f}", f"{args.rows:,}-row inflow register as .xlsx through the job path, request to file (target < 5 s)", " s")
    bench("registers.progress_max_gap_s", f"{max(pdf_gap, xlsx_gap):.2f}", "longest time a running job went without a progress write (target < 2 s)", " s")

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from liudong.jobs import services

    pages = len(PdfReader(services.file_path(pdf_job)).pages)
    sheet_rows = sum(1 for r in load_workbook(services.file_path(xlsx_job), read_only=True).active.iter_rows(min_row=3) if r and isinstance(r[0].value, int))
    print(f"  checked: the PDF has {pages:,} pages, the .xlsx {sheet_rows:,} register rows", flush=True)
    bench("registers.pdf_pages", pages, "pages of the PDF")

    # WeasyPrint beside ReportLab, in process, on the same rows.
    from liudong.accounts.choices import Action
    from liudong.registers import documents, pdf, queries

    req = queries.parse(actor=clerk, action=Action.EXPORT_REGISTERS, kind="inflow", division=NANTOU, start=start, end=today)
    all_rows = queries.all_rows(req)
    sample = all_rows[: args.weasyprint_rows]
    documents.build_pdf_weasyprint(req, sample[:20], generated_on=today)  # load Pango and the fonts first
    t = time.perf_counter()
    documents.build_pdf_weasyprint(req, sample, generated_on=today)
    weasy_s = time.perf_counter() - t
    t = time.perf_counter()
    pdf.build_pdf(req, sample, generated_on=today, out=io.BytesIO())
    rl_s = time.perf_counter() - t
    t = time.perf_counter()
    pdf.build_pdf(req, all_rows, generated_on=today, out=io.BytesIO())
    rl_all_s = time.perf_counter() - t
    # CPU seconds of the job's steps in this process: a figure the other work on the machine moves less.
    cpu = {}
    for fmt in ("pdf", "xlsx"):
        t = time.process_time()
        rows_ = queries.all_rows(req, progress=lambda *a, **k: None)
        if fmt == "pdf":
            pdf.build_pdf(req, rows_, generated_on=today, out=io.BytesIO())
        else:
            documents.build_xlsx(req, rows_, generated_on=today, out=io.BytesIO())
        cpu[fmt] = time.process_time() - t
    bench("registers.weasyprint_rows_per_s", f"{len(sample) / weasy_s:.0f}", f"WeasyPrint, {len(sample):,} rows in {weasy_s:.2f} s: rows a second")
    bench("registers.reportlab_rows_per_s", f"{len(sample) / rl_s:.0f}", f"ReportLab, the same {len(sample):,} rows in {rl_s:.2f} s: rows a second")
    bench("registers.reportlab_all_s", f"{rl_all_s:.2f}", f"ReportLab drawing all {len(all_rows):,} rows in process (no queue, no reading)", " s")
    bench("registers.pdf_cpu_s", f"{cpu['pdf']:.2f}", f"CPU time to read and draw the {len(all_rows):,}-row PDF in process", " s")
    bench("registers.xlsx_cpu_s", f"{cpu['xlsx']:.2f}", f"CPU time to read and write the {len(all_rows):,}-row .xlsx in process", " s")
    bench("registers.weasyprint_all_estimate_s", f"{len(all_rows) * weasy_s / len(sample):.0f}", f"WeasyPrint for all {len(all_rows):,} rows at that rate (estimate)", " s")

    connection.close()
    if args.keep:
        print(f"  kept {workdir} (database {db_path})")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
        if args.db:
            for suffix in ("", "-wal", "-shm"):
                Path(str(db_path) + suffix).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
