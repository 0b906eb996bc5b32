"""Issue 15 part 4: value mappings per source. A saved mapping may also list a source's own values
of a field (sex as 1/2, its own codes of education) as ours; a value of such a field it does not
list refuses its row with a field-level message naming the row, the column and the value, and
(without "good rows only") nothing is written. Edited on the mapping page and through the API."""
import base64
import io

import pytest
from django.test import Client

from liudong.errors import Invalid
from liudong.people.models import Person
from liudong.quality import services_imports as imports
from liudong.quality.models import ImportBatch
from tests.conftest import NANTOU_V1, TODAY, TONGJIANG_V, make_id

from .conftest import api_client, post

HEADER = "公民身份号码,人员姓名,性别代码,学历代码,户籍地行政区划,现住地行政区划,现住地址,来本地日期"
MAPPING = {"id_number": "公民身份号码", "name": "人员姓名", "sex": "性别代码", "education": "学历代码", "hukou_division": "户籍地行政区划",
           "division": "现住地行政区划", "address": "现住地址", "arrived_on": "来本地日期"}
VALUES = {"sex": {"1": "男", "2": "女"}, "education": {"A": "本科", "B": "30"}}


def csv_file(*lines) -> io.BytesIO:
    return io.BytesIO(("\n".join([HEADER, *lines]) + "\n").encode("utf-8"))


def line(id_number, name="李娜", sex="2", education="A"):
    return ",".join([id_number, name, sex, education, TONGJIANG_V, NANTOU_V1, "红花园1栋101", "2025-03-01"])


@pytest.fixture
def mapping(clerk):
    return imports.save_mapping(actor=clerk, data={"source": "卫健系统", "mapping": MAPPING, "values": VALUES}, today=TODAY)


def test_R8_a_sources_own_values_are_read_as_ours(clerk, mapping):
    assert mapping.values == {"sex": {"1": "M", "2": "F"}, "education": {"A": "20", "B": "30"}}  # kept as our codes
    result = imports.import_file(actor=clerk, fileobj=csv_file(line(make_id("511921", "19990315")), line(make_id("511921", "19880101", 11, False), name="张伟", sex="1", education="b")),
                                 name="卫健.csv", today=TODAY, mapping_id=mapping.pk)
    assert result.written and result.created == 2, result.messages
    assert sorted(Person.objects.values_list("name", "sex", "education")) == [("张伟", "M", "30"), ("李娜", "F", "20")]


def test_R8_a_value_the_mapping_does_not_list_refuses_the_row_naming_row_column_and_value_nothing_written(clerk, mapping):
    result = imports.import_file(actor=clerk, fileobj=csv_file(line(make_id("511921", "19990315")), line(make_id("511921", "19880101", 11, False), name="张伟", sex="男")),
                                 name="卫健.csv", today=TODAY, mapping_id=mapping.pk)
    assert not result.written and result.bad_rows == [3] and result.batch_id is None
    [message] = result.row_messages(3)
    zh, en = message.split(" / ")
    assert zh.startswith("第3行 性别：") and "性别代码" in zh and "'男'" in zh
    assert en.startswith("row 3 sex:") and "column “性别代码”" in en and "'男'" in en
    assert not Person.objects.exists() and not ImportBatch.objects.exists()


def test_R8_a_value_mapping_to_a_value_we_do_not_take_or_of_an_unmappable_field_is_refused_and_not_saved(clerk, mapping):
    with pytest.raises(Invalid) as e:
        imports.save_mapping(actor=clerk, data={"source": "民政系统", "mapping": MAPPING, "values": {"sex": {"1": "男", "9": "未知"}, "name": {"x": "y"}}}, today=TODAY)
    assert sorted(e.value.errors) == ["values.name", "values.sex"]
    assert "“9”" in e.value.errors["values.sex"][0]
    with pytest.raises(Invalid) as e:
        imports.save_mapping(actor=clerk, data={"source": "民政系统", "mapping": MAPPING, "values": {"sex": {"1": "男", " 1 ": "女"}}}, today=TODAY)
    assert list(e.value.errors) == ["values.sex"]
    assert not imports.usable_mappings(actor=clerk).filter(source="民政系统").exists()


def test_R8_value_mappings_through_the_api(clerk):
    client = api_client(clerk)
    r = post(client, "/api/v1/import-mappings", {"source": "卫健系统", "mapping": MAPPING, "values": VALUES})
    assert r.status_code == 201, r.content
    assert r.json()["values"] == {"sex": {"1": "M", "2": "F"}, "education": {"A": "20", "B": "30"}}
    r = client.put(f"/api/v1/import-mappings/{r.json()['id']}", data={"source": "卫健系统", "mapping": MAPPING, "values": {"sex": {"1": "M", "2": "X"}}},
                   content_type="application/json")
    assert r.status_code == 422 and list(r.json()["errors"]) == ["values.sex"]
    data = base64.b64encode(csv_file(line(make_id("511921", "19990315"), sex="3")).getvalue()).decode()
    mapping_id = client.get("/api/v1/import-mappings").json()["results"][0]["id"]
    r = post(client, "/api/v1/imports", {"file_name": "a.csv", "data": data, "mapping_id": mapping_id})
    assert r.status_code == 422 and any("性别代码" in m and "'3'" in m for m in r.json()["errors"]["rows"])
    assert not Person.objects.exists()


def test_R8_the_mapping_page_edits_value_mappings(clerk, mapping):
    client = Client()
    client.force_login(clerk)
    page = client.get(f"/quality/import-mappings/{mapping.pk}/")
    assert page.status_code == 200 and "1 = M" in page.content.decode()
    form = {"source": "卫健系统", **MAPPING, "values_sex": "1 = 男\n2 = 女\n9 = 女", "values_education": ""}
    r = client.post(f"/quality/import-mappings/{mapping.pk}/", form)
    assert r.status_code == 302
    mapping.refresh_from_db()
    assert mapping.values == {"sex": {"1": "M", "2": "F", "9": "F"}}
    r = client.post(f"/quality/import-mappings/{mapping.pk}/", {**form, "values_sex": "1 = 男\n2 = 火星人"})
    assert r.status_code == 422 and "火星人" in r.content.decode()
    mapping.refresh_from_db()
    assert mapping.values == {"sex": {"1": "M", "2": "F", "9": "F"}}
