"""B4: a refusal prints the written reasons for the applicant: a real PDF in Chinese with the case
number, the date, the reasons, the rule set and its source, how to appeal, and a stamp line.
Printing names her, so it is logged with her person id (invariant 3)."""
import io
import re

import pytest
from pypdf import PdfReader

from liudong.accounts.models import AuditEvent
from liudong.cases import documents, services
from liudong.errors import NotFound
from tests.cases.conftest import DOCUMENTS, decide, open_birth
from tests.conftest import TODAY


def pdf_text(data: bytes) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


@pytest.fixture
def refused(world, woman_2014):
    clerk = world["township_clerk"]
    case = open_birth(clerk, woman_2014, "2015-12-01", child=2, documents=DOCUMENTS)
    reason = services.registration_check(case)["refusal_reason"]
    decide(clerk, case, "refuse", "2015-12-02", reasons=reason + "\n申请材料中的婚育情况证明未载明第一孩出生日期。")
    case.refresh_from_db()
    return case


def test_the_refusal_letter_is_a_pdf_with_the_reasons(world, refused, woman_2014):
    data, disposition = documents.refusal_letter(actor=world["township_clerk"], case_id=refused.pk, printed_on=TODAY)
    assert data.startswith(b"%PDF")
    assert disposition.startswith('inline; filename="refusal-') and "filename*=UTF-8''" in disposition
    text = pdf_text(data)
    for expected in ("不予登记告知书", "广东省深圳市南山区南头街道", refused.number, woman_2014.name, woman_2014.id_number,
                     "2015年12月1日", "2015年12月2日", "生育服务登记限于第1孩以内", "再生育审批", "未载明第一孩出生日期",
                     "national-2009", "国务院令第555号", "行政复议", "行政诉讼", "六十日", "六个月", "南山区人民政府", "南头街道（盖章）", "签收"):
        assert expected in text, expected
    event = AuditEvent.objects.get(action="birth.refusal_letter")
    assert event.person_id == woman_2014.pk and event.object_id == str(refused.pk)


def test_no_letter_for_a_case_not_refused_nor_outside_the_scope(world, migrant, refused):
    clerk = world["township_clerk"]
    pending = open_birth(clerk, migrant, "2026-02-12")
    with pytest.raises(NotFound):
        documents.refusal_letter(actor=clerk, case_id=pending.pk, printed_on=TODAY)
    with pytest.raises(NotFound):
        documents.refusal_letter(actor=world["shekou_clerk"], case_id=refused.pk, printed_on=TODAY)
    assert not AuditEvent.objects.filter(action="birth.refusal_letter").exists()


def _refused_on(clerk, woman, received: str, decided: str):
    case = open_birth(clerk, woman, received, child=2, documents=DOCUMENTS)
    decide(clerk, case, "refuse", decided, reasons=services.registration_check(case)["refusal_reason"])
    case.refresh_from_db()
    return case


def test_B4_the_letters_lawsuit_limit_is_the_one_in_force_on_the_decision_date(world, woman_2014):
    """行政诉讼法: 3 months to sue before 2015-05-01, 6 months from then; review 60 days (P1 values,
    not template text)."""
    clerk = world["township_clerk"]
    before = documents.refusal_html(_refused_on(clerk, woman_2014, "2015-04-28", "2015-04-30"), printed_on=TODAY)
    assert "之日起六十日内" in before and "之日起三个月内" in before and "六个月" not in before
    after = documents.refusal_html(_refused_on(clerk, woman_2014, "2015-04-28", "2015-05-04"), printed_on=TODAY)
    assert "之日起六十日内" in after and "之日起六个月内" in after and "三个月" not in after


def test_B4_a_province_that_sets_its_own_limit_gets_it_on_the_letter(world, woman_2014):
    from liudong.policy.services import set_value

    set_value(actor=None, name="remedies.review_days", raw_value="90", division_code="440000000000", valid_from="2015-01-01", source="测试：广东省另行规定 / test override")
    html = documents.refusal_html(_refused_on(world["township_clerk"], woman_2014, "2015-04-28", "2015-04-30"), printed_on=TODAY)
    assert "之日起九十日内" in html and "六十日" not in html


def test_B4_chinese_numbers_of_the_limits():
    assert [documents.chinese_number(n) for n in (3, 6, 10, 15, 60, 90, 99, 100)] == ["三", "六", "十", "十五", "六十", "九十", "九十九", "100"]
