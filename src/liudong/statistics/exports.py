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


# ---------------------------------------------------------------- T3: the assessment sheet (part 3)

def _pct(v):
    return None if v is None else round(100 * v, 1)


def assessment_workbook(a: dict) -> bytes:
    """The yearly assessment sheet as .xlsx: the indicators (value, threshold, weight, veto, result,
    the figures each rests on), the score, the figures by the other side's province, and the
    calendar year's figures beside the statistical year's."""
    wb = Workbook()
    ws = _sheet(wb, "考核表", ["指标", "名称", "数值(%)", "达标值(%)", "权重", "一票否决", "结果", "依据"],
                [[i["label"].split(" ")[0], i["name"], _pct(i["value"]), _pct(i["threshold"]), i["weight"], "是" if i["veto"] else "",
                  "未评估" if i["pass"] is None else ("达标" if i["pass"] else "未达标"), i.get("basis_text", "")] for i in a["indicators"]], first=True)
    ws.append([])
    ws.append([f"{a['name']} 统计年度 {a['year']}（{a['start']} 至 {a['end']}，计划生育统计年度止于9月30日；数字截至 {a['to']}）"])
    ws.append(["得分", a["score"], "合格线", a["pass_score"], "结果", "无法评估" if a["passed"] is None else ("合格" if a["passed"] else ("一票否决，不合格" if a["vetoed"] else "不合格"))])
    _sheet(wb, "按对方省份", ["对方省份", "代码", "来函应反馈", "已反馈", "反馈率(%)", "按时反馈率(%)", "去函应反馈", "对方已反馈", "对方反馈率(%)", "对方按时反馈率(%)"],
           [[p["name"], p["province"], p["as_receiver"]["expected"], p["as_receiver"]["answered"], _pct(p["as_receiver"]["reply_rate"]),
             _pct(p["as_receiver"]["on_time_rate"]), p["as_sender"]["expected"], p["as_sender"]["answered"], _pct(p["as_sender"]["reply_rate"]),
             _pct(p["as_sender"]["on_time_rate"])] for p in a["by_province"]])
    cal = a["calendar_year"]
    _sheet(wb, "年度数字", ["指标", f"统计年度 {a['year']}（{a['start']} 至 {a['to']}）", f"日历年度 {cal['year']}（{cal['start']} 至 {cal['end']}）"],
           [[figures.LABELS[n].split(" ")[0], a.get("year_figures", {}).get(n), cal["figures"].get(n)] for n in figures.NAMES])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def assessment_response(a: dict):
    return download(assessment_workbook(a), XLSX_TYPE, content_disposition(f"{a['name']}{a['year']}统计年度双向考核表.xlsx",
                                                                           f"assessment-{a['division']}-{a['year']}.xlsx"))


# ---------------------------------------------------------------- part 11: the townships' submission tasks

def progress_workbook(p: dict) -> bytes:
    """The townships' progress against their submission tasks, side by side (part 11: 书面形式保存
    回复和提交的信息情况, kept in writing)."""
    wb = Workbook()
    _sheet(wb, "提交信息任务", ["乡镇", "代码", "周期", "起", "止", "截至", "截止日", "任务数", "已提交", "逾期提交", "完成率(%)", "完成", "应反馈", "已反馈", "反馈率(%)",
                              "按时反馈率(%)", "反馈率目标(%)", "达标", "计入种类"],
           [[r["name"], r["division"], r["task"]["period"] if r["task"] else "无任务", r["start"], r["end"], r["to"], r["deadline"], r["messages_task"], r["messages_sent"],
             r["messages_late"],
             _pct(r["task_rate"]), "" if r["task_met"] is None else ("是" if r["task_met"] else "否"), r["reply"]["expected"], r["reply"]["answered"],
             _pct(r["reply"]["reply_rate"]), _pct(r["reply"]["on_time_rate"]), _pct(r["reply_target"]),
             "" if r["reply_met"] is None else ("是" if r["reply_met"] else "否"), "、".join(r["task"]["kinds"]) if r["task"] and r["task"]["kinds"] else "全部"]
            for r in p["townships"]], first=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def progress_response(p: dict):
    return download(progress_workbook(p), XLSX_TYPE, content_disposition(f"{p['name']}{p['period']}提交信息任务完成情况.xlsx",
                                                                         f"submission-tasks-{p['division']}-{p['period']}.xlsx"))


def progress_chart(p: dict) -> dict:
    """Part 11's chart: the townships side by side, messages submitted against the task."""
    rows = p["townships"]
    return {"names": [r["name"] for r in rows],
            "series": [{"name": "任务数 / task", "data": [r["messages_task"] for r in rows]}, {"name": "已提交 / submitted", "data": [r["messages_sent"] for r in rows]}]}


def reply_chart(p: dict) -> dict:
    rows = p["townships"]
    return {"names": [r["name"] for r in rows],
            "series": [{"name": "反馈率目标(%) / reply target (%)", "data": [_pct(r["reply_target"]) for r in rows]},
                       {"name": "反馈率(%) / reply rate (%)", "data": [_pct(r["reply"]["reply_rate"]) for r in rows]}]}
