"""Issue 9, items 4 and 5, in Debian's Chromium: the pages speak the chosen language with names
people use, and say what is wrong with an input in words that fit.

Item 4: /registers/ as a township clerk (whole option labels, one name per register, no English on
the Chinese page, English once switched), /audit/ as the auditor ("王芳 查看了 人员 第 N 号 的档案").
Item 5: a 10,000-character name is not cut by the browser and is refused with the field's name and
limit; a division outside the clerk's area is a field error on the register form, not a 404 page;
the first digits of an ID number find her with a hint.

Screenshots (looked at, not committed): /tmp/liudong-i4-*.png and /tmp/liudong-i5-*.png, at
1366x768 and 390x844.
"""
import pytest

from tests.e2e.test_register_and_find import CHROMIUM, CHROMIUM_ARGS, _browser_or_fail, _log_in, _world
from tests.page_text import ALLOWED, latin_words, visible_text

SIZES = {"office": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}


def _people(clerk):
    from liudong.people import services
    from tests.conftest import NANTOU_V1, TODAY, TONGJIANG_V, make_id

    person, _ = services.register_person(actor=clerk, data={"id_number": make_id("511921", "19990315"), "name": "李娜", "hukou_division": TONGJIANG_V}, today=TODAY)
    services.record_arrival(actor=clerk, person=person, data={"division": NANTOU_V1, "address": "南头街道红花园1栋101", "arrived_on": "2026-03-01", "reason": "work"}, today=TODAY)
    return person


def _auditor():
    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff
    from tests.conftest import NANSHAN, password

    auditor = Staff(username="auditor", role=Role.AUDITOR, division_id=NANSHAN)
    auditor.set_password(password())
    auditor.save()
    return auditor


def _no_latin(page, *extra):
    words = latin_words(visible_text(page.content()), ALLOWED | {"clerk", "auditor", *extra})
    assert not words, words


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_i4_registers_and_audit_speak_the_chosen_language(live_server, monkeypatch):
    sync_playwright = _browser_or_fail()
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from tests.conftest import NANTOU

    clerk = _world()
    person = _people(clerk)
    _auditor()
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for size, viewport in SIZES.items():
                context = browser.new_context(viewport=viewport, locale="zh-CN", is_mobile=size == "phone", has_touch=size == "phone")
                page = context.new_page()
                _log_in(page, base)
                page.goto(f"{base}/registers/?show=1&kind=inflow&division={NANTOU}&start=2026-01-01&end=2026-11-28")
                assert page.locator("h1").inner_text() == "流入人口登记册与流出人口登记簿"
                options = page.locator("#id_kind option").all_inner_texts()
                assert options == ["流入人口登记册", "流出人口登记簿"]
                assert "南头街道 流入人口登记册 2026-01-01 至 2026-11-28" in page.locator("#register-h").inner_text()
                assert "李娜" in page.locator("table.data").inner_text()
                _no_latin(page)
                page.screenshot(path=f"/tmp/liudong-i4-registers-{size}.png", full_page=True)
                if size == "office":
                    page.click("form.lang button[value=en]")
                    page.wait_for_selector("h1:has-text('Inflow register and outflow register')")
                    assert page.locator("#id_kind option").all_inner_texts() == ["inflow register", "outflow register"]
                    assert "Name" in page.locator("table.data thead").inner_text()
                    page.screenshot(path="/tmp/liudong-i4-registers-english.png", full_page=True)
                    page.click("form.lang button[value=zh-hans]")
                    page.wait_for_selector("h1:has-text('流入人口登记册')")
                    page.goto(f"{base}/people/{person.pk}/")
                context.close()

            context = browser.new_context(viewport=SIZES["office"], locale="zh-CN")
            page = context.new_page()
            _log_in(page, base, "auditor")
            page.goto(f"{base}/audit/")
            text = page.locator("table.data").inner_text()
            assert f"王芳 查看了 人员 第 {person.pk} 号 的档案" in text and "身份证号、姓名" in text
            assert page.locator("table.data td[title^='person.view']").count() >= 1  # the code in a tooltip
            _no_latin(page)
            page.screenshot(path="/tmp/liudong-i4-audit-office.png", full_page=True)
            context.close()
        finally:
            browser.close()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_i5_messages_say_what_is_wrong(live_server, monkeypatch):
    sync_playwright = _browser_or_fail()
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from liudong.people.models import Person
    from tests.conftest import FUTIAN_T, TONGJIANG_V, make_id

    clerk = _world()
    person = _people(clerk)
    from liudong.divisions.models import Division
    from tests.conftest import FUTIAN

    Division.objects.get_or_create(code=FUTIAN_T, defaults={"name": "园岭街道", "level": 4, "parent_id": FUTIAN})
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for size, viewport in SIZES.items():
                context = browser.new_context(viewport=viewport, locale="zh-CN", is_mobile=size == "phone", has_touch=size == "phone")
                page = context.new_page()
                _log_in(page, base)
                # A 10,000-character name: the browser keeps all of it, the page names the field and its limit.
                page.goto(f"{base}/people/new/")
                page.fill("#id_id_number", make_id("511921", "19900101", 44))
                page.fill("#id_name", "娜" * 10000)
                assert len(page.input_value("#id_name")) == 10000
                page.fill("#id_hukou_division", TONGJIANG_V)
                page.click("form.panel button[type=submit].primary")
                page.wait_for_selector(".form-errors")
                assert "姓名最多 50 个字符，现有 10000 个" in page.inner_text("form.panel")
                page.screenshot(path=f"/tmp/liudong-i5-long-name-{size}.png")
                # A division outside the clerk's area: a field error on the register form.
                page.goto(f"{base}/registers/")
                page.fill("#id_division", FUTIAN_T)
                page.click("form.filters button[type=submit].primary")
                page.wait_for_selector(".field.has-error")
                assert f"本辖区内没有区划代码为 {FUTIAN_T} 的区划" in page.inner_text(".field.has-error")
                assert page.locator("h1").inner_text() == "流入人口登记册与流出人口登记簿"
                page.screenshot(path=f"/tmp/liudong-i5-register-division-{size}.png", full_page=True)
                # The first digits of her ID number find her, with a hint; a search says nothing of saving.
                page.goto(f"{base}/people/")
                page.fill("#id_id_number", person.id_number[:10])
                page.click("button:has-text('查询')")
                page.wait_for_selector("#results-h")
                assert f"已查找以 {person.id_number[:10]} 开头的身份证号" in page.inner_text("main")
                assert page.locator("table.data a", has_text="李娜").count() == 1
                page.screenshot(path=f"/tmp/liudong-i5-id-prefix-{size}.png", full_page=True)
                page.fill("#id_id_number", "5119")
                page.click("button:has-text('查询')")
                page.wait_for_selector(".form-errors")
                assert "尚未保存" not in page.inner_text(".form-errors") and "前 6 位" in page.inner_text("main")
                if size == "phone":
                    assert page.evaluate("document.documentElement.scrollWidth") <= 390
                context.close()
        finally:
            browser.close()
    assert Person.objects.count() == 1
