"""Issue 15 part 4: a people file longer than the request takes (more than
people.imports.files.MAX_ROWS rows) is kept and imported by a background job on the real queue;
the upload goes to the job's page, which shows its progress and then becomes the batch's page. A
file whose bad rows stop it writes nothing and leaves its report. The threshold is lowered for the
test (a file of 50,001 rows would only make the test slow): the code path is the same."""
import base64

import pytest
from django.test import Client

from liudong.jobs.models import ExportJob
from liudong.people.imports import files
from liudong.people.models import Person, Residence
from liudong.quality import services_imports as imports
from liudong.quality.models import ImportBatch
from tests.conftest import NANTOU_V1, TODAY, TONGJIANG_V, make_id
from tests.jobs.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "身份证号,姓名,户籍地代码,居住地代码,居住地址,到达日期,流动原因"
ROWS = 8


@pytest.fixture(autouse=True)
def import_policy(reference_data):
    """The rollback window a batch shows (quality's policy value; a transactional test empties
    the tables, so it is loaded again, as the jobs' conftest loads the others)."""
    import importlib

    from django.apps import apps

    importlib.import_module("liudong.quality.migrations.0009_import_rollback_policy").load(apps, None)


@pytest.fixture(autouse=True)
def small_threshold(monkeypatch):
    monkeypatch.setattr(files, "MAX_ROWS", 5)
    monkeypatch.setattr("liudong.quality.views_imports.today", lambda: TODAY)
    monkeypatch.setattr("liudong.quality.api_imports.today", lambda: TODAY)


def csv_bytes(n=ROWS, bad_row=None, first=0) -> bytes:
    lines = [HEADER]
    for i in range(n):
        number = "12345" if i == bad_row else make_id("511921", f"1990{i % 12 + 1:02d}{i % 28 + 1:02d}", seq=(i + first) * 2)
        lines.append(",".join([number, f"李{'娜强敏丽刚芳一二'[i % 8]}", TONGJIANG_V, NANTOU_V1, f"红花园{i + 1}栋", "2025-03-01", "务工"]))
    return ("\n".join(lines) + "\n").encode()


def upload(client, data: bytes, **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/people/import/", {"file": SimpleUploadedFile("长文件.csv", data, content_type="text/csv"), **extra})


def test_R1_a_long_file_is_imported_by_a_background_job_whose_page_becomes_the_batchs(worker, clerk):
    client = Client()
    client.force_login(clerk)
    r = upload(client, csv_bytes())
    assert r.status_code == 302 and r.url.startswith("/quality/import-jobs/"), r.content[:500]
    job = ExportJob.objects.get(kind=imports.JOB_KIND)
    assert r.url == f"/quality/import-jobs/{job.pk}/"
    waiting = client.get(r.url)  # queued or running: the progress page (or already the batch)
    assert waiting.status_code in (200, 302)
    job = wait_for(job.pk)
    assert job.state == "done" and job.progress == 100, job.message
    batch = ImportBatch.objects.get(job=job.pk)
    assert (batch.rows, batch.created, batch.refused, batch.file_name) == (ROWS, ROWS, 0, "长文件.csv")
    assert Person.objects.count() == ROWS and Residence.objects.filter(division_id=NANTOU_V1).count() == ROWS
    page = client.get(f"/quality/import-jobs/{job.pk}/")
    assert page.status_code == 302 and page.url == f"/quality/imports/{batch.pk}/"
    assert not list(imports.upload_dir().iterdir())  # the kept upload is gone once imported
    report = client.get(f"/exports/{job.pk}/file")
    assert report.status_code == 200


def test_R1_a_long_file_with_a_bad_row_writes_nothing_and_its_job_page_says_why(worker, clerk):
    client = Client()
    client.force_login(clerk)
    r = upload(client, csv_bytes(bad_row=6))
    job = wait_for(ExportJob.objects.get(kind=imports.JOB_KIND).pk)
    assert job.state == "done"
    assert not Person.objects.exists() and not ImportBatch.objects.exists()
    page = client.get(r.url)
    assert page.status_code == 200 and 'id="job-result"' in page.content.decode()
    from openpyxl import load_workbook
    import io

    sheet = load_workbook(io.BytesIO(b"".join(client.get(f"/exports/{job.pk}/file").streaming_content))).active
    cells = [row for row in sheet.iter_rows(values_only=True)]
    assert any(row[0] == 8 and "第8行" in (row[1] or "") for row in cells)


def test_R1_the_api_answers_202_with_the_job_of_a_long_file(worker, clerk):
    from tests.quality.conftest import api_client, post

    client = api_client(clerk)
    r = post(client, "/api/v1/imports", {"file_name": "long.csv", "data": base64.b64encode(csv_bytes()).decode()})
    assert r.status_code == 202, r.content
    assert r.json()["kind"] == "people_import"
    job = wait_for(r.json()["id"])
    assert job.state == "done", job.message
    [batch] = client.get("/api/v1/imports", {"job": job.pk}).json()["results"]
    assert (batch["created"], batch["job_id"]) == (ROWS, job.pk)
    short = post(client, "/api/v1/imports", {"file_name": "short.csv", "data": base64.b64encode(csv_bytes(3, first=20)).decode()})
    assert short.status_code == 201 and short.json()["job_id"] is None
