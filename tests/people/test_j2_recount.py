"""J2: records made under the earlier rule (another county = floating) are recounted by the
migration people 0005, which prints the counts before and after by county; imports decide
`floating` as the services do."""
import io

from django.db.models import Q

from liudong.divisions.models import Division
from liudong.people import services
from liudong.people.floating import recount
from liudong.people.imports import read_and_import
from liudong.people.imports import import_people
from liudong.people.models import Person, Residence
from tests.conftest import FUTIAN_V, NANTOU_V1, TODAY, TONGJIANG_V, make_id


def _register(actor, name, area, hukou, seq):
    person, _ = services.register_person(actor=actor, data={"id_number": make_id(area, "19900101", seq), "name": name, "hukou_division": hukou}, today=TODAY)
    return person


def test_J2_recount_corrects_old_records_and_prints_the_counts_by_county(world, migrant):
    clerk = world["township_clerk"]
    local = _register(clerk, "周敏", "440304", FUTIAN_V, 31)
    services.record_arrival(actor=clerk, person=local, data={"division": NANTOU_V1, "arrived_on": "2026-03-01"}, today=TODAY)
    # As recorded before the correction: 福田区 -> 南山区 counted as floating.
    Residence.objects.filter(person=local).update(floating=True)
    Person.objects.filter(pk=local.pk).update(floating=True)
    lines = []
    result = recount(Person, Residence, Division, out=lines.append)
    assert result == {"residences": 1, "people": 1}
    local.refresh_from_db()
    assert local.floating is False and not Residence.objects.filter(person=local, floating=True).exists()
    migrant.refresh_from_db()
    assert migrant.floating is True   # 通江县 -> 南山区 still counts
    text = "\n".join(lines)
    assert "440305 南山区: 流入 inflow 2 → 1; 流出 outflow 0 → 0" in text
    assert "440304 福田区: 流入 inflow 0 → 0; 流出 outflow 1 → 0" in text
    assert "511921" not in text   # a county whose counts did not change is not listed
    # Run again: nothing left to correct, nothing printed.
    lines.clear()
    assert recount(Person, Residence, Division, out=lines.append) == {"residences": 0, "people": 0} and lines == []


def test_J2_imports_decide_floating_as_the_services_do(world):
    clerk = world["township_clerk"]
    rows = [
        {"id_number": make_id("440304", "19900101", 41), "name": "周敏", "hukou_division": FUTIAN_V, "division": NANTOU_V1, "arrived_on": "2026-03-01", "reason": "work"},
        {"id_number": make_id("511921", "19900101", 43), "name": "吴芳", "hukou_division": TONGJIANG_V, "division": NANTOU_V1, "arrived_on": "2026-03-01",
         "reason": "visit", "expects_return": True},
        {"id_number": make_id("511921", "19900101", 45), "name": "李娜", "hukou_division": TONGJIANG_V, "division": NANTOU_V1, "arrived_on": "2026-03-01", "reason": "work"},
    ]
    import_people(actor=clerk, rows=rows, today=TODAY)
    floating = dict(Person.objects.values_list("name", "floating"))
    assert floating == {"周敏": False, "吴芳": False, "李娜": True}
    assert Residence.objects.get(person__name="吴芳").expects_return is True


def test_J2_an_import_file_reads_the_expected_return_column(world):
    header = "身份证号,姓名,户籍地代码,居住地代码,到达日期,流动原因,预期返回\n"
    body = f"{make_id('511921', '19900101', 47)},吴芳,{TONGJIANG_V},{NANTOU_V1},2026-03-01,探亲,是\n"
    result = read_and_import(actor=world["township_clerk"], fileobj=io.BytesIO((header + body).encode()), name="people.csv", today=TODAY)
    assert result.written and not result.bad_rows, result.messages
    assert Residence.objects.filter(Q(reason="visit") & Q(expects_return=True) & Q(floating=False)).count() == 1
