"""Browser tests of issue 9 ("a clerk's day without friction"), one per item, in Debian's Chromium.

Screenshots at 1366x768 and 390x844 go to /tmp/liudong-e2e-clerk9-*.png (looked at, never committed).
"""
import pytest

from tests.e2e.test_register_and_find import CHROMIUM, CHROMIUM_ARGS, _browser_or_fail, _log_in, _world

SHOTS = "/tmp/liudong-e2e-clerk9-{name}-{size}.png"


def _staff(username, role, division):
    from liudong.accounts.models import Staff
    from tests.conftest import password

    staff = Staff(username=username, role=role, division_id=division)
    staff.set_password(password())
    staff.save()
    return staff


def _migrant(clerk, name, seq, division, arrived, address=""):
    from liudong.people import services
    from tests.conftest import TODAY, TONGJIANG_V, make_id

    person, _ = services.register_person(actor=clerk, data={"id_number": make_id("511921", "19950101", seq), "name": name, "hukou_division": TONGJIANG_V}, today=TODAY)
    services.record_arrival(actor=clerk, person=person, data={"division": division, "arrived_on": arrived, "address": address}, today=TODAY)
    return person


def _browse(live_server, username, visit):
    """Log in as `username` at both screen sizes and run `visit(page, base, size)`; no page may
    scroll sideways on the phone."""
    sync_playwright = _browser_or_fail()
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for size, viewport, extra in (("desktop", {"width": 1366, "height": 768}, {}), ("phone", {"width": 390, "height": 844}, {"is_mobile": True, "has_touch": True})):
                context = browser.new_context(viewport=viewport, locale="zh-CN", **extra)
                page = context.new_page()
                errors = []
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                _log_in(page, base, username)
                visit(page, base, size)
                assert not errors, errors
                context.close()
        finally:
            browser.close()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_item1_R2_the_to_do_opens_the_records_it_counts(live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from liudong.accounts.choices import Role
    from liudong.people.models import Visit
    from tests.conftest import NANSHAN, NANTOU, NANTOU_V1, NANTOU_V2

    clerk = _world()
    _staff("officer", Role.COUNTY_OFFICER, NANSHAN)
    _migrant(clerk, "李娜", 11, NANTOU_V1, "2025-03-01", "南头街道红花园社区深南大道213号10栋2007室")
    _migrant(clerk, "王芳", 13, NANTOU_V2, "2024-06-01")

    def officer(page, base, size):
        # The county's to-do: one row per township, its total opening the records.
        todo = page.locator("table.todo tbody tr")
        assert todo.count() == 1 and "南头街道" in todo.first.inner_text()
        page.screenshot(path=SHOTS.format(name="item1-home", size=size), full_page=True)
        assert todo.first.locator("td.num a").inner_text() == "2"
        todo.first.locator("td.num a").click()
        page.wait_for_url(f"{base}/people/follow-up/?division={NANTOU}")
        names = page.locator("table.follow-up tbody tr td:first-child").all_inner_texts()
        assert names == ["王芳", "李娜"]                        # longest waiting first
        page.click("table.follow-up th a:has-text('起始日期')")
        page.click("table.follow-up th a:has-text('起始日期')")  # again: newest first
        assert page.locator("table.follow-up tbody tr td:first-child").all_inner_texts() == ["李娜", "王芳"]
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
        page.screenshot(path=SHOTS.format(name="item1-list", size=size), full_page=True)

    _browse(live_server, "officer", officer)

    def township(page, base, size):
        if size == "phone":
            return
        page.locator("table.todo td.num a").first.click()
        page.wait_for_selector("table.follow-up")
        page.locator("table.follow-up button:has-text('今日见到本人')").first.click()
        page.wait_for_selector(".messages")
        assert "已登记查验" in page.inner_text(".messages")
        assert page.locator("table.follow-up tbody tr").count() == 0 and page.locator("p.ok").count() == 1

    _browse(live_server, "clerk", township)
    assert Visit.objects.count() == 1
