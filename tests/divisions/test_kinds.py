"""J2: the division tree knows which county-level divisions are districts (区) of a city, learnt
from the names when the code list is loaded, with a table of exceptions where the name misleads."""
import pytest

from liudong.divisions.codelists import load_division_rows
from liudong.divisions.kinds import EXCEPTIONS, Kind, kind_for
from liudong.divisions.models import Division


@pytest.mark.parametrize("code, kind", [
    ("440305000000", Kind.DISTRICT),   # 南山区 of 深圳市
    ("110101000000", Kind.DISTRICT),   # 东城区 of 北京 (the 市辖区 row of a 直辖市)
    ("310115000000", Kind.DISTRICT),   # 浦东新区: a 新区 that is a 市辖区
    ("610103000000", Kind.DISTRICT),   # 碑林区: ends in 林区 and is a district
    ("130107000000", Kind.DISTRICT),   # 井陉矿区
    ("500229000000", Kind.COUNTY),     # 城口县 of 重庆
    ("320581000000", Kind.COUNTY),     # 常熟市, a county-level city of 苏州
    ("150521000000", Kind.COUNTY),     # 科尔沁左翼中旗
    ("429021000000", Kind.COUNTY),     # 神农架林区: a 林区 under the province, not a district
    ("520203000000", Kind.COUNTY),     # 六枝特区
    ("441900000000", Kind.CITY),       # 东莞市, a city without districts
    ("442000000000", Kind.CITY), ("460400000000", Kind.CITY), ("620200000000", Kind.CITY),
    ("440300000000", ""), ("440000000000", ""),  # a city with districts, a province
])
def test_J2_shipped_divisions_know_their_kind(db, code, kind):
    assert Division.objects.get(code=code).kind == kind


def test_J2_every_shipped_county_level_division_has_a_kind(db):
    assert not Division.objects.filter(level=3, kind="").exists()
    assert set(EXCEPTIONS) <= set(Division.objects.values_list("code", flat=True))


def test_J2_kind_from_the_name_needs_a_city_above_a_district():
    assert kind_for("232701000000", "加格达奇区", 3, "大兴安岭地区") == Kind.COUNTY  # a 地区 is not a 设区的市
    assert kind_for("440399000000", "某某区", 3, "深圳市") == Kind.DISTRICT


def test_J2_loading_a_code_list_sets_the_kinds_and_a_rename_rederives_them(db):
    rows = [(2, "440397000000", "前海新区"), (3, "511924000000", "某某县")]
    load_division_rows(rows, edition="test")
    assert Division.objects.get(code="440397000000").kind == Kind.DISTRICT
    assert Division.objects.get(code="511924000000").kind == Kind.COUNTY
    # 撤县设区: the county is renamed a district of its city (巴中市).
    load_division_rows([(2, "511924000000", "某某区")], edition="test2")
    assert Division.objects.get(code="511924000000").kind == Kind.DISTRICT
