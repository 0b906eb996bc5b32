"""Q1-Q5, Q8, P1: the disclosure rules are the set `query-desk-2010`, in force for 北京 from
2010-09-09 and adopted by another province from a date of its choosing."""
import datetime

import pytest

from liudong.desk import rules
from liudong.policy.models import PolicyValue
from liudong.policy.rule_sets import QUERY_CATEGORIES
from liudong.policy.services import PolicyMissing, value, value_row

from .conftest import GUANGDONG

D = datetime.date
BEIJING_DESK = "110105000000"  # 朝阳区


@pytest.mark.django_db
def test_Q1_P1_the_set_is_in_force_for_beijing_from_2010_09_09_only():
    assert value("query_desk.categories", BEIJING_DESK, D(2010, 9, 9))[:3] == ["vetting", "official", "judicial"]
    with pytest.raises(PolicyMissing):
        value("query_desk.categories", BEIJING_DESK, D(2010, 9, 8))
    with pytest.raises(PolicyMissing):
        value("query_desk.categories", "440305000000", D(2026, 1, 1))
    assert rules.rule_set(BEIJING_DESK, D(2026, 1, 1)) == "query-desk-2010"


@pytest.mark.django_db
def test_Q8_P1_the_register_retention_moved_into_the_set():
    row = value_row("query_register_retention_days", BEIJING_DESK, D(2026, 1, 1))
    assert (row.value, row.rule_set, row.valid_from) == (730, "query-desk-2010", D(2010, 9, 9))
    assert "第十一条" in row.source
    assert not PolicyValue.objects.filter(name="query_register_retention_days", rule_set__in=["national-2009", "system-default"]).exists()


@pytest.mark.django_db
def test_Q1_P1_a_province_adopts_the_set_from_its_own_date(world):
    from liudong.policy.services import adopt_rule_set

    adopt_rule_set(actor=None, code="query-desk-2010", division_code=GUANGDONG, valid_from="2020-01-01")
    assert rules.in_force("440305000000", D(2020, 1, 1)) and not rules.in_force("440305000000", D(2019, 12, 31))
    assert value("query_register_retention_days", "440305000000", D(2020, 1, 1)) == 730


@pytest.mark.django_db
def test_Q5_excluded_categories_have_a_routing_and_nothing_else():
    for code in ("embassy", "media", "letter"):
        spec = rules.spec(BEIJING_DESK, D(2026, 1, 1), code)
        assert spec["routing"] and spec["fields"] == [] and spec["documents"] == []
    assert "外事" in QUERY_CATEGORIES["embassy"]["routing"] and "外宣" in QUERY_CATEGORIES["media"]["routing"] and "信访" in QUERY_CATEGORIES["letter"]["routing"]


@pytest.mark.django_db
def test_Q1_P1_a_city_adopts_the_set_from_the_command_line_from_its_own_date(world, capsys):
    """`liudong policy adopt query-desk-2010 --division 深圳 --from DATE`: the desk of 南山区 takes
    requests from that day, under the set's own retention, and not the day before."""
    from django.core.management import call_command

    call_command("policy", "adopt", "query-desk-2010", "--division", "440300000000", "--from", "2021-03-01")
    assert rules.in_force("440305000000", D(2021, 3, 1)) and not rules.in_force("440305000000", D(2021, 2, 28))
    assert not rules.in_force("440104000000", D(2026, 1, 1))  # 广州 did not adopt it
    assert rules.rule_set("440305000000", D(2026, 1, 1)) == "query-desk-2010"
    assert value("query_register_retention_days", "440305000000", D(2026, 1, 1)) == 730
