"""Browser tests (issue 15, R8 with part 4, R6) in Debian's Chromium: a township clerk finds an
import's held row in the duplicates page's own list and takes it as a new person there; a rental
home a collector registered shows its form's review state and signatures on its own page.
Screenshots: /tmp/liudong-held-rows.png, /tmp/liudong-home-review.png."""
import importlib

import pytest

from tests.e2e.test_register_and_find import CHROMIUM, CHROMIUM_ARGS, _browser_or_fail, _log_in

from .test_browser import _world as review_world


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_R8_a_held_import_row_is_decided_from_the_duplicates_page(live_server, monkeypatch):
    sync_playwright = _browser_or_fail()
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.apps import apps

    from liudong.accounts.models import Staff
    from liudong.people import services
    from liudong.people.models import Person
    from liudong.quality import services_imports as imports
    from liudong.quality.models import ImportHold
    from tests.conftest import NANTOU_V1, TODAY, TONGJIANG_V, make_id

    from .test_imports import MAPPING, csv_file, line

    review_world()
    importlib.import_module("liudong.quality.migrations.0009_import_rollback_policy").load(apps, None)
    clerk = Staff.objects.get(username="clerk")
    services.register_person(actor=clerk, data={"document_type": "passport", "document_number": "E7654321", "name": "王芳", "sex": "F", "birth_date": "1990-05-10",
                                                "hukou_division": TONGJIANG_V}, today=TODAY)
    mapping = imports.save_mapping(actor=clerk, data={"source": "公安人口系统", "mapping": MAPPING}, today=TODAY)
    row = line(make_id("511921", "19900510", 31), name="汪芳", birth="1990-05-10", division=NANTOU_V1, address="红花园2栋", arrived="2026-01-05")
    imports.import_file(actor=clerk, fileobj=csv_file(row), today=TODAY, mapping_id=mapping.pk)
    hold = ImportHold.objects.get()
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
            _log_in(page, base, "clerk")
            page.goto(base + "/quality/duplicates/")
            held = page.locator(f'#held tr[data-hold="{hold.pk}"]')
            assert "汪芳" in held.inner_text() and "导入待定行" in page.content()
            page.screenshot(path="/tmp/liudong-held-rows.png", full_page=True)
            held.locator("button", has_text="新人员").click()
            page.wait_for_load_state()
            assert page.locator("#held").count() == 0
        finally:
            browser.close()
    hold.refresh_from_db()
    assert hold.state == "new" and Person.objects.get(pk=hold.person_id).name == "汪芳"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_R6_a_rental_homes_page_shows_its_review_state(live_server, monkeypatch):
    sync_playwright = _browser_or_fail()
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.utils import timezone

    from liudong.accounts.models import Staff
    from liudong.people import services, services_places
    from liudong.quality import services_reviews as reviews
    from liudong.quality.models import Review
    from tests.conftest import NANTOU_V1, TODAY, make_id

    review_world()
    staff = {s.username: s for s in Staff.objects.all()}
    owner, _ = services.register_person(actor=staff["clerk"], data={"id_number": make_id("440305", "19600101", 20), "name": "房东", "hukou_division": NANTOU_V1},
                                        today=TODAY)
    home = services_places.register_housing(actor=staff["collector"], data={"division": NANTOU_V1, "address": "红花园9栋", "owner_id": owner.pk}, today=TODAY)
    form = Review.objects.get(object_type="housing", object_id=home.pk)
    reviews.sign(actor=staff["cadre"], review_id=form.pk, decision="approve", today=TODAY, now=timezone.now())
    reviews.sign(actor=staff["police"], review_id=form.pk, decision="return", reason="房主电话缺失", today=TODAY, now=timezone.now())
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
            _log_in(page, base, "clerk")
            page.goto(base + f"/housing/{home.pk}/")
            panel = page.locator(f'#review-states li[data-review="{form.pk}"]')
            text = panel.inner_text()
            assert "退回原因：房主电话缺失" in text and "cadre" in text and "police" in text
            assert panel.locator(".signer").count() == 2
            page.screenshot(path="/tmp/liudong-home-review.png", full_page=True)
        finally:
            browser.close()
