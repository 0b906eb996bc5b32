"""Who may fetch an export file (the requester and staff allowed to make the same export in the
same scope; 404 to anyone else, invariant 2), every download logged with the persons in it
(invariant 3), files deleted after their retention (policy value export_retention_days, P1); the
API (POST/GET /api/v1/exports …) and the pages (progress bar, no JavaScript needed)."""
import datetime
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from liudong.accounts.models import AuditEvent
from liudong.errors import NotFound
from liudong.jobs import services
from liudong.jobs.models import ExportJob
from tests.conftest import NANTOU, NANTOU_V1, TODAY, password
from tests.jobs.conftest import PERIOD, add_migrants, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

REGISTER = {"kind": "inflow_register", "format": "xlsx", "parameters": {"division": NANTOU, **PERIOD}}


def done_job(actor, fmt="xlsx", n=3):
    add_migrants(n)
    job = services.request_export(actor=actor, now=timezone.now(), kind="inflow_register", format=fmt, params={"division": NANTOU, **PERIOD}, today=TODAY)
    return wait_for(job.pk)


# ---------------------------------------------------------------- who may fetch

def test_another_township_police_and_auditors_get_404_for_the_file(worker, api, clerk):
    job = done_job(clerk)
    for username in ("futian_clerk", "shekou_clerk", "police_officer", "auditor", "admin"):
        client = api(username)
        assert client.get(f"/exports/{job.pk}").status_code == 404, username
        assert client.get(f"/exports/{job.pk}/file").status_code == 404, username
    assert not AuditEvent.objects.filter(action="export.download").exists()


def test_staff_who_may_export_the_same_register_may_fetch_it(worker, api, clerk):
    """The township's head and its county may export 南头's register themselves: they may fetch it."""
    job = done_job(clerk)
    for username in ("township_head", "county_officer"):
        r = api(username).get(f"/exports/{job.pk}/file")
        assert r.status_code == 200, username
    assert AuditEvent.objects.filter(action="export.download").count() == 2


def test_a_village_collector_may_not_fetch_the_townships_register(worker, api, clerk):
    job = done_job(clerk)
    assert api("village_collector").get(f"/exports/{job.pk}/file").status_code == 404  # 南头街道 is above her village


def test_every_download_is_logged_with_the_persons_in_the_file(worker, api, clerk):
    job = done_job(clerk, n=4)
    client = api("township_clerk")
    r = client.get(f"/exports/{job.pk}/file")
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
    assert r["Content-Disposition"].startswith('attachment; filename="register-inflow-440305001000-2026-01-01_2026-11-28.xlsx"')
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    assert ws.max_row >= 6
    client.get(f"/exports/{job.pk}/file")
    events = AuditEvent.objects.filter(action="export.download").order_by("id")
    assert events.count() == 2
    for event in events:
        assert event.actor == clerk and event.object_type == "exportjob" and event.object_id == str(job.pk)
        assert event.fields["count"] == 4 and sorted(event.fields["person_ids"]) == sorted(job.person_ids) and len(job.person_ids) == 4
        assert event.fields["division"] == NANTOU and event.fields["format"] == "xlsx"
        # auditors see which register and whom, never the persons' data
        assert event.fields_for_auditor["person_ids"] == event.fields["person_ids"]


def test_a_pdf_opens_in_the_browser(worker, api, clerk):
    job = done_job(clerk, fmt="pdf")
    r = api("township_clerk").get(f"/exports/{job.pk}/file")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r["Content-Disposition"].startswith("inline; ")
    assert "李" in PdfReader(io.BytesIO(b"".join(r.streaming_content))).pages[0].extract_text()


def test_a_file_not_made_yet_cannot_be_fetched(stopped_worker, api, clerk):
    job = services.request_export(actor=clerk, now=timezone.now(), kind="inflow_register", format="pdf", params={"division": NANTOU, **PERIOD}, today=TODAY)
    r = api("township_clerk").get(f"/exports/{job.pk}/file")
    assert r.status_code == 422 and "queued" in r.json()["errors"]["state"][0]


# ---------------------------------------------------------------- retention

def test_P1_files_are_deleted_after_their_retention(worker, api, clerk):
    job = done_job(clerk)
    path = services.file_path(job)
    made = timezone.localdate(job.finished_at)
    assert services.delete_due_on(job) == made + datetime.timedelta(days=8)  # kept 7 whole days (system default)
    assert services.purge_exports(on=made + datetime.timedelta(days=7), now=timezone.now()) == {"deleted": 0, "orphans": 0, "on": (made + datetime.timedelta(days=7)).isoformat()}
    assert path.is_file()
    result = services.purge_exports(on=made + datetime.timedelta(days=8), now=timezone.now())
    assert result["deleted"] == 1 and not path.exists()
    job.refresh_from_db()
    assert job.state == "expired" and not job.file_path and job.purged_at
    r = api("township_clerk").get(f"/exports/{job.pk}/file")
    assert r.status_code == 422 and "expired" in r.json()["errors"]["state"][0]
    assert api("township_clerk").get(f"/exports/{job.pk}").json()["state"] == "expired"
    purge = AuditEvent.objects.get(action="export.purge")
    assert purge.actor is None and purge.fields["deleted"] == 1


def test_P1_a_province_may_keep_files_a_shorter_time(worker, clerk, world):
    from liudong.policy.services import set_value

    gd_admin = world["admin"].__class__.objects.create(username="gd_admin", role="admin", division_id="440000000000")
    set_value(actor=gd_admin, name="export_retention_days", raw_value="1", division_code="440000000000", valid_from="2020-01-01")
    job = done_job(clerk)
    made = timezone.localdate(job.finished_at)
    assert services.delete_due_on(job) == made + datetime.timedelta(days=2)
    assert services.purge_exports(on=made + datetime.timedelta(days=2), now=timezone.now())["deleted"] == 1


def test_the_purge_command(worker, clerk, capsys):
    job = done_job(clerk)
    ExportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - datetime.timedelta(days=30))
    (services.settings.EXPORTS_DIR / "99-leftover.part").write_bytes(b"x")
    old = (timezone.now() - datetime.timedelta(days=2)).timestamp()
    import os

    os.utime(services.settings.EXPORTS_DIR / "99-leftover.part", (old, old))
    call_command("exports", "purge")
    assert "已删除 1 个过期导出文件（另清理 1 个残留文件）" in capsys.readouterr().out
    assert not list(services.settings.EXPORTS_DIR.glob("*"))


# ---------------------------------------------------------------- API

def test_api_create_answers_201_with_state_and_progress(stopped_worker, api, world):
    r = api("township_clerk").post("/exports", REGISTER)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == "queued" and body["progress"] == 0 and body["kind"] == "inflow_register" and body["format"] == "xlsx"
    assert body["parameters"] == {"division": NANTOU, **PERIOD} and body["owner_id"] == world["township_clerk"].pk
    assert body["requested_on"] == TODAY.isoformat() and body["file_url"] is None and body["title"].startswith("南头街道 流入人口登记册")


def test_api_follow_a_job_to_its_file(worker, api, world):
    add_migrants(5)
    client = api("township_clerk")
    job_id = client.post("/exports", REGISTER).json()["id"]
    wait_for(job_id)
    body = client.get(f"/exports/{job_id}").json()
    assert body["state"] == "done" and body["progress"] == 100 and body["rows_done"] == body["rows_total"] == 5
    assert body["file_url"] == f"/api/v1/exports/{job_id}/file" and body["file_name"].endswith(".xlsx") and body["file_size"] > 0
    assert body["delete_due_on"]
    assert client.get(body["file_url"][len("/api/v1"):]).status_code == 200
    listing = client.get("/exports").json()
    assert listing["count"] == 1 and listing["results"][0]["id"] == job_id
    assert api("county_officer").get("/exports").json()["count"] == 0  # only one's own jobs are listed


def test_api_cancel(stopped_worker, api, world):
    client = api("township_clerk")
    job_id = client.post("/exports", REGISTER).json()["id"]
    assert api("county_officer").post(f"/exports/{job_id}/cancel").status_code == 404
    r = client.post(f"/exports/{job_id}/cancel")
    assert r.status_code == 200 and r.json()["state"] == "cancelled"
    r = client.post(f"/exports/{job_id}/cancel")
    assert r.status_code == 422 and "state" in r.json()["errors"]


@pytest.mark.parametrize("body, fields", [
    ({**REGISTER, "kind": "nothing"}, {"kind"}),
    ({**REGISTER, "format": "docx"}, {"format"}),
    ({**REGISTER, "parameters": {"division": NANTOU, "start": "2026-02-30", "end": "x"}}, {"start", "end"}),
    ({**REGISTER, "parameters": "inflow"}, {"parameters"}),
    ({"format": "pdf"}, {"kind"}),
])
def test_api_bad_requests_are_422_and_write_nothing(api, world, body, fields):
    r = api("township_clerk").post("/exports", body)
    assert r.status_code == 422, r.content
    assert fields <= set(r.json()["errors"])
    assert not ExportJob.objects.exists()


def test_api_403_and_404(api, world):
    assert api("police_officer").post("/exports", REGISTER).status_code == 403
    assert api("futian_clerk").post("/exports", REGISTER).status_code == 404
    assert api("township_clerk").get("/exports/999999").status_code == 404
    assert api("township_clerk").get("/exports/99999999999999999999").status_code in (404, 422)
    assert Client().get("/api/v1/exports").status_code == 401
    assert not ExportJob.objects.exists()


def test_openapi_names_the_export_schemas(api, world):
    doc = Client().get("/api/v1/openapi.json").json()
    assert {"ExportJobIn", "ExportJobOut", "ExportJobPage"} <= set(doc["components"]["schemas"])
    assert "/api/v1/exports/{job_id}/cancel" in doc["paths"]


# ---------------------------------------------------------------- pages

def _web(username):
    c = Client()
    assert c.login(username=username, password=password())
    return c


def test_the_register_page_button_makes_a_job_with_a_progress_bar(stopped_worker, world):
    add_migrants(3)
    c = _web("township_clerk")
    r = c.post("/exports/new/", {"kind": "inflow_register", "format": "pdf", "division": NANTOU, **PERIOD})
    job = ExportJob.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/exports/{job.pk}/"
    html = c.get(r["Location"]).content.decode()
    assert "<progress" in html and "排队中" in html
    # Without JavaScript the page reloads itself; with it, the script polls status.json.
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html and "liudong-jobs.js" in html
    assert 'action="/exports/%d/cancel"' % job.pk in html
    status = c.get(f"/exports/{job.pk}/status.json").json()
    assert status["state"] == "queued" and status["progress"] == 0
    stopped_worker.start()
    wait_for(job.pk)
    html = c.get(f"/exports/{job.pk}/").content.decode()
    assert "refresh" not in html and f'href="/exports/{job.pk}/file"' in html and "已完成" in html
    r = c.get(f"/exports/{job.pk}/file")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action="export.download", actor=world["township_clerk"]).count() == 1
    assert f'href="/exports/{job.pk}/"' in c.get("/exports/").content.decode()


def test_pages_of_someone_elses_job_are_404(stopped_worker, world):
    job = services.request_export(actor=world["township_clerk"], now=timezone.now(), kind="inflow_register", format="pdf", params={"division": NANTOU, **PERIOD}, today=TODAY)
    c = _web("futian_clerk")
    for path in (f"/exports/{job.pk}/", f"/exports/{job.pk}/status.json", f"/exports/{job.pk}/file"):
        assert c.get(path).status_code == 404, path
    assert c.post(f"/exports/{job.pk}/cancel").status_code == 404
    assert ExportJob.objects.get().state == "queued"


def test_the_page_cancel_button(stopped_worker, world):
    job = services.request_export(actor=world["township_clerk"], now=timezone.now(), kind="inflow_register", format="pdf", params={"division": NANTOU, **PERIOD}, today=TODAY)
    c = _web("township_clerk")
    r = c.post(f"/exports/{job.pk}/cancel", follow=True)
    assert "已取消" in r.content.decode()
    assert ExportJob.objects.get().state == "cancelled"


def test_a_bad_request_from_a_page_shows_the_reason(world):
    r = _web("township_clerk").post("/exports/new/", {"kind": "inflow_register", "format": "pdf", "division": NANTOU, "start": "2026-11-28", "end": "2026-01-01"})
    assert r.status_code == 422 and "结束日期早于开始日期" in r.content.decode()
    assert not ExportJob.objects.exists()


def test_jobs_of_a_collector_default_to_her_village(stopped_worker, world):
    r = _web("village_collector").post("/exports/new/", {"kind": "inflow_register", "format": "xlsx", **PERIOD})
    assert r.status_code == 302
    assert ExportJob.objects.get().params["division"] == NANTOU_V1


def test_someone_elses_job_by_id_is_not_found_through_the_service(world):
    with pytest.raises(NotFound):
        services.job_for(actor=world["township_clerk"], job_id=12345)
