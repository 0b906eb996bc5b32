"""The policy and calendar pages (P1, X4): who may see them, the forms and their errors, the
home page warning. Chinese first; no inline style or script (CSP)."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from liudong.accounts.models import AuditEvent
from liudong.policy.models import CalendarYear, PolicyValue
from liudong.policy.services import value
from tests.conftest import INLINE_SCRIPT, NANTOU

from .conftest import CSV_2027, GUANGDONG

TODAY = datetime.date(2026, 11, 29)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("liudong.policy.views.today", lambda: TODAY)
    monkeypatch.setattr("liudong.people.views.today", lambda: TODAY)


def html_of(response):
    html = response.content.decode()
    assert ' style="' not in html and not INLINE_SCRIPT.search(html)
    return html


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["policy_index", "calendar_index"])
def test_pages_per_role(client, world, url):
    for username, staff in world.items():
        client.force_login(staff)
        status = client.get(reverse(url)).status_code
        assert status == (200 if staff.role == "admin" else 403), (username, status)
    client.logout()
    assert client.get(reverse(url)).status_code == 302


@pytest.mark.django_db
def test_policy_page_shows_values_in_force_sets_and_history(client, world):
    client.force_login(world["admin"])
    html = html_of(client.get(reverse("policy_index")))
    assert "<title>政策参数 ·" in html and "南山区" in html and "birth.verify_request_days" in html
    assert "national-2009" in html and "国务院令第555号" in html and "居住证暂行条例" in html
    response = client.get(reverse("policy_index"), {"division": "510000000000", "on": "2012-05-01", "name": "birth.max_child_order_registered"})
    html = html_of(response)
    assert response.context["division"].code == "510000000000" and response.context["on"] == datetime.date(2012, 5, 1)
    rows = {r.name: r.value for r in response.context["rows"]}
    assert rows["birth.max_child_order_registered"] == 1 and rows["case_open.fee_consultation"] is True
    assert [r.value for r in response.context["history"]][:3] == [1, 2, None]
    assert "变更历史" in html
    # A bad date or code is shown next to the filter; the page falls back to the defaults.
    response = client.get(reverse("policy_index"), {"division": "12345", "on": "2026-02-30"})
    assert response.status_code == 200 and response.context["show"].errors
    assert "不存在" in html_of(response)


@pytest.mark.django_db
def test_adopt_and_override_forms(client, world):
    from .conftest import make_admin

    gd = make_admin("gd_admin", GUANGDONG)
    client.force_login(gd)
    response = client.post(reverse("policy_adopt"), {"adopt-rule_set": "national-2021", "adopt-division": "44", "adopt-valid_from": "2021-10-01"})
    assert response.status_code == 302 and "division=440000000000" in response["Location"]
    assert AuditEvent.objects.filter(action="policy.adopt", actor=gd).count() == 1
    html = html_of(client.get(response["Location"]))
    assert "national-2021" in html
    # Errors next to the fields, nothing written.
    count = PolicyValue.objects.count()
    response = client.post(reverse("policy_adopt"), {"adopt-rule_set": "national-2021", "adopt-division": "44", "adopt-valid_from": "2021-10-01"})
    assert response.status_code == 200 and "已于 2021-10-01 起采用" in html_of(response)
    response = client.post(reverse("policy_set"), {"set-name": "birth.notify_days", "set-value": "true", "set-division": GUANGDONG, "set-valid_from": "2027-01-01"})
    html = html_of(response)
    assert response.status_code == 200 and "的值应为整数" in html and "has-error" in html
    assert PolicyValue.objects.count() == count
    response = client.post(reverse("policy_set"), {"set-name": "birth.notify_days", "set-value": "10", "set-division": GUANGDONG, "set-valid_from": "2027-01-01", "set-source": "粤卫〔2026〕1号"})
    assert response.status_code == 302
    assert value("birth.notify_days", NANTOU, datetime.date(2027, 1, 1)) == 10
    assert PolicyValue.objects.get(name="birth.notify_days", division_id=GUANGDONG, valid_from=datetime.date(2027, 1, 1)).source == "粤卫〔2026〕1号"


@pytest.mark.django_db
def test_county_admin_cannot_adopt_and_others_cannot_post(client, world):
    client.force_login(world["admin"])
    html = html_of(client.get(reverse("policy_index")))
    assert "由省级或国家级管理员采用" in html
    response = client.post(reverse("policy_adopt"), {"adopt-rule_set": "national-2021", "adopt-division": GUANGDONG, "adopt-valid_from": "2021-10-01"})
    assert response.status_code == 200 and "不在您的管辖范围内" in html_of(response)
    for role in ("township_clerk", "auditor", "province_officer"):
        client.force_login(world[role])
        assert client.post(reverse("policy_adopt"), {}).status_code == 403
        assert client.post(reverse("policy_set"), {}).status_code == 403
        assert client.post(reverse("calendar_index"), {}).status_code == 403


@pytest.mark.django_db
def test_calendar_page_month_view_and_upload(client, world, nation_admin):
    client.force_login(world["admin"])
    # A county administrator sees the calendar but the official schedule is loaded above.
    assert client.post(reverse("calendar_index"), {"year": "2027"}).status_code == 403
    client.force_login(nation_admin)
    response = client.get(reverse("calendar_index"))
    html = html_of(response)
    assert "<title>工作日历 ·" in html and "已载入的年份" in html
    assert response.context["year"] == 2026 and "2026-12-31" in html and "春节" in html and "国庆节" in html
    assert 'class="cal-holiday" title="春节"' in html and 'class="cal-workday"' in html
    assert response.context["form"].initial["year"] == 2027
    # A bad file: every bad row next to the form, nothing written.
    bad = "date,kind\n2027-02-30,holiday\n2027-02-06,holiday\n"
    response = client.post(reverse("calendar_index"), {"year": "2027", "file": SimpleUploadedFile("2027.csv", bad.encode(), "text/csv")})
    html = html_of(response)
    assert response.status_code == 200 and "第2行" in html and "第3行" in html and "周末本来就休息" in html
    assert not CalendarYear.objects.filter(year=2027).exists()
    response = client.post(reverse("calendar_index"), {"year": "2027"})
    assert "请选择" in html_of(response)
    # The good file.
    response = client.post(reverse("calendar_index"), {"year": "2027", "source": "国办发明电〔2026〕测试号",
                                                       "file": SimpleUploadedFile("2027.csv", CSV_2027.encode(), "text/csv")})
    assert response.status_code == 302 and response["Location"].endswith("?year=2027")
    assert CalendarYear.objects.get(year=2027).source == "国办发明电〔2026〕测试号"
    html = html_of(client.get(response["Location"]))
    assert "2027-12-31" in html
    # Loading it again needs the replace box.
    response = client.post(reverse("calendar_index"), {"year": "2027", "file": SimpleUploadedFile("2027.csv", CSV_2027.encode(), "text/csv")})
    assert "替换" in html_of(response)


@pytest.mark.django_db
def test_home_page_warns_calendar_administrators(client, world, monkeypatch, load_2027, nation_admin):
    client.force_login(world["admin"])
    assert "calendar-warning" not in html_of(client.get("/"))   # a county administrator does not load it
    client.force_login(nation_admin)
    html = html_of(client.get("/"))
    assert "工作日历将于 2026-12-31 结束" in html and reverse("calendar_index") in html
    client.force_login(world["township_clerk"])
    assert "calendar-warning" not in html_of(client.get("/"))
    monkeypatch.setattr("liudong.people.views.today", lambda: datetime.date(2026, 6, 1))
    client.force_login(nation_admin)
    assert "calendar-warning" not in html_of(client.get("/"))
    monkeypatch.setattr("liudong.people.views.today", lambda: TODAY)
    load_2027()
    assert "calendar-warning" not in html_of(client.get("/"))


@pytest.mark.django_db
def test_english_when_chosen(client, world):
    client.force_login(world["admin"])
    client.cookies["django_language"] = "en"
    html = html_of(client.get(reverse("calendar_index"), HTTP_ACCEPT_LANGUAGE="en"))
    assert "Working-day calendar" in html


@pytest.mark.django_db
def test_i4_policy_page_speaks_words_codes_in_tooltips(client, world):
    """Issue 9 item 4: a label per value name, 是/否/未设定 for true/false/null, rule sets by their
    Chinese names, sources in Chinese; the codes only in tooltips (title)."""
    from liudong.policy import labels, queries
    from tests.page_text import ALLOWED, latin_words, visible_text

    assert not [n for n in queries.policy_names() if not labels.has_label(n)]
    client.force_login(world["admin"])
    html = html_of(client.get(reverse("policy_index"), {"division": "510000000000", "on": "2022-05-01", "name": "case_open.fee_consultation"}))
    assert "受理社会抚养费协商征收" in html and 'title="case_open.fee_consultation"' in html
    assert "2021年三孩政策：取消社会抚养费" in html and 'title="national-2021"' in html
    assert ">否<" in html and ">是<" in html and ">未设定<" in html
    assert not latin_words(visible_text(html), ALLOWED | {"admin"})
    client.cookies["django_language"] = "en"
    html = html_of(client.get(reverse("policy_index"), {"division": "510000000000", "on": "2022-05-01"}))
    assert "fee consultations accepted" in html and ">no<" in html and ">not set<" in html


@pytest.mark.django_db
def test_i4_an_override_takes_the_words_the_page_shows(client, world):
    client.force_login(world["admin"])
    response = client.post(reverse("policy_set"), {"set-name": "certificate.required", "set-value": "否", "set-division": "440305000000",
                                                   "set-valid_from": "2027-01-01", "set-source": "粤卫〔2026〕2号"})
    assert response.status_code == 302, response.context["override_form"].errors
    assert value("certificate.required", "440305000000", datetime.date(2027, 1, 2)) is False
    response = client.post(reverse("policy_set"), {"set-name": "birth.registration_basis", "set-value": "凭本人承诺", "set-division": "440305000000",
                                                   "set-valid_from": "2027-01-01", "set-source": "粤卫〔2026〕3号"})
    assert response.status_code == 302
    assert value("birth.registration_basis", "440305000000", datetime.date(2027, 1, 2)) == "commitment"
