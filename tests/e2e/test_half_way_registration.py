"""Browser test of issue 9 item 2: a collector registers a migrant and leaves before recording her
arrival (a registration left half-way). She finds her again by name, her page says the registration
is not finished and offers the arrival; entering the ID again names who registered her and offers
to finish, not "已由其他地方登记". A clerk of another township entering the same ID learns only that
she is registered elsewhere and is offered the arrival claim. Debian's Chromium via Playwright.

Screenshot: /tmp/liudong-e2e-half-way.png (her page with the notice, 1366x768).
"""
import pytest

from tests.e2e.test_register_and_find import CHROMIUM, CHROMIUM_ARGS, _browser_or_fail, _log_in, _reference_data

SCREENSHOT = "/tmp/liudong-e2e-half-way.png"


def _world():
    _reference_data()
    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff
    from liudong.divisions.models import Division
    from tests.conftest import NANSHAN, NANTOU, NANTOU_V1, SHEKOU, SHEKOU_V1, TONGJIANG, TONGJIANG_T, TONGJIANG_V, password

    for code, name, level, parent in [
        (NANTOU, "南头街道", 4, NANSHAN), (NANTOU_V1, "红花园社区", 5, NANTOU), (SHEKOU, "南山街道", 4, NANSHAN), (SHEKOU_V1, "南山社区", 5, SHEKOU),
        (TONGJIANG_T, "诺江镇", 4, TONGJIANG), (TONGJIANG_V, "诺江村", 5, TONGJIANG_T),
    ]:
        Division.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})
    for username, role, code in (("collector", Role.VILLAGE_COLLECTOR, NANTOU_V1), ("shekou", Role.TOWNSHIP_CLERK, SHEKOU)):
        s = Staff(username=username, role=role, division_id=code)
        s.set_password(password())
        s.save()


def _register(page, base, id_number, name):
    from tests.conftest import TONGJIANG_V

    page.goto(base + "/people/new/")
    page.fill("#id_id_number", id_number)
    page.fill("#id_name", name)
    page.fill("#id_hukou_division", TONGJIANG_V)
    page.click("form.panel button[type=submit].primary")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_issue9_item2_a_registration_left_half_way_is_found_and_finished(live_server, monkeypatch):
    sync_playwright = _browser_or_fail()
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # see test_register_and_find
    from liudong.people.models import Person, Residence
    from tests.conftest import NANTOU_V1, make_id

    _world()
    id_number = make_id("511921", "19950505", 62)
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
            page = context.new_page()
            _log_in(page, base, "collector")

            # Register her, then leave the arrival form without submitting it.
            _register(page, base, id_number, "王芳")
            page.wait_for_selector("h1:has-text('登记居住地')")
            person = Person.objects.get(id_number=id_number)
            page.goto(base + "/")

            # Found again by name, marked as not finished.
            page.click("nav.mainnav >> text=人员查询")
            page.fill("#id_name", "王芳")
            page.click("button:has-text('查询')")
            page.wait_for_selector("table.data")
            row = page.locator("table.data tr", has_text="王芳")
            assert row.count() == 1 and "未登记到达" in row.inner_text()
            row.locator("a", has_text="王芳").click()
            page.wait_for_url(f"{base}/people/{person.pk}/")
            assert "登记未完成" in page.inner_text("#now-h + p")
            assert page.locator("#arrival_division").is_visible()  # the arrival form is open
            page.screenshot(path=SCREENSHOT, full_page=True)

            # Entering the ID again: who registered her (her own community) and the arrival to finish.
            _register(page, base, id_number, "王芳")
            page.wait_for_selector("h1:has-text('登记居住地')")
            messages = page.inner_text(".messages")
            assert "红花园社区" in messages and "尚未登记其到达" in messages
            assert "其他地方" not in page.inner_text("main")
            page.select_option("#id_division", NANTOU_V1)
            page.fill("#id_address", "红花园2栋")
            page.click("button:has-text('登记流入')")
            page.wait_for_url(f"{base}/people/{person.pk}/")
            assert "已登记流入" in page.inner_text(".messages")
            assert Residence.objects.filter(person=person, division_id=NANTOU_V1, left_on__isnull=True).exists()
            context.close()

            # Another township of the county: registered elsewhere, and the claim; nobody named.
            other = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
            page = other.new_page()
            _log_in(page, base, "shekou")
            _register(page, base, id_number, "王芳")
            page.wait_for_selector("h1:has-text('已在他处登记')")
            text = page.inner_text("main")
            assert "提交到达申报" in text and "红花园" not in text
            other.close()
        finally:
            browser.close()
    assert Person.objects.count() == 1
