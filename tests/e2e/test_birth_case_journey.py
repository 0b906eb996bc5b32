"""Browser test of journey step 4 (B1-B5, X1-X5): the residence township records a first-child birth
service registration, the verification request reaches the hukou township's inbox across the
National Day holiday, the hukou clerk answers it, and the residence clerk registers the birth and
sees the notification opened. Debian's Chromium via Playwright; the pages' clock is fixed at
2026-09-28 10:00 (invariant 4), so the deadlines are known.

Screenshot: /tmp/liudong-e2e-exchange.png (the hukou township's inbox).
"""
import datetime
import importlib

import pytest
from django.utils import timezone

from tests.e2e.test_register_and_find import CHROMIUM, CHROMIUM_ARGS, _browser_or_fail, _log_in

SCREENSHOT = "/tmp/liudong-e2e-exchange.png"
MOMENT = timezone.make_aware(datetime.datetime(2026, 9, 28, 10, 0))


def _reference_data():
    """What the migrations load (division codes, policy sets, the calendar): a transactional test
    before this one may have flushed it."""
    from django.apps import apps

    from liudong.policy.models import CalendarYear, PolicyValue

    importlib.import_module("liudong.divisions.migrations.0002_load_official_codes").load(apps, None)
    if not PolicyValue.objects.exists():
        importlib.import_module("liudong.policy.migrations.0002_national_2009_registry_values").load(apps, None)
        importlib.import_module("liudong.policy.migrations.0005_rule_sets").load(apps, None)
    if not CalendarYear.objects.exists():
        importlib.import_module("liudong.policy.migrations.0004_seed_calendar_2004_2026").seed(apps, None)


def _world():
    _reference_data()
    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff
    from liudong.divisions.models import Division
    from liudong.people import services
    from tests.conftest import NANSHAN, NANTOU, NANTOU_V1, TODAY, TONGJIANG, TONGJIANG_T, TONGJIANG_V, make_id, password

    for code, name, level, parent in [
        (NANTOU, "南头街道", 4, NANSHAN), (NANTOU_V1, "红花园社区", 5, NANTOU),
        (TONGJIANG_T, "诺江镇", 4, TONGJIANG), (TONGJIANG_V, "诺江村", 5, TONGJIANG_T),
    ]:
        Division.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})
    staff = {}
    for username, code in (("clerk", NANTOU), ("hukou", TONGJIANG_T)):
        s = Staff(username=username, role=Role.TOWNSHIP_CLERK, division_id=code)
        s.set_password(password())
        s.save()
        staff[username] = s
    couple = []
    for name, birth, female in (("李娜", "19990315", True), ("张伟", "19970704", False)):
        person, _ = services.register_person(actor=staff["clerk"], data={"id_number": make_id("511921", birth, female=female), "name": name, "hukou_division": TONGJIANG_V}, today=TODAY)
        services.record_arrival(actor=staff["clerk"], person=person, data={"division": NANTOU_V1, "address": "红花园1栋101", "arrived_on": "2025-03-01", "reason": "work"}, today=TODAY)
        couple.append(person)
    return staff, couple


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_birth_registration_through_verification_to_notification(live_server, monkeypatch):
    sync_playwright = _browser_or_fail()
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # see test_register_and_find
    for module in ("liudong.cases.views", "liudong.exchange.views"):
        monkeypatch.setattr(f"{module}.now", lambda: MOMENT)
    for module in ("liudong.cases.views", "liudong.exchange.views", "liudong.people.views"):
        monkeypatch.setattr(f"{module}.today", lambda: MOMENT.date())
    from liudong.cases.models import BirthRegistration
    from liudong.exchange.models import Kind, Message, State
    from tests.conftest import NANTOU, TONGJIANG_T

    staff, (woman, husband) = _world()
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
            page = context.new_page()
            errors = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

            # B1, B2: the residence township records the application; the requests go out at once.
            _log_in(page, base, "clerk")
            page.goto(base + "/cases/birth/new/")
            page.fill("#id_woman", str(woman.pk))
            page.fill("#id_husband", str(husband.pk))
            page.fill("#id_received_on", "2026-09-28")
            page.fill("#id_child_order", "1")
            for value in ("woman_id", "husband_id", "marriage", "commitment"):
                box = page.locator(f"input[name=documents][value={value}]")
                if box.count():
                    box.check()
            page.click("form.panel button[type=submit].primary")
            case = BirthRegistration.objects.get()
            page.wait_for_url(f"{base}/cases/birth/{case.pk}/")
            request = Message.objects.get(kind=Kind.VERIFICATION, receiver_id=TONGJIANG_T)
            # B3, X4: 15 working days after 9-28, across National Day (10-01..07, make-up Sat 10-10).
            assert request.state == State.SENT and request.reply_due_on == datetime.date(2026, 10, 23)
            context.clear_cookies()

            # The hukou township sees it in its inbox and answers it.
            _log_in(page, base, "hukou")
            page.goto(base + "/exchange/")
            assert "李娜" in page.inner_text("main")
            page.screenshot(path=SCREENSHOT, full_page=True)
            page.goto(f"{base}/exchange/{request.pk}/")
            assert "2026-10-23" in page.inner_text("main")
            page.fill("#reply_body", "经核实：李娜已婚，现有子女0个，情况属实。")
            page.click("form[action$='/reply/'] button[type=submit]")
            request.refresh_from_db()
            page.wait_for_url(f"{base}/exchange/{request.reply.pk}/")   # the answer, a message back to 南头
            assert request.state == State.ANSWERED and request.answered_on == MOMENT.date()
            context.clear_cookies()

            # B4, B5: two days later the residence clerk registers the birth; notifications are opened.
            later = MOMENT + datetime.timedelta(days=2)
            for module in ("liudong.cases.views", "liudong.exchange.views"):
                monkeypatch.setattr(f"{module}.now", lambda: later)
            for module in ("liudong.cases.views", "liudong.exchange.views", "liudong.people.views"):
                monkeypatch.setattr(f"{module}.today", lambda: later.date())
            _log_in(page, base, "clerk")
            page.goto(f"{base}/cases/birth/{case.pk}/")
            page.select_option("#id_decision", "register")
            page.fill("#id_decided_on", "2026-09-30")
            page.click("form[action$='/decide/'] button[type=submit]")
            page.wait_for_url(f"{base}/cases/birth/{case.pk}/")
            case.refresh_from_db()
            assert case.state == "registered"
            notices = Message.objects.filter(kind=Kind.NOTIFICATION, sender_id=NANTOU, case_id=case.pk)
            assert notices.exists()
            # B5, X4: 15 working days after 9-30: 10-08, 10-09, 10-10 (make-up Saturday), 10-12..16,
            # 10-19..23, 10-26, 10-27.
            assert {n.send_due_on for n in notices} == {datetime.date(2026, 10, 27)}
            assert not [e for e in errors if "Content Security Policy" in e], errors
            context.close()
        finally:
            browser.close()
