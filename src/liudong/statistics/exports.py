"""Issue 14 part 5: the report's tables as .xlsx (openpyxl) and the data of its charts.

One workbook per report page: the figures (definition, stored, live, difference), the children
(state, dates, and each child's stored figures: the divisions side by side), and the year's
figures (statistical year and calendar year)."""
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from liudong.content_types import XLSX_TYPE, content_disposition, download

from . import figures
from .choices import State

STATE_LABELS = {s.value: str(s.label).split(" ")[0] for s in State}


def _sheet(wb, title, header, rows, first=False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for i, _ in enumerate(header, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = 16 if i > 1 else 30
    ws.freeze_panes = "B2"
    return ws


def report_workbook(data: dict, trend: list[dict] | None = None) -> bytes:
    wb = Workbook()
    _sheet(wb, "报表数字", ["指标", "名称", "已存数字", "实时数字", "差额", "定义", "依据"],
           [[label.split(" ")[0], name, data["figures"].get(name), data["live"].get(name), data["difference"].get(name), definition.split(" / ")[0], rule]
            for name, label, definition, rule in figures.FIGURES], first=True)
    _sheet(wb, "下级报表", ["区划", "代码", "状态", "首次报送日期", "应报送日期", "按期", "退回原因", *[figures.LABELS[n].split(" ")[0] for n in figures.NAMES]],
           [[c["name"], c["division"], STATE_LABELS.get(c["state"], c["state"]), c["first_submitted_on"], c["due_on"], "是" if c["on_time"] else "否",
             c["return_reason"], *[c["figures"].get(n) for n in figures.NAMES]] for c in data["children"]])
    if data.get("years"):
        _sheet(wb, "年度数字", ["年度", "起", "止", "截至", *[figures.LABELS[n].split(" ")[0] for n in figures.NAMES]],
               [[("统计年度 " if y["kind"] == "statistical" else "日历年度 ") + str(y["year"]), y["start"], y["end"], y["to"],
                 *[y["figures"].get(n) for n in figures.NAMES]] for y in data["years"]])
    if trend:
        _sheet(wb, "逐月数字", ["指标", *[t["period"] for t in trend]],
               [[figures.LABELS[n].split(" ")[0], *[t["figures"].get(n) for t in trend]] for n in figures.NAMES])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def report_response(data: dict, trend: list[dict] | None = None):
    name = f"{data['name']}{data['period']}统计月报.xlsx"
    return download(report_workbook(data, trend), XLSX_TYPE, content_disposition(name, f"report-{data['division']}-{data['period']}.xlsx"))


def chart_data(data: dict, trend: list[dict]) -> dict:
    """Issue 14 part 5: what the page's charts draw (statistics.js reads it from data attributes):
    the trend of the stored figures by month and the children side by side (inflow, outflow)."""
    return {
        "trend": {"periods": [t["period"] for t in trend],
                  "series": [{"name": figures.LABELS[n].split(" ")[0], "data": [t["figures"].get(n) for t in trend]} for n in ("inflow", "outflow")]},
        "children": {"names": [c["name"] for c in data["children"]],
                     "series": [{"name": figures.LABELS[n].split(" ")[0], "data": [c["figures"].get(n) for c in data["children"]]} for n in ("inflow", "outflow")]},
    }
