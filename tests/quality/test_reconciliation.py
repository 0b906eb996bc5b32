"""R9: a township's births of a month checked against the clinics' immunisation list and the
police's newborn registrations: what each side lacks becomes a to-do with its link; bad files are
refused whole with every bad row named, nothing written."""
import base64
import io

import pytest
from openpyxl import Workbook

from liudong.errors import Invalid
from liudong.quality import services_recon as recon
from liudong.quality.models import ColumnMapping, Reconciliation, ReconItem
from tests.conftest import NANTOU, NANTOU_V1, TODAY, TONGJIANG_V, make_id

from .conftest import api_client, post


def xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def babies(clerk):
    """Two children born in 南头 in 2026-10 are in the registry."""
    from liudong.people import services

    out = []
    for name, birth, seq in (("李小明", "20261003", 31), ("王小红", "20261015", 42)):
        p, _ = services.register_person(actor=clerk, data={"id_number": make_id("511921", birth, seq, female=seq % 2 == 0), "name": name, "hukou_division": TONGJIANG_V}, today=TODAY)
        services.record_arrival(actor=clerk, person=p, data={"division": NANTOU_V1, "address": "1栋", "arrived_on": f"{birth[:4]}-{birth[4:6]}-{birth[6:]}", "reason": "family"}, today=TODAY)
        out.append(p)
    return out


def run(clerk, rows, **data):
    f = io.BytesIO(xlsx(rows))
    return recon.reconcile(actor=clerk, data={"division": NANTOU, "period": "2026-10", "source": "immunisation", **data}, fileobj=f, file_name="list.xlsx", today=TODAY)


def test_R9_each_side_lacks_becomes_a_todo(clerk, babies):
    ming, hong = babies
    done = run(clerk, [["儿童姓名", "性别", "出生日期", "母亲姓名"],
                       ["李晓明", "男", "2026-10-03", "张丽"],   # a homophone of 李小明: the same child
                       ["赵新", "女", "2026/10/20", "赵敏"]])      # not in the registry
    items = {(i.side, i.name) for i in done.items.all()}
    assert items == {("source_only", "赵新"), ("registry_only", "王小红")}
    assert done.items.get(side="registry_only").person_id == hong.pk


def test_R9_bad_files_are_refused_whole(clerk, babies):
    before = (Reconciliation.objects.count(), ReconItem.objects.count(), ColumnMapping.objects.count())
    with pytest.raises(Invalid) as e:
        run(clerk, [["姓名", "性别", "出生日期"], ["赵新", "女", "2026-02-30"], ["钱一", "男", "2026-09-30"], ["", "女", "2026-10-01"]])
    messages = " ".join(e.value.errors["file"])
    assert "第2行" in messages and "第3行" in messages and "第4行" in messages
    with pytest.raises(Invalid) as e:
        run(clerk, [["姓名", "性别", "出生日期"], ["赵新", "女", "2026-10-01"]], mapping={"name": "婴儿", "sex": "性别", "birth_date": "出生日期"})
    assert "mapping.name" in e.value.errors
    with pytest.raises(Invalid) as e:
        run(clerk, [["姓名", "性别", "出生日期"]], period="2027-01")
    assert "period" in e.value.errors
    assert (Reconciliation.objects.count(), ReconItem.objects.count(), ColumnMapping.objects.count()) == before


def test_R9_a_mapping_is_saved_for_the_source_and_the_api(clerk, world, babies):
    rows = [["宝宝", "性别", "生日"], ["李小明", "男", "20261003"], ["王小红", "女", "20261015"]]
    mapping = {"name": "宝宝", "sex": "性别", "birth_date": "生日"}
    api = api_client(clerk)
    body = {"division": NANTOU, "period": "2026-10", "source": "police", "file_name": "police.xlsx", "data": base64.b64encode(xlsx(rows)).decode(), "mapping": mapping}
    r = post(api, "/api/v1/reconciliations", body)
    assert r.status_code == 201, r.content
    assert r.json()["rows"] == 2 and r.json()["items"] == []
    body.pop("mapping")
    body["data"] = base64.b64encode(xlsx(rows + [["孙一", "男", "2026-10-09"]])).decode()
    again = post(api, "/api/v1/reconciliations", body).json()  # the saved mapping is used
    assert [(i["side"], i["name"], i["href"]) for i in again["items"]] == [("source_only", "孙一", "/people/new/")]
    item = again["items"][0]["id"]
    assert post(api, f"/api/v1/reconciliations/items/{item}/resolve").json()["resolved_on"] == TODAY.isoformat()
    assert post(api, f"/api/v1/reconciliations/items/{item}/resolve").status_code == 422
    assert post(api_client(world["futian_clerk"]), f"/api/v1/reconciliations/items/{item}/resolve").status_code == 404
    bad = post(api, "/api/v1/reconciliations", {**body, "data": "not base64!"})
    assert bad.status_code == 422 and "data" in bad.json()["errors"]
