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
    data, disposition = documents.refusal_letter(world["township_clerk"], refused.pk, printed_on=TODAY)
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
        documents.refusal_letter(clerk, pending.pk, printed_on=TODAY)
    with pytest.raises(NotFound):
        documents.refusal_letter(world["shekou_clerk"], refused.pk, printed_on=TODAY)
    assert not AuditEvent.objects.filter(action="birth.refusal_letter").exists()
