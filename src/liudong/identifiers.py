"""Invariant 8: identifiers are checked. Messages are bilingual, Chinese first."""
import datetime
import re
import unicodedata

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
ID_RE = re.compile(r"^\d{17}[\dX]$", re.ASCII)  # ASCII: \d would also take full-width and other digits


class IdentifierError(ValueError):
    pass


def normalise_document_number(raw) -> str:
    """R8: a document number as stored and compared, so that one document is one person however
    it was typed: full-width forms folded (NFKC), every space removed, upper case. Resident ID
    numbers, passports and permits alike (E99887766 = e99887766 = "E 9988 7766")."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(raw if raw is not None else ""))).upper()


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def parse_resident_id(raw: str, *, today: datetime.date, area_exists=None) -> dict:
    """GB 11643: 18 characters, an area code that exists, a real birth date not in the future,
    the sex digit and the check digit. Returns {"id_number", "birth_date", "sex", "area"}."""
    value = normalise_document_number(raw)
    if not ID_RE.match(value):
        raise IdentifierError("身份证号应为18位，前17位为数字，末位为数字或X / an ID number has 18 characters: 17 digits and a digit or X")
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise IdentifierError(f"身份证号中的出生日期 {value[6:14]} 不存在 / the birth date {value[6:14]} in the ID number does not exist") from None
    if birth > today:
        raise IdentifierError("身份证号中的出生日期晚于今天 / the birth date in the ID number is in the future")
    if birth.year < 1880:
        raise IdentifierError("身份证号中的出生日期早于1880年 / the birth date in the ID number is before 1880")
    if id_check_char(value[:17]) != value[17]:
        raise IdentifierError("身份证号校验码错误 / the ID number's check digit is wrong")
    area = value[:6]
    if area_exists is not None and not area_exists(area):
        raise IdentifierError(f"身份证号地区码 {area} 不在区划表中 / area code {area} of the ID number is not a known division")
    return {"id_number": value, "birth_date": birth, "sex": "M" if int(value[16]) % 2 else "F", "area": area}


CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$", re.ASCII)


def credit_check_char(first17: str) -> str:
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS))
    return CREDIT_CHARS[(31 - total % 31) % 31]


def check_credit_code(raw: str) -> str:
    """GB 32100: unified social credit code, 18 characters with a check character."""
    value = (raw or "").strip().upper()
    if not CREDIT_RE.match(value):
        raise IdentifierError("统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V） / a credit code has 18 digits or capitals (no I, O, Z, S, V)")
    if credit_check_char(value[:17]) != value[17]:
        raise IdentifierError("统一社会信用代码校验码错误 / the credit code's check character is wrong")
    return value


PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$", re.ASCII)


def check_phone(raw: str) -> str:
    value = re.sub(r"[\s]", "", raw or "")
    if value and not PHONE_RE.match(value):
        raise IdentifierError("电话号码格式不正确（11位手机号或带区号的固定电话） / a phone number is an 11-digit mobile or a landline with its area code")
    return value


DIVISION_CODE_RE = re.compile(r"^\d{12}$", re.ASCII)


MAX_ROW_ID = 2**63 - 1


def row_id(value) -> int | None:
    """A database row id from a path, a form or JSON; anything else (text, 0, a number too big
    for the column) is None, so that callers answer "not found" instead of overflowing."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) <= 19:
        number = int(value.strip())
    else:
        return None
    return number if 0 < number <= MAX_ROW_ID else None
