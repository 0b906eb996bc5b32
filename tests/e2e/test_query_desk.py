"""Browser test (issue 12): the police desk for outside queries, in Debian's Chromium, in Chinese.

The desk officer (query_desk, 南山区) takes a citizen looking for a former classmate (Q1 (f)): picks
the category, sees the documents it needs, ticks the ID card, fills in the application form (申请表)
with the requester's declaration acknowledged, prints the form, searches; the request waits for the
consent of the person found (Q3 (f)). The police station where she lives (police_officer, 南头街道)
sees only the task and records her consent (Q7); the desk then reads the answer and prints the
result sheet. A news reporter is refused at the desk with the routing of Q5.

Screenshots and the rendered PDFs: /tmp/liudong-e2e-desk-*.png (looked at, never committed)."""
import io
import re
import subprocess

import pytest

from .test_clerk_day import _reference_data
from .test_register_and_find import CHROMIUM, CHROMIUM_ARGS, _browser_or_fail, _log_in

SHOTS = "/tmp/liudong-e2e-desk"


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


def _render(data: bytes, name: str):
    path = f"{SHOTS}-{name}.pdf"
    with open(path, "wb") as f:
        f.write(data)
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", path, f"{SHOTS}-{name}"], check=True)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_Q1_Q9_the_desk_and_the_station_in_the_browser(live_server, monkeypatch):
    sync_playwright = _browser_or_fail()
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # see test_register_and_find
    import importlib

    from django.apps import apps

    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff
    from liudong.desk.models import ConsentTask, Inquiry
    from liudong.divisions.models import Division
    from liudong.people import services as people
    from liudong.policy.services import adopt_rule_set
    from tests.conftest import NANSHAN, NANTOU, NANTOU_V1, NANTOU_V2, TODAY, TONGJIANG, TONGJIANG_T, TONGJIANG_V, make_id, password

    # A transactional test before this one may have emptied the tables the migrations fill.
    _reference_data()
    importlib.import_module("liudong.desk.migrations.0002_query_desk_2010").forward(apps, None)
    adopt_rule_set(actor=None, code="query-desk-2010", division_code="440000000000", valid_from="2020-01-01")
    for code, name, level, parent in [(NANTOU, "南头街道", 4, NANSHAN), (NANTOU_V1, "红花园社区", 5, NANTOU), (NANTOU_V2, "大汪山社区", 5, NANTOU),
                                      (TONGJIANG_T, "诺江镇", 4, TONGJIANG), (TONGJIANG_V, "诺江村", 5, TONGJIANG_T)]:
        Division.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})
    staff = {}
    for username, role, division in [("clerk", Role.TOWNSHIP_CLERK, NANTOU), ("desk", Role.QUERY_DESK, NANSHAN), ("station", Role.POLICE_OFFICER, NANTOU)]:
        s = Staff(username=username, role=role, division_id=division)
        s.set_password(password())
        s.save()
        staff[username] = s
    li, _ = people.register_person(actor=staff["clerk"], data={"id_number": make_id("511921", "19990315"), "name": "李娜", "hukou_division": TONGJIANG_V,
                                                              "phone": "13700137000"}, today=TODAY)
    people.record_arrival(actor=staff["clerk"], person=li, data={"division": NANTOU_V1, "address": "南头街道红花园1栋101", "arrived_on": "2025-03-01", "reason": "work"},
                          today=TODAY)
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # -- the desk takes the request ------------------------------------------------------
            context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
            page = context.new_page()
            _log_in(page, base, "desk")
            page.click("nav a:has-text('对外查询')")
            page.click("a:has-text('新的查询申请')")
            page.select_option("#category", "citizen_relative")
            page.click("button:has-text('显示该类别的要求')")
            page.wait_for_selector("h2:has-text('证件')")
            body = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
            assert "居民身份证" in body and "须经被查询人同意" in body and "人口信息查询注意事项" in body or "注意事项" in body
            page.check("input[name=documents][value=id_card]")
            page.fill("input[name=requester_name]", "王明")
            page.fill("input[name=requester_id_document]", "居民身份证")
            page.fill("input[name=requester_id_number]", make_id("440305", "19800101", 31, female=False))
            page.fill("input[name=requester_phone]", "13800138000")
            page.fill("input[name=relationship]", "小学同学")
            page.fill("textarea[name=reason]", "因举办同学会查找小学同学")
            page.fill("input[name=s0_name]", "李娜")
            page.select_option("select[name=s0_match]", "same_char")
            page.select_option("select[name=s0_sex]", "F")
            page.fill("input[name=s0_native_place]", "四川")
            page.check("input[name=notice_acknowledged]")
            page.screenshot(path=f"{SHOTS}-1-new.png", full_page=True)
            page.click("button:has-text('审核并登记')")
            page.wait_for_url(f"{base}/desk/*/")
            inquiry = Inquiry.objects.get()
            assert inquiry.state == "recorded" and inquiry.requester_id_document == "居民身份证", inquiry.refusal_reason
            # The application form, printed for the requester's signature under her declaration.
            form = page.request.get(base + page.locator("a:has-text('申请表（PDF）')").get_attribute("href"))
            assert form.status == 200 and form.headers["content-type"] == "application/pdf"
            text = _pdf_text(form.body())
            for expected in ("人口信息查询申请表", "证件名称居民身份证", "李娜", "☐同音☑同字", "小学同学", "查询人声明", "申请人签字"):
                assert expected in text, expected
            _render(form.body(), "2-application")
            page.click("button:has-text('查询')")
            page.wait_for_selector("text=待被查询人同意")
            assert "13700137000" not in page.inner_text("body") and "红花园" not in page.inner_text("body")
            page.screenshot(path=f"{SHOTS}-3-awaiting-consent.png", full_page=True)
            context.close()

            # -- the station where she lives records her consent ---------------------------------
            context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
            page = context.new_page()
            _log_in(page, base, "station")
            page.click("nav a:has-text('核实任务')")
            row = page.locator("tr:has-text('李娜')")
            assert "王明" in row.inner_text() and "小学同学" in row.inner_text() and "13700137000" not in page.inner_text("body")
            page.screenshot(path=f"{SHOTS}-4-station.png", full_page=True)
            row.locator("button:has-text('同意')").first.click()
            page.wait_for_selector(".messages")
            assert ConsentTask.objects.get().granted is True
            assert page.goto(f"{base}/desk/{inquiry.pk}/").status == 403  # the station never opens the request itself
            context.close()

            # -- the desk tells the answer and prints the result sheet -----------------------------
            context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
            page = context.new_page()
            _log_in(page, base, "desk")
            page.goto(f"{base}/desk/{inquiry.pk}/")
            answer = page.inner_text("#ans-h + p + div") if page.locator("#ans-h").count() else ""
            body = page.inner_text("body")
            assert "已答复" in body and "13700137000" in body and "红花园" in body and "本系统登记" in body, answer
            page.screenshot(path=f"{SHOTS}-5-answered.png", full_page=True)
            sheet = page.request.get(base + page.locator("a:has-text('结果单（PDF）')").get_attribute("href"))
            text = _pdf_text(sheet.body())
            assert "人口信息查询结果" in text and "13700137000" in text and "派出所户口专用章" not in text  # Q4: no stamped sheet for (f)
            _render(sheet.body(), "6-result")

            # -- a reporter is sent to the publicity office (Q5) -----------------------------------
            page.goto(f"{base}/desk/new/?category=media")
            assert "市公安局外宣部门" in page.inner_text("body")
            page.fill("#rn", "赵记者")
            page.fill("#ru", "某报社")
            page.fill("#rr", "宣传报道")
            page.click("button:has-text('登记不予受理')")
            page.wait_for_url(f"{base}/desk/*/")
            assert "不予受理" in page.inner_text("body") and "外宣" in page.inner_text("body")
            page.screenshot(path=f"{SHOTS}-7-refused.png", full_page=True)
            page.goto(f"{base}/desk/register/?start=2026-11-01&end=2026-11-28")
            assert inquiry.file_number in page.inner_text("body") and "赵记者" in page.inner_text("body")
            page.screenshot(path=f"{SHOTS}-8-register.png", full_page=True)
            # Printing the register asks for an export job (liudong.jobs) and lands on its page.
            page.click("form.export-form button:has-text('打印（PDF）')")
            page.wait_for_url(f"{base}/exports/*/")
            assert "人口信息查询登记表" in page.inner_text("h1")
            context.close()
        finally:
            browser.close()
    assert Inquiry.objects.filter(state="refused").count() == 1
