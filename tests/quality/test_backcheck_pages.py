"""R7 and R9 on the web: the back-check pages (draw with its seed shown, the same seed the same
items; items per collector; a result field by field; a spot check recorded as unannounced; error
rates per collector and per village as a table and a chart) and the births reconciliation pages
(upload, the differences as to-dos with their links; a bad file refused with field errors,
nothing written). Chinese by default, English when chosen."""
import io
import json
import re

import pytest
from django.test import Client

from liudong.quality.models import BackcheckDraw, BackcheckItem, ReconItem, Reconciliation
from tests.conftest import NANTOU, TODAY

from .test_backchecks import collected  # noqa: F401 - the fixture
from .test_reconciliation import babies, xlsx  # noqa: F401 - the fixture


@pytest.fixture
def web(clerk):
    c = Client()
    c.force_login(clerk)
    return c


def test_R7_the_draw_page_shows_the_seed_and_the_same_seed_shows_the_same_items(web, collected):
    page = web.get("/quality/backchecks/")
    assert page.status_code == 200 and "采集记录复核抽查" in page.content.decode()
    r = web.post("/quality/backchecks/", {"division": NANTOU, "period": "2026-11", "seed": "42"})
    assert r.status_code == 302
    first = BackcheckDraw.objects.get(seed=42)
    shown = web.get(r["Location"]).content.decode()
    assert '<strong class="mono" id="seed">42</strong>' in shown and "village_collector" in shown
    items = sorted(re.findall(r'data-person="(\d+)"', shown))
    assert items == sorted(str(i) for i in first.items.values_list("person_id", flat=True)) and items
    again = web.post("/quality/backchecks/", {"division": NANTOU, "period": "2026-11", "seed": "42"})
    assert again["Location"] == r["Location"]  # an inspector drawing again with the seed sees the same draw
    assert sorted(re.findall(r'data-person="(\d+)"', web.get(again["Location"]).content.decode())) == items
    # Bad input: a malformed month, a seed that is no number: field errors, nothing written.
    bad = web.post("/quality/backchecks/", {"division": NANTOU, "period": "2026-13", "seed": "x"})
    assert bad.status_code == 422 and 'data-field="period"' in bad.content.decode() and 'data-field="seed"' in bad.content.decode()
    assert BackcheckDraw.objects.count() == 1


def test_R7_a_result_field_by_field_a_spot_check_and_the_error_rates(web, collected):
    people, _ = collected
    web.post("/quality/backchecks/", {"division": NANTOU, "period": "2026-11", "seed": "7"})
    item = BackcheckItem.objects.filter(kind="sample").first()
    form = web.get(f"/quality/backchecks/items/{item.pk}/").content.decode()
    assert 'name="fields" value="phone"' in form and "联系电话" in form
    bad = web.post(f"/quality/backchecks/items/{item.pk}/", {"result": "corrected", "checked_on": "2026-11-20"})
    assert bad.status_code == 422 and 'data-field="fields"' in bad.content.decode()
    assert BackcheckItem.objects.get(pk=item.pk).result == ""
    ok = web.post(f"/quality/backchecks/items/{item.pk}/", {"result": "corrected", "fields": ["phone", "address"], "checked_on": "2026-11-20"})
    assert ok.status_code == 302
    item.refresh_from_db()
    assert (item.result, item.corrected_fields) == ("corrected", ["address", "phone"])
    wrong = web.post("/quality/backchecks/", {"act": "spot", "person_id": "99999999", "result": "correct", "checked_on": "2026-11-21"})
    assert wrong.status_code == 422 and 'data-field="person_id"' in wrong.content.decode() and not BackcheckItem.objects.filter(kind="spot").exists()
    spot = web.post("/quality/backchecks/", {"act": "spot", "person_id": str(people[5].pk), "result": "correct", "checked_on": "2026-11-21"})
    assert spot.status_code == 302
    assert BackcheckItem.objects.get(kind="spot").person_id == people[5].pk
    page = web.get("/quality/backchecks/").content.decode()
    rates = page[page.index('id="rates"'):]
    assert "village_collector" in rates and "50.0%" in rates  # two checked, one corrected
    chart = json.loads(re.search(r'data-chart-data="([^"]*)"', page).group(1).replace("&quot;", '"'))
    assert chart["periods"] == ["2026-11"] and chart["series"][0]["data"] == [50.0]
    by_village = web.get("/quality/backchecks/?by=village").content.decode()
    assert "红花园社区" in by_village[by_village.index('id="rates"'):]


def test_R7_the_pages_speak_english_when_chosen(web, collected):
    web.cookies["django_language"] = "en"
    page = web.get("/quality/backchecks/").content.decode()
    assert "Back-checks of collected records" in page and "采集记录复核抽查" not in page


def test_R9_upload_the_differences_as_todos_and_a_bad_file_writes_nothing(web, babies):
    listed = xlsx([["儿童姓名", "性别", "出生日期"], ["李小明", "男", "2026-10-03"], ["赵新", "女", "2026-10-20"]])
    upload = io.BytesIO(listed)
    upload.name = "list.xlsx"
    r = web.post("/quality/reconciliations/", {"division": NANTOU, "period": "2026-10", "source": "immunisation", "file": upload})
    assert r.status_code == 302
    page = web.get(r["Location"]).content.decode()
    assert "赵新" in page and "/people/new/" in page  # the list has her, the registry lacks her
    assert "王小红" in page and f"/people/{babies[1].pk}/" in page  # the registry has her, the list lacks her
    todo = ReconItem.objects.get(name="赵新")
    assert web.post(r["Location"], {"item": str(todo.pk)}).status_code == 302
    assert ReconItem.objects.get(pk=todo.pk).resolved_on == TODAY
    runs = Reconciliation.objects.count()
    bad = io.BytesIO(xlsx([["儿童姓名", "性别", "出生日期"], ["钱多", "女", "2026-02-30"], ["孙少", "男", "去年"]]))
    bad.name = "bad.xlsx"
    refused = web.post("/quality/reconciliations/", {"division": NANTOU, "period": "2026-10", "source": "police", "file": bad})
    html = refused.content.decode()
    assert refused.status_code == 422 and 'data-field="file"' in html and "第2行" in html and "第3行" in html
    assert Reconciliation.objects.count() == runs
    none = web.post("/quality/reconciliations/", {"division": NANTOU, "period": "2026-10", "source": "police"})
    assert none.status_code == 422 and Reconciliation.objects.count() == runs
