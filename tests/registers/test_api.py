"""R3 through the API: JSON pages, .xlsx and PDF files, 403/404/422 (invariants 2, 3, 7)."""
import io

import pytest
from openpyxl import load_workbook

from liudong.accounts.models import AuditEvent
from tests.conftest import NANTOU, NANTOU_V1, TONGJIANG_T
from tests.registers.conftest import PERIOD


def test_json_page(api, people):
    r = api("township_clerk").get("/registers/inflow", {"division": NANTOU, **PERIOD, "limit": 3, "offset": 1})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["count"] == 4 and len(body["results"]) == 3
    assert body["title"] == "南头街道 流入人口登记册 2026-01-01 至 2026-11-28"
    assert [row["seq"] for row in body["results"]] == [2, 3, 4]
    row = body["results"][0]
    assert {"name", "sex", "birth_date", "id_number", "hukou_place", "address", "arrived_on", "left_on", "reason", "housing", "employer", "recorded_by", "person_id"} <= set(row)
    assert "phone" not in row  # registers carry no phone numbers
    event = AuditEvent.objects.filter(action="register.view").latest("id")
    assert event.fields["person_ids"] == list(dict.fromkeys(x["person_id"] for x in body["results"]))


def test_outflow_json(api, people):
    r = api("tongjiang_clerk").get("/registers/outflow", {"division": TONGJIANG_T, **PERIOD})
    assert r.status_code == 200, r.content
    assert sorted(x["name"] for x in r.json()["results"]) == ["张敏", "李娜", "李娜", "赵丽"]


def test_xlsx_and_pdf_paths(api, people):
    client = api("township_clerk")
    r = client.get("/registers/inflow.xlsx", {"division": NANTOU, **PERIOD})
    assert r.status_code == 200, r.content
    assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "filename*=UTF-8''" in r["Content-Disposition"]
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws["A1"].value.startswith("南头街道 流入人口登记册")
    r = client.get("/registers/inflow.pdf", {"division": NANTOU_V1, **PERIOD})
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    r = client.get("/registers/inflow", {"division": NANTOU_V1, **PERIOD, "format": "xlsx"})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert AuditEvent.objects.filter(action="register.export_xlsx").count() == 2
    assert AuditEvent.objects.filter(action="register.print_pdf").count() == 1


def test_out_of_scope_is_404(api, people):
    client = api("futian_clerk")
    for path in ("/registers/inflow", "/registers/inflow.xlsx", "/registers/inflow.pdf"):
        r = client.get(path, {"division": NANTOU, **PERIOD})
        assert r.status_code == 404, (path, r.content)
    assert not AuditEvent.objects.filter(action__startswith="register.").exists()


def test_role_without_the_right_is_403(api, people):
    assert api("auditor").get("/registers/inflow", {**PERIOD}).status_code == 403
    police = api("police_officer")
    assert police.get("/registers/inflow", {**PERIOD}).status_code == 200  # may view
    assert police.get("/registers/inflow.xlsx", {**PERIOD}).status_code == 403  # may not export
    assert police.get("/registers/inflow", {**PERIOD, "format": "pdf"}).status_code == 403


def test_without_a_token_is_401(world):
    from django.test import Client

    assert Client().get("/api/v1/registers/inflow", PERIOD).status_code == 401


@pytest.mark.parametrize("params, field", [
    ({"start": "2026-11-28", "end": "2026-01-01"}, "end"),
    ({"start": "2026-02-30"}, "start"),
    ({"start": "yesterday"}, "start"),
    ({"start": ""}, "start"),
    ({"division": "440305009999"}, "division"),
    ({"division": "abc"}, "division"),
    ({"start": "2020-01-01", "end": "2026-11-28"}, "end"),
    ({"limit": 0}, "limit"),
    ({"limit": 1000}, "limit"),
    ({"offset": -1}, "offset"),
    ({"limit": "many"}, "limit"),
    ({"format": "doc"}, "format"),
])
def test_bad_input_is_422_with_field_errors(api, world, params, field):
    r = api("township_clerk").get("/registers/inflow", {"division": NANTOU, **PERIOD, **params})
    assert r.status_code == 422, r.content
    errors = r.json()["errors"]
    assert field in errors, errors
    assert all(" / " in m for m in errors[field])  # 中文 / English


def test_bad_kind_is_422(api, world):
    for path in ("/registers/both", "/registers/both.xlsx"):
        r = api("township_clerk").get(path, PERIOD)
        assert r.status_code == 422 and "kind" in r.json()["errors"]


def test_bad_dates_on_the_file_paths_are_422(api, world):
    r = api("township_clerk").get("/registers/inflow.pdf", {"start": "2026-12-01", "end": "2026-01-01"})
    assert r.status_code == 422 and "end" in r.json()["errors"]


def test_openapi_documents_the_registers(api, world):
    r = api("township_clerk").get("/openapi.json")
    paths = r.json()["paths"]
    assert {"/api/v1/registers/{kind}", "/api/v1/registers/{kind}.xlsx", "/api/v1/registers/{kind}.pdf"} <= set(paths)
