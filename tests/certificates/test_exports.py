"""C1: a township's certificates of a year in one PDF, as a background export job (liudong.jobs)."""
import pytest

from liudong.errors import Denied, Invalid
from liudong.jobs import kinds

from .conftest import d, issue
from .pdf_check import ink, rendered_pages, text_of


def test_c1_batch_of_certificates_is_an_export_kind_making_one_pdf(hukou_clerk, woman, tmp_path):
    cert = issue(hukou_clerk, woman, "2019-01-01")
    kind = kinds.get("certificates_batch")
    prepared = kind.prepare(hukou_clerk, {"division": "511921100", "year": "2019"})
    assert prepared.params == {"division": "511921100000", "year": 2019}
    out = tmp_path / "batch.pdf"
    seen = []
    built = kind.build(hukou_clerk, prepared.params, "pdf", out, lambda done, total, stage="write": seen.append((done, total)), d("2019-06-01"))
    assert built.rows == 1 and built.person_ids == [woman.pk] and seen[-1] == (1, 1)
    data = out.read_bytes()
    assert cert.number in text_of(data) and len(rendered_pages(data)) == 2 and ink(rendered_pages(data)[0]) > 0.02


def test_c1_batch_refuses_bad_parameters_and_roles_without_certificates(hukou_clerk, world):
    kind = kinds.get("certificates_batch")
    with pytest.raises(Invalid) as e:
        kind.prepare(hukou_clerk, {"division": "511921", "year": "20x9"})
    assert set(e.value.errors) == {"division", "year"}
    with pytest.raises(Denied):
        kind.prepare(world["police_officer"], {"division": "440305001", "year": 2019})


def test_c1_batch_job_is_queued_through_the_jobs_api(hukou_clerk, woman):
    import json

    from .conftest import api_client

    issue(hukou_clerk, woman, "2019-01-01")
    r = api_client(hukou_clerk).post("/api/v1/exports", data=json.dumps({"kind": "certificates_batch", "format": "pdf", "parameters": {"division": "511921100", "year": 2019}}),
                                      content_type="application/json")
    assert r.status_code == 201, r.content
