"""Browser tests of issue 9 ("a clerk's day without friction"), one per item, in Debian's Chromium.

Screenshots at 1366x768 and 390x844 go to /tmp/liudong-e2e-clerk9-*.png (looked at, never committed).
The live server needs what the migrations load (codes, rule sets, the follow-up interval, the
calendar) while a transactional test before may have emptied the tables: `_reference_data` loads
them again (every loader below skips what is there).
"""
import pytest

from tests.e2e import test_register_and_find as register_and_find
from tests.e2e.test_register_and_find import CHROMIUM, CHROMIUM_ARGS, _browser_or_fail, _log_in

SHOTS = "/tmp/liudong-e2e-clerk9-{name}-{size}.png"


def _reference_data():
    import importlib

    from django.apps import apps

    from liudong.policy.models import CalendarYear

    def migration(app, name):
        return importlib.import_module(f"liudong.{app}.migrations.{name}")

    migration("divisions", "0002_load_official_codes").load(apps, None)
    migration("policy", "0002_national_2009_registry_values").load(apps, None)
    migration("policy", "0005_rule_sets").load(apps, None)
    migration("policy", "0007_system_default_claim_days").load(apps, None)
    migration("policy", "0008_r2_quarterly_check_r5_2016_definition").forward(apps, None)
    if not CalendarYear.objects.exists():
        migration("policy", "0004_seed_calendar_2004_2026").seed(apps, None)


def _world():
    _reference_data()
    return register_and_find._world()


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


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_item6_X3_the_inbox_separates_what_to_answer_from_what_to_sign_for(live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from liudong.accounts.choices import Role
    from liudong.exchange import services
    from liudong.exchange.models import State
    from tests.conftest import NANTOU_V1, TONGJIANG_T
    from tests.exchange.helpers import at

    clerk = _world()
    hukou = _staff("hukou", Role.TOWNSHIP_CLERK, TONGJIANG_T)
    person = _migrant(clerk, "李娜", 11, NANTOU_V1, "2025-03-01")

    def send(kind, subject, day):
        return services.send_message(actor=clerk, data={"kind": kind, "topic": "births", "receiver": TONGJIANG_T, "person": person.pk, "subject": subject}, now=at(day))

    send("verification", "核实甲", "2026-11-02")
    send("verification", "核实乙", "2026-11-20")
    notice = send("notification", "通报甲", "2026-11-25")
    assert hukou

    def visit(page, base, size):
        page.goto(base + "/exchange/")
        parts = page.locator("nav.box-parts a")
        assert parts.nth(0).inner_text().split() == ["待反馈", "2"] and parts.nth(1).inner_text().split() == ["待签收", "1"]
        subjects = page.locator("table.data tbody td:nth-child(4)").all_inner_texts()
        assert subjects == ["核实甲", "核实乙"]                       # nearest deadline first
        page.screenshot(path=SHOTS.format(name="item6-answer", size=size), full_page=True)
        parts.nth(1).click()
        page.wait_for_url("**part=sign**")
        assert page.locator("table.data tbody td:nth-child(4)").all_inner_texts() == ["通报甲"]
        page.screenshot(path=SHOTS.format(name="item6-sign", size=size), full_page=True)
        if size == "phone":  # the second pass: sign for it
            page.click("table.data a:has-text('通报甲')")
            page.click("button:has-text('签收')")
            page.wait_for_selector(".messages")
            page.goto(base + "/exchange/?part=sign")
            assert page.locator("nav.box-parts a").nth(1).inner_text().split() == ["待签收", "0"]

    _browse(live_server, "hukou", visit)
    notice.refresh_from_db()
    assert notice.state == State.CLOSED


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_item7_J1_a_division_is_picked_by_name_or_pinyin(live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from liudong.accounts.choices import Role
    from liudong.people.models import Person, Residence
    from tests.conftest import NANTOU_V1, TONGJIANG_V, make_id

    _world()
    _staff("collector", Role.VILLAGE_COLLECTOR, NANTOU_V1)
    numbers = iter([make_id("511921", "19990315", 31), make_id("511921", "19990315", 33)])

    def visit(page, base, size):
        page.goto(base + "/people/new/")
        page.fill("#id_id_number", next(numbers))
        page.fill("#id_name", "李娜" if size == "desktop" else "王芳")
        hukou = page.locator("#id_hukou_division")
        hukou.press_sequentially("nuojiangcun", delay=20)            # pinyin of 诺江村
        option = page.locator(".division-pick-list li[role=option]").first
        option.wait_for()
        assert "四川省巴中市通江县诺江镇诺江村" in option.inner_text() and TONGJIANG_V in option.inner_text()
        page.screenshot(path=SHOTS.format(name="item7-picker", size=size), full_page=False)
        option.click()
        assert hukou.input_value() == TONGJIANG_V
        assert page.locator(".division-pick-name").first.inner_text() == "四川省巴中市通江县诺江镇诺江村"
        page.click("form.panel button[type=submit].primary")
        page.wait_for_selector("h1:has-text('登记居住地')")
        # The arrival form starts on the collector's own community.
        assert page.locator("#id_division").input_value() == NANTOU_V1
        page.fill("#id_address", "南头街道红花园1栋101")
        page.click("button:has-text('登记流入')")
        page.wait_for_url("**/people/*/")
        page.screenshot(path=SHOTS.format(name="item7-arrived", size=size), full_page=True)

    _browse(live_server, "collector", visit)
    assert Person.objects.filter(hukou_division_id=TONGJIANG_V).count() == 2
    assert Residence.objects.filter(division_id=NANTOU_V1).count() == 2


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_item8_print_list_search_both_sides_wide_answer_and_readable_registers(live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from liudong.accounts.choices import Role
    from liudong.accounts.models import AuditEvent
    from liudong.exchange import services
    from liudong.people import services_places
    from tests.conftest import NANSHAN, NANTOU_V1, TODAY, TONGJIANG_T
    from tests.exchange.helpers import at

    clerk = _world()
    hukou = _staff("hukou", Role.TOWNSHIP_CLERK, TONGJIANG_T)
    _staff("officer", Role.COUNTY_OFFICER, NANSHAN)
    person = _migrant(clerk, "李娜", 11, NANTOU_V1, "2025-03-01", "南头街道红花园社区深南大道213号10栋2007室")
    owner = _migrant(clerk, "郑国强", 13, NANTOU_V1, "2024-03-01")
    for address in ("红花园3栋101", "大汪山5栋202"):
        services_places.register_housing(actor=clerk, data={"division": NANTOU_V1, "address": address, "owner_id": owner.pk, "registered_on": "2025-01-01"}, today=TODAY)
    request = services.send_message(actor=clerk, data={"kind": "verification", "topic": "births", "receiver": TONGJIANG_T, "person": person.pk, "subject": "核实李娜婚育情况"}, now=at("2026-11-20"))
    assert hukou

    def township(page, base, size):
        # The print view of her record, from the record's print button; logged as a print.
        page.goto(f"{base}/people/{person.pk}/")
        page.click(".head-actions a:has-text('打印')")
        page.wait_for_url(f"{base}/people/{person.pk}/print/")
        assert page.locator("button[data-print]").is_visible()          # the script shows the button
        assert "深南大道213号10栋2007室" in page.inner_text(".print-sheet") and "流动人口个人档案" in page.inner_text("h1")
        page.screenshot(path=SHOTS.format(name="item8-print", size=size), full_page=True)
        # The rental homes list searched by address.
        page.goto(f"{base}/housing/")
        page.fill("#list-q", "大汪山")
        page.click(".list-search button")
        page.wait_for_url("**q=**")
        assert page.locator("table.data tbody tr").all_inner_texts()[0].find("大汪山5栋202") >= 0 and page.locator("table.data tbody tr").count() == 1
        page.screenshot(path=SHOTS.format(name="item8-housing-search", size=size), full_page=True)
        # The register's addresses are not squeezed: the address column is at least 14 characters wide.
        page.goto(f"{base}/registers/?kind=inflow&division=440305001000&start=2024-01-01&end={TODAY.isoformat()}&show=1")
        cell = page.locator("table.register-table td.wide-text").first
        assert cell.bounding_box()["width"] >= 14 * 13
        page.screenshot(path=SHOTS.format(name="item8-register", size=size), full_page=True)

    _browse(live_server, "clerk", township)
    assert AuditEvent.objects.filter(action="person.print", person_id=person.pk).count() == 2

    def receiver(page, base, size):
        # The answer box takes the form's width.
        page.goto(f"{base}/exchange/{request.pk}/")
        box, form = page.locator("#reply_body").bounding_box(), page.locator("#reply_body").locator("xpath=ancestor::form").bounding_box()
        assert box["width"] >= form["width"] * 0.9
        page.screenshot(path=SHOTS.format(name="item8-answer", size=size), full_page=True)

    _browse(live_server, "hukou", receiver)

    def officer(page, base, size):
        page.goto(f"{base}/timeliness/?start=2026-01-01&end={TODAY.isoformat()}")
        captions = page.locator(".tl-figure figcaption").all_inner_texts()
        assert captions == ["作为收函方", "作为发函方"]
        page.screenshot(path=SHOTS.format(name="item8-timeliness", size=size), full_page=True)

    _browse(live_server, "officer", officer)
