"""Browser test (issue 15 part 4) in Debian's Chromium: a township clerk saves a column mapping for
another system's export in the mapping editor, imports that system's file on the import page with
the mapping chosen (one row a new person, one row held: it sounds as a registered person), takes
the held row as a new person on the batch's page, then rolls the batch back, and the registry is as
it was. Screenshot: /tmp/liudong-import-batch.png."""
import importlib

import pytest

from tests.e2e.test_register_and_find import CHROMIUM, CHROMIUM_ARGS, _browser_or_fail, _log_in, _reference_data

SCREENSHOT = "/tmp/liudong-import-batch.png"


def _world():
    _reference_data()
    from django.apps import apps

    importlib.import_module("liudong.quality.migrations.0009_import_rollback_policy").load(apps, None)
    from liudong.accounts.choices import Role
    from liudong.accounts.models import Staff
    from liudong.divisions.models import Division
    from tests.conftest import NANSHAN, NANTOU, NANTOU_V1, TONGJIANG, TONGJIANG_T, TONGJIANG_V, password

    for code, name, level, parent in [(NANTOU, "南头街道", 4, NANSHAN), (NANTOU_V1, "红花园社区", 5, NANTOU), (TONGJIANG_T, "诺江镇", 4, TONGJIANG),
                                      (TONGJIANG_V, "诺江村", 5, TONGJIANG_T)]:
        Division.objects.get_or_create(code=code, defaults={"name": name, "level": level, "parent_id": parent})
    clerk = Staff(username="clerk", role=Role.TOWNSHIP_CLERK, division_id=NANTOU)
    clerk.set_password(password())
    clerk.save()
    return clerk


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_R8_a_mapped_import_with_a_held_row_decided_and_the_batch_rolled_back(live_server, monkeypatch, tmp_path):
    sync_playwright = _browser_or_fail()
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from liudong.people import services
    from liudong.people.models import Person, Residence
    from liudong.quality.models import ImportBatch, ImportHold
    from tests.conftest import NANTOU_V1, TODAY, TONGJIANG_V, make_id

    clerk = _world()
    services.register_person(actor=clerk, data={"document_type": "passport", "document_number": "E7654321", "name": "王芳", "sex": "F", "birth_date": "1990-05-10",
                                                "hukou_division": TONGJIANG_V}, today=TODAY)
    before = (sorted(Person.objects.values_list("id", "name")), Residence.objects.count())
    export = tmp_path / "公安导出.csv"
    export.write_text("人员姓名,公民身份号码,户籍地行政区划,现住地行政区划,现住地址,来本地日期,备注\n"
                      f"汪芳,{make_id('511921', '19900510', 31)},{TONGJIANG_V},{NANTOU_V1},红花园1栋,2026-01-05,外系统\n"
                      f"张伟,{make_id('511921', '19880101', 11, False)},{TONGJIANG_V},{NANTOU_V1},红花园2栋,2026-02-01,外系统\n", encoding="utf-8")
    base = live_server.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
            _log_in(page, base, "clerk")
            # The mapping editor: a header the file will not have is accepted here (files differ),
            # then corrected.
            page.goto(base + "/quality/imports/")
            page.click("text=新建列映射")
            page.fill("#id_source", "公安人口系统")
            for field, header in (("name", "姓名"), ("id_number", "公民身份号码"), ("hukou_division", "户籍地行政区划"), ("division", "现住地行政区划"),
                                  ("address", "现住地址"), ("arrived_on", "来本地日期")):
                page.fill(f"#id_{field}", header)
            page.click("#mapping-form button[type=submit].primary")
            page.wait_for_url(base + "/quality/imports/")
            assert "公安人口系统" in page.inner_text("#mappings")

            # Imported with the mapping: its 姓名 column is missing, so the page names it and nothing is written.
            page.goto(base + "/people/import/")
            page.set_input_files("#id_file", str(export))
            page.select_option("#id_mapping", label="公安人口系统")
            page.click("form.panel button[type=submit].primary")
            page.wait_for_selector(".form-errors, .errorlist")
            assert "没有“姓名”列" in page.content() and not ImportBatch.objects.exists()
            page.goto(base + "/quality/imports/")
            page.click("#mappings >> text=公安人口系统")
            page.fill("#id_name", "人员姓名")
            page.click("#mapping-form button[type=submit].primary")
            page.wait_for_url(base + "/quality/imports/")

            page.goto(base + "/people/import/")
            page.set_input_files("#id_file", str(export))
            page.select_option("#id_mapping", label="公安人口系统")
            page.click("form.panel button[type=submit].primary")
            page.wait_for_url(base + "/people/import/result/")
            batch = ImportBatch.objects.get()
            assert (batch.created, batch.held, batch.source) == (1, 1, "公安人口系统")
            page.click(f"text=#{batch.pk}")
            page.wait_for_selector("#holds")
            assert page.inner_text("#count-held") == "1" and "汪芳" in page.inner_text("#holds")
            page.click("#holds >> text=新人员")
            page.wait_for_selector(".msg-success, .messages")
            assert ImportHold.objects.get().state == "new" and Person.objects.filter(name="汪芳").exists()
            page.screenshot(path=SCREENSHOT, full_page=True)
            page.click("#rollback-button")
            page.wait_for_selector("#rollback-report")
            assert (sorted(Person.objects.values_list("id", "name")), Residence.objects.count()) == before
        finally:
            browser.close()
