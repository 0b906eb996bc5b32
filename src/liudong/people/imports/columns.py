"""The columns of a people import file (imports.files) and of its template (imports.template): the
accepted column names, and how a cell's value becomes what `imports.rows.import_people` takes.

A converter returns the value for the service or raises `BadCell` with a bilingual message
("中文 / English"); the service still does every check (invariant 7), a converter only maps what a
clerk types in Excel (男, 汉族, 初中, 2025/3/1, a 6-digit county code) to the codes.
"""
import datetime
import re
import unicodedata

from ..choices import ETHNICITIES, DocumentType, Education, IntendedStay, MaritalStatus, MoveReason

# (field of import_people, Chinese column name, other accepted names). The first 16 are the columns
# of the template in this order; the optional ones follow.
COLUMNS = (
    ("id_number", "身份证号", ("身份证号码", "公民身份号码")),
    ("name", "姓名", ()),
    ("sex", "性别", ()),
    ("birth_date", "出生日期", ()),
    ("ethnicity", "民族", ()),
    ("education", "文化程度", ()),
    ("marital_status", "婚姻状况", ()),
    ("phone", "联系电话", ("电话", "手机号码")),
    ("hukou_division", "户籍地代码", ("户籍地区划代码",)),
    ("hukou_address", "户籍地址", ()),
    ("division", "居住地代码", ("居住地区划代码", "现居住地代码")),
    ("address", "居住地址", ("现居住地址",)),
    ("arrived_on", "到达日期", ("流入日期",)),
    ("reason", "流动原因", ()),
    ("intended_stay", "拟居住时间", ()),
    ("left_on", "离开日期", ()),
    ("document_type", "证件类型", ()),
    ("document_number", "证件号码", ()),
    ("housing_id", "出租房屋编号", ()),
    ("employer_id", "用工单位编号", ()),
    ("grid_id", "网格编号", ()),
    ("expects_return", "预期返回", ("预期返回户籍地",)),
)
TEMPLATE_COLUMNS = 16
IGNORED_COLUMNS = ("序号", "seq", "no")  # a running number, as most village sheets have
HEADER_NAMES = {field: zh for field, zh, _ in COLUMNS}
IGNORE = "-"

SPACES = " \t\r\n\u00a0\u3000\ufeff"


class BadCell(ValueError):
    pass


def loose_key(value) -> str:
    """Header names and labels compared loosely: full-width forms, case, spaces, a star."""
    text = unicodedata.normalize("NFKC", str(value)).strip(SPACES).lower()
    text = re.sub(r"[（(][^）)]*[）)]$", "", text)  # 出生日期(YYYY-MM-DD)
    text = text.strip(" *")
    return re.sub(r"[\s\-]+", "_", text)


def _header_index() -> dict[str, str]:
    index = {}
    for field, zh, others in COLUMNS:
        for name in (field, zh, *others):
            index[loose_key(name)] = field
    for name in IGNORED_COLUMNS:
        index[loose_key(name)] = IGNORE
    return index


HEADER_INDEX = _header_index()


def _shown(value) -> str:
    """A cell's value quoted in a message: short, and never a " / " that would split it."""
    text = str(value).replace(" / ", "/").replace("\n", " ")
    return repr(text if len(text) <= 30 else text[:30] + "…")


# -- cell values ----------------------------------------------------------------------------------

def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    return str(value).strip(SPACES)


def _code_text(value) -> str:
    """Digits and codes: full-width forms folded, spaces removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", _text(value)))


def _choices(pairs, extra=None) -> dict[str, str]:
    """code -> code, Chinese label -> code, English label -> code, plus synonyms."""
    table = {}
    for code, label in pairs:
        zh, _, en = str(label).partition(" ")
        for name in (code, zh, en):
            if name:
                table[loose_key(name)] = code
    for name, code in (extra or {}).items():
        table[loose_key(name)] = code
    return table


SEXES = _choices([("M", "男 male"), ("F", "女 female")], {"男性": "M", "女性": "F", "1": "M", "2": "F"})
ETHNICITY_TABLE = _choices(ETHNICITIES, {name[:-1]: code for code, name in ETHNICITIES})  # 汉 for 汉族
EDUCATION_TABLE = _choices(Education.choices, {
    "研究生及以上": "10", "博士": "10", "硕士": "10", "本科": "20", "大学": "20", "大专": "30", "专科": "30",
    "中专": "40", "中技": "50", "技校": "50", "普通高中": "60", "文盲": "90", "半文盲": "90", "无": "90", "other": "90", "none": "90",
})
MARITAL_TABLE = _choices(MaritalStatus.choices, {"未说明": "90"})
REASON_TABLE = _choices(MoveReason.choices, {"务工": "work", "经商": "work", "务工经商": "work", "随迁": "family", "学习": "study", "上学": "study",
                                              "婚嫁": "marriage", "投亲": "care", "就医": "medical", "探亲": "visit", "访友": "visit"})
YES_NO = {loose_key(k): v for k, v in {"是": True, "否": False, "yes": True, "no": False, "y": True, "n": False, "1": True, "0": False, "true": True, "false": False}.items()}
STAY_TABLE = _choices(IntendedStay.choices, {
    "1个月以下": "lt1m", "一个月以内": "lt1m", "1至6个月": "1to6m", "1-6个月": "1to6m", "6个月至1年": "6to12m", "6-12个月": "6to12m",
    "半年至一年": "6to12m", "1年以上": "gt1y", "一年及以上": "gt1y", "长期": "gt1y",
})
DOCUMENT_TABLE = _choices(DocumentType.choices, {"身份证": "resident_id", "港澳通行证": "hk_macao", "台胞证": "taiwan"})

SEE_CODES = ("见导入模板的“代码表” / see the code sheet of the template")
HINTS = {
    "sex": ("男、女", "男, 女, M or F"),
    "ethnicity": ("民族名称如 汉族，或两位代码如 01", "a name such as 汉族 or a two-digit code such as 01"),
}


def _choice_of(table, field):
    def convert(value):
        code = table.get(loose_key(value if isinstance(value, str) else _code_text(value)))
        if code is None and field == "ethnicity" and _code_text(value).isdigit():
            code = table.get(_code_text(value).zfill(2))  # Excel drops the 0 of 01
        if code is None and field == "education":
            digits = _code_text(value)
            if re.fullmatch(r"[1-9]\d", digits):  # GB/T 4658 detail codes: 21 大学本科毕业 -> 20
                code = table.get(digits[0] + "0")
        if code is None:
            zh, en = HINTS.get(field, SEE_CODES.split(" / "))
            raise BadCell(f"无效取值 {_shown(value)}（可填：{zh}） / not a valid value {_shown(value)} (use: {en})")
        return code

    return convert


_DATE_RE = re.compile(r"^(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{2})(\d{2}))(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


def _date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool) or (isinstance(value, (int, float)) and not (float(value).is_integer() and 10_000_000 <= value <= 99_999_999)):
        raise BadCell(f"应为日期（YYYY-MM-DD），不是数字 {_shown(value)} / must be a date (YYYY-MM-DD), not the number {_shown(value)}")
    text = _code_text(value)
    m = _DATE_RE.match(text)
    if not m:
        raise BadCell(f"日期 {_shown(value)} 格式不对（应为 YYYY-MM-DD） / {_shown(value)} is not a date written YYYY-MM-DD")
    year, month, day = m.group(1), m.group(2) or m.group(4), m.group(3) or m.group(5)
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise BadCell(f"日期 {_shown(value)} 不存在 / {_shown(value)} is not a real date") from None


def _division_code(value) -> str:
    text = _code_text(value)
    if text.isdigit() and len(text) in (6, 9):  # a county (or township) code: padded to the 12 of J1
        return text.ljust(12, "0")
    if text.isdigit() and len(text) == 12:
        return text
    raise BadCell(f"区划代码应为12位数字，或6位县级代码：{_shown(value)} / a division code has 12 digits (or 6 for a county): {_shown(value)}")


_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)
LOST_DIGITS = ("Excel 把身份证号存成了数字，末几位已丢失；请把该列设为“文本”后重新输入 / "
               "Excel stored the ID number as a number and lost its last digits: format the column as Text and type the numbers again")


def _id_number(value) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if abs(value) >= 1e15:
            raise BadCell(LOST_DIGITS)
        return str(int(value))
    text = _code_text(value).upper()
    if _SCIENTIFIC.match(text):
        raise BadCell(LOST_DIGITS)
    return text


def _yes_no(value):
    """J2: 预期返回 as 是/否 (or yes/no, 1/0); an empty cell never reaches a converter."""
    if isinstance(value, bool):
        return value
    answer = YES_NO.get(loose_key(_code_text(value)))
    if answer is None:
        raise BadCell(f"应填 是 或 否：{_shown(value)} / must be 是 (yes) or 否 (no): {_shown(value)}")
    return answer


def _row_id(value) -> str:
    return _code_text(value)


CONVERT = {
    "id_number": _id_number, "document_number": lambda v: _code_text(v).upper(), "name": _text, "sex": _choice_of(SEXES, "sex"),
    "birth_date": _date, "ethnicity": _choice_of(ETHNICITY_TABLE, "ethnicity"), "education": _choice_of(EDUCATION_TABLE, "education"),
    "marital_status": _choice_of(MARITAL_TABLE, "marital_status"), "phone": _code_text, "hukou_division": _division_code,
    "hukou_address": _text, "division": _division_code, "address": _text, "arrived_on": _date, "reason": _choice_of(REASON_TABLE, "reason"),
    "intended_stay": _choice_of(STAY_TABLE, "intended_stay"), "left_on": _date, "document_type": _choice_of(DOCUMENT_TABLE, "document_type"),
    "housing_id": _row_id, "employer_id": _row_id, "grid_id": _row_id, "expects_return": _yes_no,
}
ID_LIKE = re.compile(r"^\d{17}[\dX]$")
