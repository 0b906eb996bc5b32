"""P1 (issue 8): every shipped value names the rule it carries out, and no value cites a text
written after the value came into force."""
import datetime
import re

import pytest

from liudong.policy.models import PolicyValue
from liudong.policy.services import value, value_row
from tests.conftest import NANTOU

D = datetime.date
YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


@pytest.mark.django_db
def test_P1_C6_hand_in_and_obtain_periods_name_C6_not_C2():
    """C2 is the family member applying for a woman already gone (1-四-(二)-2); the 30-day hand-in
    and the 3-month order to obtain one are the residence side's check (C6, 条例 第八条)."""
    for name in ("certificate.hand_in_days", "certificate.obtain_months"):
        source = value_row(name, NANTOU, D(2012, 1, 1)).source
        assert source.startswith("C6") and "C2" not in source, source


@pytest.mark.django_db
def test_P1_C3_three_year_term_is_credited_to_the_2009_norms_not_the_regulation():
    source = value_row("certificate.term_years", NANTOU, D(2012, 1, 1)).source
    assert source.startswith("C3") and "国人口发〔2009〕49号 1-四-(二)-3" in source and "555" not in source


@pytest.mark.django_db
def test_P1_notices_that_need_no_answer_say_it_is_the_systems_choice():
    """The seed sets no answer period for a notification or a contraception report: the null is a
    system default, and S2 is the report itself (1-五-(三)-4), not the no-answer rule."""
    for name in ("exchange.reply_days.notification", "exchange.reply_days.contraception_report", "exchange.reply_days.policy_notice"):
        assert "本系统默认" in value_row(name, NANTOU, D(2012, 1, 1)).source, name


@pytest.mark.django_db
def test_P1_no_value_cites_a_text_written_after_it_came_into_force():
    """No anachronistic source: the years a source names are not later than the year its value
    starts (a 2009 value citing the Beijing police's 2010 query rules was one)."""
    late = []
    for row in PolicyValue.objects.all():
        years = [int(y) for y in YEAR.findall(row.source)]
        if years and max(years) > row.valid_from.year:
            late.append((row.name, row.rule_set, str(row.valid_from), row.source))
    assert late == []


@pytest.mark.django_db
def test_P1_query_register_retention_is_a_value_of_the_query_desk_set_from_the_day_the_beijing_rules_were_issued():
    """Issue 12: the 2-year retention (第十一条) moved from a nation-wide system default into the set
    query-desk-2010, in force for 北京 from 2010-09-09; elsewhere it comes with the set's adoption."""
    row = value_row("query_register_retention_days", "110105000000", D(2026, 1, 1))
    assert (row.value, row.rule_set, row.valid_from) == (730, "query-desk-2010", D(2010, 9, 9))
    assert "第十一条" in row.source
    assert not PolicyValue.objects.filter(name="query_register_retention_days", rule_set__in=["national-2009", "system-default"]).exists()


@pytest.mark.django_db
def test_B4_review_and_lawsuit_limits_are_dated_values():
    """行政诉讼法 (1989) 第三十九条: 3 months; as amended, from 2015-05-01, 第四十六条: 6 months.
    行政复议法: 60 days, before and after its 2024 revision."""
    assert [value("remedies.lawsuit_months", NANTOU, d) for d in (D(2009, 10, 1), D(2015, 4, 30), D(2015, 5, 1), D(2026, 1, 1))] == [3, 3, 6, 6]
    assert [value("remedies.review_days", NANTOU, d) for d in (D(2009, 10, 1), D(2023, 12, 31), D(2024, 1, 1))] == [60, 60, 60]
    assert "第四十六条" in value_row("remedies.lawsuit_months", NANTOU, D(2015, 5, 1)).source
    assert "第三十九条" in value_row("remedies.lawsuit_months", NANTOU, D(2015, 4, 30)).source
