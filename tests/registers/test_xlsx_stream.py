"""R3, issue 9 (benchmark): the register's .xlsx streamed as SpreadsheetML (registers/xlsx.py)
keeps what the openpyxl version had: title merged over the columns, a frozen header printed on
every page, A4 landscape fitted to the width, dates as dates, text as text, the signature line."""
import datetime
import io

from openpyxl import load_workbook

from liudong.registers import xlsx


def _book(rows, **kw):
    buf = io.BytesIO()
    xlsx.write(buf, sheet="流入人口登记册", title="南头街道 流入人口登记册", headers=["序号", "姓名", "流入日期", "地址"], widths=[7, 10, 11, 28],
               rows=iter(rows), total=len(rows), footer="共 2 条", creator="流动人口服务管理信息系统", **kw)
    return load_workbook(io.BytesIO(buf.getvalue()))


def test_R3_the_streamed_sheet_reads_back_with_its_layout():
    seen = []
    wb = _book([[1, "李娜", datetime.date(2026, 3, 1), "红花园<1栋>&101"], [2, "=1+1", None, "a\ufffeb"]], progress=lambda d, t: seen.append((d, t)), every=1)
    ws = wb.active
    assert ws.title == "流入人口登记册" and wb.properties.title == "南头街道 流入人口登记册"
    assert ws["A1"].value == "南头街道 流入人口登记册" and ws["A1"].font.b and "A1:D1" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[2]] == ["序号", "姓名", "流入日期", "地址"] and ws["B2"].font.b and ws["B2"].border.left.style == "thin"
    assert ws.freeze_panes == "A3" and ws.print_title_rows == "$2:$2"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.column_dimensions["D"].width == 28
    assert ws["A3"].value == 1 and ws["C3"].value == datetime.datetime(2026, 3, 1) and ws["C3"].number_format == "yyyy-mm-dd"
    assert ws["D3"].value == "红花园<1栋>&101"
    assert ws["B4"].data_type == "s" and ws["B4"].value == "=1+1"          # text, never a formula
    assert ws["C4"].value is None and ws["D4"].value == "ab"                # a character XML cannot hold is dropped
    assert ws["A6"].value == "共 2 条" and seen == [(1, 2), (2, 2)]


def test_R3_column_letters():
    assert [xlsx.column_letter(n) for n in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]
