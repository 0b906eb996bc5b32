"""R3: the printed (PDF) and exported (.xlsx) registers, and their audit (invariant 3)."""
import io
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from liudong.accounts.models import AuditEvent
from liudong.content_types import XLSX_TYPE
from liudong.errors import Denied, Invalid
from liudong.registers import documents
from tests.conftest import NANTOU, NANTOU_V1, TODAY, TONGJIANG_T
from tests.registers.conftest import PERIOD


def export(actor, fmt, kind="inflow", division=NANTOU, **period):
    return documents.export(actor=actor, kind=kind, division=division, **{**PERIOD, **period}, fmt=fmt, generated_on=TODAY)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_xlsx_has_title_header_and_rows(clerk, people):
    req, data, content_type, disposition = export(clerk, "xlsx")
    assert content_type == XLSX_TYPE
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.title == "流入人口登记册"
    assert ws["A1"].value == "南头街道 流入人口登记册 2026-01-01 至 2026-11-28"
    header = [c.value for c in ws[2]]
    assert header[:5] == ["序号", "姓名", "性别", "出生日期", "身份证号"] and "户籍地" in header and "用工单位" in header
    assert ws.freeze_panes == "A3"
    assert ws.column_dimensions["E"].width == 20
    data_rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3) if isinstance(r[0].value, int)]
    assert len(data_rows) == 4
    li = next(r for r in data_rows if r[1] == "李娜" and r[9] is not None)
    assert li[2] == "女" and li[4] == people["li"].id_number  # ID numbers stay text
    assert li[8].date().isoformat() == "2025-03-01" and li[12] == "务工经商"
    assert "phone" not in [c.key for c in req.columns] and "联系电话" not in header


def test_xlsx_file_name_is_chinese_with_an_ascii_fallback(clerk, people):
    _, _, _, disposition = export(clerk, "xlsx")
    assert disposition.startswith('attachment; filename="register-inflow-440305001000-2026-01-01_2026-11-28.xlsx"')
    assert "filename*=UTF-8''" + quote("南头街道_流入人口登记册_2026-01-01_2026-11-28.xlsx") in disposition


def test_outflow_xlsx(world, people):
    _, data, _, _ = export(world["tongjiang_clerk"], "xlsx", kind="outflow", division=TONGJIANG_T)
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.title == "流出人口登记簿"
    assert [c.value for c in ws[2]][6:10] == ["户籍地址", "流入地", "外出日期", "离开日期"]
    assert sum(1 for r in ws.iter_rows(min_row=3) if isinstance(r[0].value, int)) == 4


def test_pdf_is_a_real_pdf_with_the_chinese_text(clerk, migrant):
    _, data, content_type, disposition = export(clerk, "pdf", division=NANTOU_V1)
    assert data.startswith(b"%PDF") and content_type == "application/pdf"
    assert disposition.startswith("inline; ")
    text = pdf_text(data)
    assert "李娜" in text
    assert "流入人口登记册" in text and "南头街道" in text
    assert "第 1 页 共 1 页" in text
    assert "制表人" in text and "审核人" in text and "盖章" in text
    assert "2026-01-01 至 2026-11-28" in text
    assert migrant.id_number in text


def test_pdf_repeats_the_header_on_every_page(clerk, migrant, monkeypatch):
    from liudong.registers import queries

    row = queries.all_rows(queries.parse(actor=clerk, action="view_registers", kind="inflow", division=NANTOU, **PERIOD))[0]
    req = queries.parse(actor=clerk, action="view_registers", kind="inflow", division=NANTOU, **PERIOD)
    data = documents.build_pdf(req, [dict(row, seq=i) for i in range(1, 80)], generated_on=TODAY)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]
    assert len(pages) >= 2
    for n, text in enumerate(pages, start=1):
        assert "出生日期" in text and "身份证号" in text
        assert f"第 {n} 页 共 {len(pages)} 页" in text


def test_empty_register_prints(clerk, world):
    _, data, _, _ = export(clerk, "pdf")
    assert "本期无记录" in pdf_text(data)


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_a_register_too_long_to_make_at_once_is_sent_to_the_background(clerk, people, monkeypatch, fmt):
    """A register made inside the request stays small; a larger one is an export job (no limit a
    township's year can reach there: tests/jobs)."""
    monkeypatch.setattr(documents, "SYNC_MAX_ROWS", 2)
    with pytest.raises(Invalid) as e:
        export(clerk, fmt)
    assert "/api/v1/exports" in e.value.errors["division"][0]
    assert not AuditEvent.objects.filter(action__startswith="register.").exclude(action="register.view").exists()


def test_exports_and_prints_are_logged_with_every_person(clerk, people):
    export(clerk, "xlsx")
    export(clerk, "pdf")
    xlsx = AuditEvent.objects.get(action="register.export_xlsx")
    pdf = AuditEvent.objects.get(action="register.print_pdf")
    everyone = {people[k].pk for k in ("li", "zhang", "zhao")}
    for event in (xlsx, pdf):
        assert event.actor == clerk and event.object_type == "register" and event.object_id == f"inflow:{NANTOU}"
        assert set(event.fields["person_ids"]) == everyone
        assert event.fields["count"] == 4  # 李娜 twice: one row per residence period
        assert (event.fields["start"], event.fields["end"], event.fields["division"]) == ("2026-01-01", "2026-11-28", NANTOU)


def test_police_may_view_but_not_export(world, people):
    with pytest.raises(Denied):
        export(world["police_officer"], "xlsx")
    with pytest.raises(Denied):
        export(world["nation_officer"], "pdf", division="000000000000")


def test_control_characters_do_not_break_the_xlsx(clerk, migrant):
    from liudong.people.models import Residence

    Residence.objects.filter(person=migrant).update(address="红花园\x07一栋")  # as if imported from an old system
    _, data, _, _ = export(clerk, "xlsx", division=NANTOU_V1)
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["H3"].value == "红花园 一栋"
    _, data, _, _ = export(clerk, "pdf", division=NANTOU_V1)
    assert "李娜" in pdf_text(data)


def test_text_that_looks_like_a_formula_stays_text(clerk, migrant):
    from liudong.people.models import Residence

    Residence.objects.filter(person=migrant).update(address='=HYPERLINK("http://example.com","x")')
    _, data, _, _ = export(clerk, "xlsx", division=NANTOU_V1)
    cell = load_workbook(io.BytesIO(data)).active["H3"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://example.com","x")'
