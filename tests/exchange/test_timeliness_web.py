"""T3 on the page (/timeliness/) and in the API (GET /api/v1/exchange/timeliness): roles, scope,
bad input next to its field, the chart drawn without inline styles, the JSON figures."""
import re

import pytest
from django.test import Client

from liudong.accounts.choices import Action, Role, allowed
from tests.conftest import INLINE_SCRIPT, NANSHAN, NANTOU, SHEKOU, TODAY, TONGJIANG_T
from tests.exchange.test_timeliness import YEAR, build_traffic, rcv

SICHUAN = "510000000000"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("liudong.exchange.views_timeliness.today", lambda: TODAY)
    monkeypatch.setattr("liudong.exchange.api_timeliness.today", lambda: TODAY)


@pytest.fixture
def traffic(world):
    return build_traffic(world)


def page(staff, **params):
    client = Client()
    client.force_login(staff)
    return client.get("/timeliness/", params)


def api(staff, **params):
    from liudong.accounts.tokens import issue_token

    return Client().get("/api/v1/exchange/timeliness", params, HTTP_AUTHORIZATION=f"Bearer {issue_token(staff)}")


@pytest.mark.parametrize("role", list(Role))
def test_page_per_role(world, role):
    response = page(world[role.value])
    assert response.status_code == (200 if allowed(role, Action.VIEW_TIMELINESS) else 403)


def test_page_needs_login(world):
    response = Client().get("/timeliness/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_page_shows_tables_and_chart(world, traffic):
    response = page(world["county_officer"], **YEAR)
    html = response.content.decode()
    assert response.status_code == 200
    assert "作为收函方" in html and "作为发函方" in html and "按对方省份" in html and "四川省" in html
    # the county's totals: 7 received, reply rate 4/6, on-time 3/6
    assert "66.7%" in html and "50.0%" in html
    # the chart: one group of two bars per township, widths from the rates (南头 0.6 -> 240, 0.4 -> 160)
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert svg.count("<g>") == 2 and 'width="240.0"' in svg and 'width="160.0"' in svg and "南头街道" in svg
    assert " style=" not in html and not INLINE_SCRIPT.search(html)
    # the townships link one level down with the same period
    assert f'?division={NANTOU}&amp;start=2026-01-01&amp;end=2026-12-31' in html


def test_page_default_period_is_this_year(world, traffic):
    html = page(world["township_clerk"]).content.decode()
    assert 'value="2026-01-01"' in html and f'value="{TODAY.isoformat()}"' in html and "南头街道" in html


@pytest.mark.parametrize("params, field, text", [
    ({"start": "2026-02-30"}, "start", "2026-02-30 不存在"),
    ({"start": "2026-10-08", "end": "2026-10-01"}, "end", "结束日期早于开始日期"),
    ({"division": SHEKOU}, "division", "不在您的管辖范围内"),
    ({"division": "44030"}, "division", "12位数字"),
    ({"division": "\x00abc"}, "division", "12位数字"),
])
def test_page_bad_input_next_to_field(world, params, field, text):
    response = page(world["township_clerk"], **params)
    html = response.content.decode()
    assert response.status_code == 200
    block = re.search(rf'<div class="field has-error">\s*<label for="id_{field}">.*?</div>', html, re.S)
    assert block and text in block.group(0)
    assert "作为收函方" not in html


def test_page_reports_every_field_with_a_division_outside_scope(world):
    html = page(world["township_clerk"], division=SHEKOU, start="2026-02-30", end="2026-01-01").content.decode()
    for field, text in (("division", "不在您的管辖范围内"), ("start", "2026-02-30 不存在")):
        block = re.search(rf'<div class="field has-error">\s*<label for="id_{field}">.*?</div>', html, re.S)
        assert block and text in block.group(0), field


def test_page_in_english(world, traffic):
    client = Client()
    client.force_login(world["county_officer"])
    client.post("/i18n/setlang/", {"language": "en"})
    html = client.get("/timeliness/", YEAR).content.decode()
    assert "as receiver" in html and "reply rate" in html and "作为收函方" not in html


def test_api_figures(world, traffic):
    response = api(world["township_clerk"], **YEAR)
    assert response.status_code == 200
    body = response.json()
    assert body["division"] == NANTOU and body["start"] == "2026-01-01" and body["today"] == TODAY.isoformat()
    assert body["as_receiver"] == rcv(6, 1, 3, 2, 1, 1, 0.6, 0.4)
    assert body["as_sender"]["duty"]["on_time_rate"] == 0.25 and body["as_sender"]["sent"] == 5
    assert [row["code"] for row in body["by_division"]] == [NANTOU]
    rows = {row["code"]: row for row in body["by_counterpart_province"]}
    assert rows[SICHUAN]["as_receiver"]["on_time_rate"] == 0.25 and rows[SICHUAN]["name"] == "四川省"


def test_api_defaults_and_breakdown(world, traffic):
    body = api(world["county_officer"]).json()
    assert body["division"] == NANSHAN and body["start"] == "2026-01-01" and body["end"] == TODAY.isoformat()
    assert {row["code"] for row in body["by_division"]} == {NANTOU, SHEKOU}


def test_api_errors(world, traffic):
    clerk = world["township_clerk"]
    r = api(clerk, division=TONGJIANG_T, **YEAR)
    assert r.status_code == 404 and "detail" in r.json()
    r = api(world["police_officer"], **YEAR)
    assert r.status_code == 403
    r = api(clerk, start="2026-13-01", end="2026-12-31")
    assert r.status_code == 422 and "start" in r.json()["errors"]
    r = api(clerk, start="2026-10-08", end="2026-10-01", division="123")
    assert r.status_code == 422 and set(r.json()["errors"]) == {"end", "division"}
    assert Client().get("/api/v1/exchange/timeliness").status_code == 401


def test_api_in_openapi(world):
    schema = Client().get("/api/v1/openapi.json").json()
    op = schema["paths"]["/api/v1/exchange/timeliness"]["get"]
    assert {p["name"] for p in op["parameters"]} == {"division", "start", "end"}
    assert set(op["responses"]) >= {"200", "403", "404", "422"}
