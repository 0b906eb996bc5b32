"""Browser test: a township clerk registers a migrant, records her arrival and finds her again by
a homophone of her name (R1, R2, Q6-style same-sound search), in Debian's Chromium.

Screenshots: /tmp/liudong-e2e.png (1366x768 office screen) and /tmp/liudong-e2e-phone.png (390x844).
"""
import datetime
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT = "/tmp/liudong-e2e.png"
PHONE_SCREENSHOT = "/tmp/liudong-e2e-phone.png"


def _browser_or_fail():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing: no browser at {CHROMIUM}. Install Debian's package with `apt-get install -y chromium` (make system-deps does it).")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("The Python package playwright is missing: install the dev dependencies with `pip install -e '.[dev]'`.")
    return sync_playwright


def _reference_data():
    """The code list and policy values the migrations load. A transactional test before this one
    may have flushed them (TransactionTestCase empties every table), so load them again: both
    loaders skip what is there already."""
    import importlib

    from django.apps import apps

    for module in ("liudong.divisions.migrations.0002_load_official_codes", "liudong.policy.migrations.0002_national_2009_registry_values"):
        importlib.import_module(module).load(apps, None)


def _world():
    _reference_data()
    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff
    from liudong.divisions.models import Division
    from tests.conftest import NANSHAN, NANTOU, NANTOU_V1, NANTOU_V2, TONGJIANG, TONGJIANG_T, TONGJIANG_V, password

    for code, name, level, parent in [
        (NANTOU, "南头街道", 4, NANSHAN), (NANTOU_V1, "红花园社区", 5, NANTOU), (NANTOU_V2, "大汪山社区", 5, NANTOU),
        (TONGJIANG_T, "诺江镇", 4, TONGJIANG), (TONGJIANG_V, "诺江村", 5, TONGJIANG_T),
    ]:
        Division.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})
    clerk = Staff(username="clerk", role=Role.TOWNSHIP_CLERK, division_id=NANTOU, first_name="王芳")
    clerk.set_password(password())
    clerk.save()
    return clerk


def _log_in(page, base, username="clerk"):
    from tests.conftest import password

    page.goto(base + "/")
    assert "/login/" in page.url  # everything but the log-in page needs a login
    page.fill("#id_username", username)
    page.fill("#id_password", password())
    page.click("button[type=submit].primary")
    page.wait_for_url(base + "/")


def _page_as(browser, base, username, *, ignore_422=False):
    """A new context logged in as `username` (Chinese), its page, and the console errors it logs
    (with ignore_422, a form refused on purpose: the browser logs that status as an error)."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and not (ignore_422 and "status of 422" in m.text) else None)
    _log_in(page, base, username)
    return context, page, errors


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_register_arrival_and_same_sound_search(live_server, monkeypatch):
    sync_playwright = _browser_or_fail()
    # Playwright's sync API runs an event loop in this thread; the ORM calls made here are plain
    # synchronous code, so Django's async-safety guard stands aside for this test only (never
    # for the whole session: `check --deploy` rightly warns about the variable).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from liudong.people.models import Person, Residence
    from tests.conftest import NANTOU_V1, TODAY, TONGJIANG_V, make_id

    _world()
    id_number = make_id("511921", "19990315")
    arrived = (TODAY - datetime.timedelta(days=30)).isoformat()  # the suite's pinned day
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
            page = context.new_page()
            errors = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            _log_in(page, base)
            assert page.locator("h1").first.inner_text().startswith("南头街道")

            # Register the migrant (ID, name, hukou).
            page.click("nav.mainnav >> text=登记人员")
            page.fill("#id_id_number", id_number)
            page.fill("#id_name", "李娜")
            page.fill("#id_hukou_division", TONGJIANG_V)
            page.click("form.panel button[type=submit].primary")
            # Her hukou place is outside 南头: the page asks where she lives here (J2).
            page.wait_for_selector("h1:has-text('登记居住地')")
            assert "已登记 李娜" in page.inner_text(".messages")
            person = Person.objects.get(id_number=id_number)

            # Record her arrival in 红花园社区.
            page.select_option("#id_division", NANTOU_V1)
            page.fill("#id_address", "南头街道红花园1栋101")
            page.fill("#id_arrived_on", arrived)
            page.select_option("#id_reason", "work")
            page.click("button:has-text('登记流入')")
            page.wait_for_url(f"{base}/people/{person.pk}/")
            assert "已登记流入" in page.inner_text(".messages")
            assert "红花园社区" in page.inner_text("#now-h + dl")
            assert Residence.objects.filter(person=person, division_id=NANTOU_V1, left_on__isnull=True).exists()

            # Find her by a homophone: 李纳 sounds like 李娜 (li na).
            page.click("nav.mainnav >> text=人员查询")
            page.fill("#id_name", "李纳")
            page.select_option("#id_match", "same_sound")
            page.click("button:has-text('查询')")
            page.wait_for_selector("table.data")
            link = page.locator("table.data a", has_text="李娜")
            assert link.count() == 1
            assert "共找到 1 人" in page.inner_text("#results-h")
            page.screenshot(path=SCREENSHOT, full_page=True)
            link.click()
            page.wait_for_url(f"{base}/people/{person.pk}/")
            assert not [e for e in errors if "Content Security Policy" in e], errors
            context.close()

            # The same record on a phone.
            phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True)
            page = phone.new_page()
            _log_in(page, base)
            page.goto(f"{base}/people/{person.pk}/")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling of the page
            page.screenshot(path=PHONE_SCREENSHOT, full_page=True)
            phone.close()
        finally:
            browser.close()
    assert Person.objects.count() == 1
