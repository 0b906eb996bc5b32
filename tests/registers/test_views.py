"""R3 on screen: the form, the paged table, the file links; errors on the form, never a 500."""
import pytest
from django.test import Client

from liudong.accounts.models import AuditEvent
from liudong.registers import queries
from tests.conftest import NANTOU, NANTOU_V1
from tests.registers.conftest import PERIOD


@pytest.fixture
def web(world):
    def as_(username):
        c = Client()
        c.force_login(world[username])
        return c

    return as_


def test_the_form_alone_reads_nobody(web, people):
    r = web("township_clerk").get("/registers/")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'name="division"' in html and f'value="{NANTOU}"' in html  # defaults to the actor's division
    assert 'value="2026-01-01"' in html and 'value="2026-11-28"' in html  # this year so far
    assert "李娜" not in html
    assert not AuditEvent.objects.filter(action="register.view").exists()


def test_the_register_on_screen_with_export_buttons(web, people):
    r = web("township_clerk").get("/registers/", {"show": 1, "kind": "inflow", "division": NANTOU, **PERIOD})
    assert r.status_code == 200
    html = r.content.decode()
    assert "南头街道 流入人口登记册 2026-01-01 至 2026-11-28" in html
    assert html.count("李娜") == 2 and "张敏" in html and "王强" not in html
    # The whole register, of any size, is made in the background (tests/jobs).
    assert 'action="/exports/new/"' in html and 'name="kind" value="inflow_register"' in html
    assert 'name="division" value="440305001000"' in html and 'name="start" value="2026-01-01"' in html and 'name="end" value="2026-11-28"' in html
    assert 'name="format" value="xlsx"' in html and 'name="format" value="pdf"' in html
    assert AuditEvent.objects.filter(action="register.view").count() == 1


def test_paging_by_fifty(web, people, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    c = web("township_clerk")
    r = c.get("/registers/", {"show": 1, "kind": "inflow", "division": NANTOU, **PERIOD, "page": 2})
    html = r.content.decode()
    assert "第 2 页 共 2 页" in html and 'rel="prev"' in html and 'rel="next"' not in html
    r = c.get("/registers/", {"show": 1, "kind": "inflow", "division": NANTOU, **PERIOD, "page": 99})
    assert "第 2 页 共 2 页" in r.content.decode()  # past the end: the last page
    r = c.get("/registers/", {"show": 1, "kind": "inflow", "division": NANTOU, **PERIOD, "page": "x"})
    assert "第 1 页 共 2 页" in r.content.decode()


@pytest.mark.parametrize("params, message", [
    ({"start": "2026-13-01"}, "不存在或格式不对"),
    ({"start": "2026-11-28", "end": "2026-01-01"}, "结束日期早于开始日期"),
    ({"division": "440305009999"}, "本辖区内没有区划代码为 440305009999 的区划"),
    ({"start": "2019-01-01"}, "期间最长"),
    ({"kind": "nobody"}, "应为"),
])
def test_bad_input_shows_field_errors(web, world, params, message):
    r = web("township_clerk").get("/registers/", {"show": 1, "kind": "inflow", "division": NANTOU, **PERIOD, **params})
    assert r.status_code == 422
    assert message in r.content.decode()


def test_files_from_the_page(web, people):
    c = web("township_clerk")
    r = c.get("/registers/inflow.xlsx", {"division": NANTOU, **PERIOD})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert r["Content-Disposition"].startswith("attachment;") and r["Cache-Control"] == "no-store"
    r = c.get("/registers/outflow.pdf", {"division": NANTOU_V1, **PERIOD})
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    r = c.get("/registers/inflow.pdf", {"division": NANTOU, "start": "2026-12-01", "end": "2026-01-01"})
    assert r.status_code == 422 and "结束日期早于开始日期" in r.content.decode()


def test_scope_role_and_login(web, people):
    # Issue 9 item 5: a division outside the user's area is a field error on the form (not a 404
    # page), in the same words as a division that does not exist (invariant 2: nothing told).
    for path in ("/registers/", "/registers/inflow.xlsx"):
        outside = web("futian_clerk").get(path, {"show": 1, "division": NANTOU, **PERIOD})
        absent = web("futian_clerk").get(path, {"show": 1, "division": "440305099000", **PERIOD})
        assert outside.status_code == absent.status_code == 422
        assert "本辖区内没有区划代码为 440305001000 的区划" in outside.content.decode()
        assert "本辖区内没有区划代码为 440305099000 的区划" in absent.content.decode()
        assert "李娜" not in outside.content.decode()
    assert web("auditor").get("/registers/").status_code == 403
    assert web("police_officer").get("/registers/inflow.xlsx", PERIOD).status_code == 403
    html = web("police_officer").get("/registers/", {"show": 1, **PERIOD}).content.decode()
    assert "李娜" in html and ".xlsx" not in html  # may view, no export links
    r = Client().get("/registers/")
    assert r.status_code == 302 and "next=" in r["Location"]


def test_a_page_past_the_end_is_logged_once(web, people, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 3)
    web("township_clerk").get("/registers/", {"show": 1, "kind": "inflow", "division": NANTOU, **PERIOD, "page": 9})
    event = AuditEvent.objects.get(action="register.view")
    assert event.fields["offset"] == 3 and len(event.fields["person_ids"]) == 1


def test_i5_reversed_dates_are_a_field_error_on_the_form(web, people):
    r = web("township_clerk").get("/registers/", {"show": 1, "kind": "inflow", "division": NANTOU, "start": "2026-12-01", "end": "2026-01-01"})
    html = r.content.decode()
    assert r.status_code == 422 and "结束日期早于开始日期" in html and "has-error" in html and "李娜" not in html
