"""The .xlsx template for importing people (R1): what villages fill in and townships upload.

Sheet 1 is the import sheet: the header row (the column names imports.files reads) and one example
row, valid for the staff member who downloads it, so that the file imports as it is (then delete or
overwrite the example). Sheet 2 lists the code values (ethnicities, education, marital status,
reasons, intended stay, sex, documents); the coded columns of sheet 1 offer them as drop-down lists
but accept a code too. Sheet 3 says how to fill the file in.
"""
import datetime
import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from liudong.codes import Level
from liudong.divisions.models import Division
from liudong.identifiers import id_check_char

from ..choices import ETHNICITIES, DocumentType, Education, IntendedStay, MaritalStatus, MoveReason
from .columns import COLUMNS, TEMPLATE_COLUMNS
from .files import MAX_FILE_BYTES, MAX_ROWS

FILE_NAME = ("people-import-template.xlsx", "流动人口导入模板.xlsx")
DATA_SHEET, CODE_SHEET, HELP_SHEET = "人员导入", "代码表", "填写说明"
REQUIRED = {"id_number", "name", "hukou_division"}
TEXT_COLUMNS = {"id_number", "phone", "hukou_division", "division", "document_number"}
DATE_COLUMNS = {"birth_date", "arrived_on", "left_on"}
EXAMPLE_HUKOU = "511921000000"  # 四川省通江县, where the code list has it
WIDTHS = {"id_number": 21, "hukou_address": 28, "address": 28, "hukou_division": 14, "division": 14, "phone": 14}
NOTES = {
    "id_number": "必填（或填证件类型和证件号码）。18位；请保持“文本”格式，否则 Excel 会丢掉末几位。",
    "name": "必填。",
    "sex": "男 或 女；可不填，按身份证号判断。",
    "birth_date": "YYYY-MM-DD；可不填，按身份证号判断。",
    "ethnicity": "民族名称（如 汉族）或两位代码（如 01），见代码表。",
    "education": "名称或代码，见代码表。",
    "marital_status": "名称或代码，见代码表。",
    "hukou_division": "必填。12位区划代码，或6位县级代码（常为身份证号前6位）。",
    "division": "12位区划代码（县级或以下）；有居住信息时必填。",
    "arrived_on": "YYYY-MM-DD；有居住信息时必填。",
    "reason": "名称或代码，见代码表。",
    "intended_stay": "名称或代码，见代码表。",
    "left_on": "已离开时填写，YYYY-MM-DD。",
    "expects_return": "是 或 否：出差、就医、学习、旅游、探亲访友的短期居住，预期返回户籍地的填“是”（登记但不计为流动人口）。",
}

# (title, code list) of the code sheet, side by side.
CODE_LISTS = [
    ("民族 ethnicity", list(ETHNICITIES)),
    ("文化程度 education", Education.choices),
    ("婚姻状况 marital status", MaritalStatus.choices),
    ("流动原因 reason", MoveReason.choices),
    ("拟居住时间 intended stay", IntendedStay.choices),
    ("性别 sex", [("M", "男 male"), ("F", "女 female")]),
    ("证件类型 document", DocumentType.choices),
]
# Columns of sheet 1 whose drop-down list is a code list (index into CODE_LISTS).
DROP_DOWNS = {"ethnicity": 0, "education": 1, "marital_status": 2, "reason": 3, "intended_stay": 4, "sex": 5, "document_type": 6}


def _zh(label: str) -> str:
    return str(label).split(" ", 1)[0]


def _example_places(actor) -> tuple[str, str | None]:
    """(hukou county, residence division) for the example row: a person from another county (an
    inflow person, where the code list has one) living in the actor's own division."""
    own = actor.division
    residence = own.code if own.level >= Level.COUNTY else None
    county = own.code[:6]
    hukou = (Division.objects.filter(code=EXAMPLE_HUKOU).exclude(code__startswith=county).values_list("code", flat=True).first()
             or Division.objects.filter(level=Level.COUNTY).exclude(code__startswith=county).order_by("code").values_list("code", flat=True).first()
             or county + "000000")
    return hukou, residence


def example_row(*, actor, today: datetime.date) -> dict:
    """A row that imports cleanly for `actor` (unless that person was imported already)."""
    hukou, residence = _example_places(actor)
    birth = datetime.date(1990, 5, 15)
    body = f"{hukou[:6]}{birth:%Y%m%d}013"  # 013: odd sequence, a man
    row = {
        "id_number": body + id_check_char(body), "name": "张三", "sex": "男", "birth_date": birth, "ethnicity": "汉族",
        "education": "初中", "marital_status": "已婚", "phone": "13800138000", "hukou_division": hukou[:6],
        "hukou_address": "（示例）某某镇某某村3组", "reason": "务工经商", "intended_stay": "一年以上",
    }
    if residence:
        row.update(division=residence, address="（示例）某某路1号2栋301室", arrived_on=today.replace(day=1))
    return row


def build_template(*, actor, today: datetime.date) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    codes = wb.create_sheet(CODE_SHEET)
    help_ws = wb.create_sheet(HELP_SHEET)
    columns = COLUMNS[:TEMPLATE_COLUMNS] + tuple(c for c in COLUMNS[TEMPLATE_COLUMNS:] if c[0] in ("document_type", "document_number", "expects_return"))
    bold, required_fill = Font(bold=True), PatternFill("solid", fgColor="FFF2CC")
    example = example_row(actor=actor, today=today)
    last_row = MAX_ROWS + 1

    # Sheet 2 first: the drop-down lists of sheet 1 point at it.
    list_ranges = []
    for i, (title, pairs) in enumerate(CODE_LISTS):
        col = 3 * i + 1
        codes.cell(row=1, column=col, value=title).font = bold
        codes.cell(row=2, column=col, value="代码 code").font = bold
        codes.cell(row=2, column=col + 1, value="名称 name").font = bold
        for r, (code, label) in enumerate(pairs, start=3):
            codes.cell(row=r, column=col, value=code).number_format = "@"
            codes.cell(row=r, column=col + 1, value=_zh(label))
        letter = get_column_letter(col + 1)
        list_ranges.append(f"'{CODE_SHEET}'!${letter}$3:${letter}${2 + len(pairs)}")
        codes.column_dimensions[get_column_letter(col)].width = 8
        codes.column_dimensions[letter].width = 22
    codes.freeze_panes = "A3"

    for c, (field, zh, _) in enumerate(columns, start=1):
        letter = get_column_letter(c)
        head = ws.cell(row=1, column=c, value=zh)
        head.font = bold
        head.alignment = Alignment(horizontal="center")
        if field in REQUIRED:
            head.fill = required_fill
        note = NOTES.get(field)
        if note:
            head.comment = Comment(f"{note}\n列名也可写作 {field}", "流动人口服务管理信息系统", width=260, height=110)
        value = example.get(field)
        cell = ws.cell(row=2, column=c, value=value)
        if field in TEXT_COLUMNS:
            # Typed IDs and codes must stay text: Excel would keep 15 digits of a number.
            ws.column_dimensions[letter].number_format = "@"
            cell.number_format = "@"
        elif field in DATE_COLUMNS:
            ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
            cell.number_format = "yyyy-mm-dd"
        ws.column_dimensions[letter].width = WIDTHS.get(field, max(11, 2 * len(zh) + 3))
        if field in DROP_DOWNS:
            dv = DataValidation(type="list", formula1=list_ranges[DROP_DOWNS[field]], allow_blank=True,
                                showErrorMessage=False)  # a code typed by hand is accepted too
            dv.add(f"{letter}2:{letter}{last_row}")
            ws.add_data_validation(dv)
    ws.freeze_panes = "C2"

    mb = MAX_FILE_BYTES // 2**20
    lines = [
        "流动人口导入模板 填写说明 / how to fill in the people import template",
        "",
        f"1. 第1行为列名，不要修改；每行一人，从第2行起，最多 {MAX_ROWS} 行，文件不超过 {mb} MB。",
        "2. 第2行是示例（导入时会登记“张三”），请删除或改写后再导入。",
        "3. 必填列（黄色）：身份证号（外籍等无身份证的填“证件类型”和“证件号码”）、姓名、户籍地代码。",
        "4. 身份证号、电话和区划代码请用“文本”格式输入，否则 Excel 会丢掉身份证号的末几位。",
        "5. 日期填 Excel 日期或 YYYY-MM-DD 文字，如 2025-03-01。",
        "6. 民族、文化程度、婚姻状况、流动原因、拟居住时间可填名称或代码，见“代码表”。",
        "7. 有居住信息（居住地代码、到达日期等）时登记一段居住记录；居住地或户籍地须在您的管辖范围内。",
        "8. 已登记的身份证号不会重复登记，而是匹配已有人员并补充居住记录（一人一档）。",
        "9. 有错误的行会列出行号和原因；默认一行有错则整个文件都不导入，可勾选“只导入正确的行”。",
        "10. 也可保存为 CSV（UTF-8 或 GBK 编码）后导入；列名也可用英文字段名（见各列名的批注）。",
        "11. 出差、就医、学习、旅游、探亲访友的短期居住，预期返回户籍地的，“预期返回”填“是”：照常登记，但不计为流动人口"
        "（《流动人口计划生育工作条例》第二条）；同一直辖市或设区的市的区与区之间居住的，也不计为流动人口。",
    ]
    for r, line in enumerate(lines, start=1):
        help_ws.cell(row=r, column=1, value=line)
    help_ws["A1"].font = Font(bold=True, size=13)
    help_ws.column_dimensions["A"].width = 110

    wb.properties.title = "流动人口导入模板"
    wb.properties.creator = "流动人口服务管理信息系统"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
