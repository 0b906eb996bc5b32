"""R3 registers made in the background: real jobs through a real worker (Huey's consumer on its
SQLite storage) give a valid .xlsx and PDF with every row, logged with the persons in them
(invariant 3); no row limit a township's year can reach."""
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from liudong.accounts.models import AuditEvent
from liudong.jobs import services
from liudong.jobs.models import ExportJob
from tests.conftest import NANTOU, NANTOU_V1, NANTOU_V2, TODAY
from tests.jobs.conftest import PERIOD, add_migrants, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def request(actor, fmt, kind="inflow_register", **params):
    return services.request_export(actor=actor, now=timezone.now(), kind=kind, format=fmt, params={"division": NANTOU, **PERIOD, **params}, today=TODAY)


def data_rows(ws):
    return [[c.value for c in r] for r in ws.iter_rows(min_row=3) if r and isinstance(r[0].value, int)]


def test_R3_a_register_made_by_the_worker_as_xlsx_has_every_row(worker, clerk):
    add_migrants(30)
    add_migrants(5, division=NANTOU_V2, first=30, arrived="2025-06-01")
    job = request(clerk, "xlsx")
    assert job.state == "queued" and job.progress == 0
    job = wait_for(job.pk)
    assert job.state == "done", job.message
    assert (job.progress, job.rows_done, job.rows_total, job.row_count) == (100, 35, 35, 35)
    path = services.file_path(job)
    assert path.is_file() and path.parent == services.settings.EXPORTS_DIR and oct(path.stat().st_mode & 0o777) == "0o600"
    ws = load_workbook(path).active
    assert ws["A1"].value == "南头街道 流入人口登记册 2026-01-01 至 2026-11-28"
    rows = data_rows(ws)
    assert [r[0] for r in rows] == list(range(1, 36))
    assert {r[1] for r in rows} >= {"李娜一", "李强二"} and all(r[4] and len(r[4]) == 18 for r in rows)
    assert "共 35 条 · 制表日期 2026-11-28" in ws.cell(row=ws.max_row, column=1).value
    assert job.file_name == "南头街道_流入人口登记册_2026-01-01_2026-11-28.xlsx"


def test_R3_a_register_made_by_the_worker_as_pdf_has_every_row(worker, clerk):
    add_migrants(120)
    job = wait_for(request(clerk, "pdf").pk)
    assert job.state == "done", job.message
    reader = PdfReader(services.file_path(job))
    pages = [p.extract_text() for p in reader.pages]
    assert len(pages) >= 3
    for n, text in enumerate(pages, start=1):
        assert "流入人口登记册" in text and "身份证号" in text  # the header row on every page
        assert f"第 {n} 页 共 {len(pages)} 页" in text
    text = "\n".join(pages)
    assert "李娜一" in text and "制表人" in text and "盖章" in text and "共 120 条，120 人" in text
    # every row number from 1 to 120 starts a line of the table
    numbers = {int(line.split()[0]) for line in text.splitlines() if line.split() and line.split()[0].isdigit() and len(line.split()[0]) <= 3}
    assert set(range(1, 121)) <= numbers
    assert reader.metadata.title == "南头街道 流入人口登记册 2026-01-01 至 2026-11-28"


def test_R3_no_row_limit_a_township_year_can_reach(worker, clerk, monkeypatch):
    """The register made at once refuses a long register (as 1,800 rows were refused before);
    the same register is made in the background, as PDF and as .xlsx."""
    from liudong.errors import Invalid
    from liudong.registers import documents

    add_migrants(3500)
    with pytest.raises(Invalid):
        documents.export(actor=clerk, kind="inflow", division=NANTOU, **PERIOD, fmt="pdf", generated_on=TODAY)
    pdf, xlsx = request(clerk, "pdf"), request(clerk, "xlsx")
    pdf, xlsx = wait_for(pdf.pk), wait_for(xlsx.pk)
    assert (pdf.state, pdf.row_count, xlsx.state, xlsx.row_count) == ("done", 3500, "done", 3500), (pdf.message, xlsx.message)
    assert len(data_rows(load_workbook(services.file_path(xlsx), read_only=True).active)) == 3500
    assert len(PdfReader(services.file_path(pdf)).pages) > 100


def test_R3_making_the_file_is_logged_with_every_person_as_the_requester(worker, clerk):
    add_migrants(12)
    job = wait_for(request(clerk, "pdf").pk)
    made = AuditEvent.objects.get(action="register.print_pdf")
    assert made.actor == clerk and made.object_type == "register" and made.object_id == f"inflow:{NANTOU}"
    assert made.fields["job"] == job.pk and made.fields["count"] == 12 and len(made.fields["person_ids"]) == 12
    assert set(made.fields["person_ids"]) == set(job.person_ids)
    asked = AuditEvent.objects.get(action="export.request")
    assert asked.actor == clerk and asked.object_id == str(job.pk) and asked.fields["division"] == NANTOU


def test_R3_outflow_register_in_the_background(worker, world):
    add_migrants(4)
    job = services.request_export(actor=world["tongjiang_clerk"], now=timezone.now(), kind="outflow_register", format="xlsx",
                                  params={"division": "511921100000", **PERIOD}, today=TODAY)
    job = wait_for(job.pk)
    assert job.state == "done" and job.row_count == 4
    assert load_workbook(services.file_path(job)).active.title == "流出人口登记簿"


def test_a_role_withdrawn_before_the_worker_runs_fails_the_job_with_the_reason(stopped_worker, clerk):
    """The worker makes the file with the rights the requester has when it runs (invariant 2)."""
    add_migrants(3)
    job = request(clerk, "xlsx")
    clerk.role = "police_officer"  # may view registers, not export them
    clerk.save(update_fields=["role"])
    stopped_worker.start()
    job = wait_for(job.pk)
    assert job.state == "failed" and "无权" in job.message and not job.file_path
    assert not list(services.settings.EXPORTS_DIR.glob("*"))


def test_a_request_checks_role_input_and_scope_at_once(world):
    from liudong.errors import Denied, Invalid, NotFound

    with pytest.raises(Denied):
        request(world["police_officer"], "pdf")
    with pytest.raises(NotFound):
        request(world["futian_clerk"], "pdf")  # 南头 is outside 园岭街道
    with pytest.raises(Invalid) as e:
        request(world["township_clerk"], "pdf", start="2026-13-01")
    assert "start" in e.value.errors
    with pytest.raises(Invalid) as e:
        services.request_export(actor=world["township_clerk"], now=timezone.now(), kind="nothing", format="docx", params={}, today=TODAY)
    assert set(e.value.errors) == {"kind", "format"}
    assert not ExportJob.objects.exists()


def test_the_division_defaults_to_the_requesters_own(world):
    job = services.request_export(actor=world["village_collector"], now=timezone.now(), kind="inflow_register", format="pdf", params=dict(PERIOD), today=TODAY)
    assert job.params == {"division": NANTOU_V1, **PERIOD} and job.title.startswith("红花园社区 流入人口登记册")
