"""The field kit: how every service, form and command reads a typed value (invariant 7).

One meaning for each kind of field, wherever the value comes from (a page, the API, an import
row, the command line):

- the value is looked up in `data` under `field`, and `field` names the error;
- text is stripped; blank is absent; `required` refuses an absent value with "必填 / required";
- a bad value adds a bilingual message ("中文 / English") to `errors[field]` and the parser
  returns None (or "" for text), so that one input reports every bad field at once;
- text never carries control characters (C0, C1, DEL; a multi-line field keeps newline and tab),
  lone surrogates (no database stores them) or bidirectional overrides (they make a register show
  another name or address than the one stored);
- a day is YYYY-MM-DD; a moment is YYYY-MM-DD HH:MM (a day alone is 09:00 of that day), in the
  server's time zone unless it says its own;
- a division code is 12 digits (J1), or the 2, 4, 6 or 9 leading digits of a province, city,
  county or township, padded with zeros.

The kernel imports no app: finding the division a code names is `divisions.queries.parse_division`,
built on `division_code` here.
"""
import datetime
import re
from decimal import Decimal, InvalidOperation
from collections.abc import Callable, Collection, Mapping

from django.utils import timezone

from .codes import normalise
from .errors import Invalid
from .identifiers import normalise_document_number

REQUIRED = "必填 / required"
NOT_TEXT = "应为文字 / must be text"
FUTURE_DAY = "日期不能晚于今天 / the date cannot be in the future"
FUTURE_MOMENT = "时间不能晚于现在 / must not be in the future"
EARLIEST_MOMENT_YEAR = 2000
# A clock a few minutes fast on the client's side is not a moment in the future.
MOMENT_SLACK = datetime.timedelta(minutes=5)
# The hour given to a moment known only by its day (a letter signed for on a day: office hours).
DAY_HOUR = datetime.time(9, 0)
DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)  # not the other forms fromisoformat takes (20250301, 2025-W10-1)
# YYYY-MM-DD HH:MM[:SS[.ffffff]] with a space or T, and an optional offset (Z, +08:00).
MOMENT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$", re.ASCII)
TRUE_WORDS = frozenset({"1", "true", "on", "yes", "y"})

# C0 and C1 controls, DEL, lone surrogates, bidirectional embeddings, overrides and isolates;
# single-line text refuses the line and paragraph separators and tab and newline as well.
_BAD_MULTI_LINE = "\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069"
BAD_IN_TEXT = re.compile(f"[{_BAD_MULTI_LINE}\t\n\u2028\u2029]")
BAD_IN_MULTI_LINE = re.compile(f"[{_BAD_MULTI_LINE}]")


def add(errors: dict, field: str, message: str) -> None:
    """Note one more message for `field`."""
    errors.setdefault(field, []).append(message)


def checked(errors: dict, check, *args, **kwargs):
    """Run one check (a parser or a rule that raises Invalid); its field errors join `errors`
    instead of stopping the others, and it returns None."""
    try:
        return check(*args, **kwargs)
    except Invalid as e:
        for name, messages in e.errors.items():
            errors.setdefault(name, []).extend(messages)
        return None


def _shown(value, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _given(value, field: str, errors: dict, required: bool, missing: str) -> bool:
    """Whether a value was given; a blank one is absent, which a required field refuses."""
    if _blank(value):
        if required:
            add(errors, field, missing)
        return False
    return True


# ---------------------------------------------------------------- text

def text(data: Mapping, field: str, errors: dict, *, max_length: int, required: bool = False, multiline: bool = False, missing: str = REQUIRED) -> str:
    """Stripped text of at most `max_length` characters ("" when absent). A multi-line field
    (a letter's body, the reasons of a decision) keeps its inner newlines (CR LF becomes LF) and
    tabs; no field takes other control characters."""
    value = data.get(field)
    if value is None:
        value = ""
    if not isinstance(value, str):
        add(errors, field, NOT_TEXT)
        return ""
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.strip()
    if not value:
        if required:
            add(errors, field, missing)
        return ""
    bad = (BAD_IN_MULTI_LINE if multiline else BAD_IN_TEXT).search(value)
    if bad is not None:
        where, code = bad.start() + 1, ord(bad.group())
        add(errors, field, f"不能含控制字符（第 {where} 个字符 U+{code:04X}） / must not contain control characters (character {where}, U+{code:04X})")
    if len(value) > max_length:
        add(errors, field, f"最多 {max_length} 个字符（现为 {len(value)}） / at most {max_length} characters (got {len(value)})")
    return value


def document_number(data: Mapping, field: str, errors: dict, *, max_length: int = 40, required: bool = True) -> str:
    """R8: a document's number as stored and compared: full-width forms folded, no spaces,
    upper case (E99887766, e99887766 and "e 9988 7766" are one passport)."""
    value = text(data, field, errors, max_length=max_length * 2, required=required)
    if field in errors:
        return value
    value = normalise_document_number(value)
    if len(value) > max_length:
        add(errors, field, f"最多 {max_length} 个字符（现为 {len(value)}） / at most {max_length} characters (got {len(value)})")
    return value


# ---------------------------------------------------------------- choices and flags

def choice(data: Mapping, field: str, errors: dict, *, choices: Collection[str], required: bool = False, default: str = "", missing: str = REQUIRED,
           invalid: str = "") -> str:
    """One of `choices` (codes, not labels); blank is `default`. `missing` and `invalid` replace
    the general messages where a field says better what to choose."""
    value = data.get(field)
    if isinstance(value, str):
        value = value.strip()
    if _blank(value):
        value = default
    if not value:
        if required:
            add(errors, field, missing)
        return value
    if not isinstance(value, str) or value not in choices:
        add(errors, field, invalid or f"无效取值 {_shown(value)!r} / not a valid choice: {_shown(value)!r}")
    return value


def flag(data: Mapping, field: str, default: bool = False) -> bool:
    """A tick box or a JSON boolean: "1", "true", "on", "yes" or "y" (any case) is true."""
    value = data.get(field, default)
    if isinstance(value, str):
        return value.strip().lower() in TRUE_WORDS
    return bool(value)


# ---------------------------------------------------------------- sums of money

MONEY_MAX = Decimal("1000000000000")  # 10^12 yuan: beyond any income or levy
CENT = Decimal("0.01")


def money(data: Mapping, field: str, errors: dict, *, required: bool = True) -> Decimal | None:
    """A sum in yuan: a number >= 0 with at most two decimals ("36,000.50" and "36000" alike)."""
    raw = data.get(field)
    if not _given(raw, field, errors, required, REQUIRED):
        return None
    try:
        if isinstance(raw, bool):
            raise InvalidOperation
        value = Decimal(str(raw).strip().replace(",", "").replace("，", ""))
        if not value.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        add(errors, field, "应为金额（元），如 36000 或 36000.50 / must be a sum in yuan, e.g. 36000 or 36000.50")
        return None
    if value < 0:
        add(errors, field, "金额不能为负 / must not be negative")
    elif value >= MONEY_MAX:
        add(errors, field, "金额过大 / the sum is too large")
    elif value != value.quantize(CENT):
        add(errors, field, "最多两位小数 / at most two decimals")
    else:
        return value.quantize(CENT)
    return None


# ---------------------------------------------------------------- days and moments

def date(data: Mapping, field: str, errors: dict, *, required: bool = False, today: datetime.date | None = None,
         not_before: datetime.date | None = None, before_label: str = "", between: tuple[datetime.date, datetime.date] | None = None,
         missing: str = REQUIRED) -> datetime.date | None:
    """A real day written YYYY-MM-DD (or a date already). With `today`, a day after it is refused
    (the act cannot be in the future); with `not_before`, a day before it (`before_label` names
    that day in Chinese); with `between`, a day outside the inclusive range."""
    value = data.get(field)
    if not _given(value, field, errors, required, missing):
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        day = value
    else:
        raw = str(value).strip()
        try:
            if not DAY_RE.match(raw):
                raise ValueError
            day = datetime.date.fromisoformat(raw)
        except ValueError:
            add(errors, field, f"日期 {_shown(raw, 20)} 不存在或格式不对（YYYY-MM-DD） / {_shown(raw, 20)} is not a real date (YYYY-MM-DD)")
            return None
    if today is not None and day > today:
        add(errors, field, FUTURE_DAY)
    elif not_before is not None and day < not_before:
        add(errors, field, f"日期不能早于{before_label} {not_before} / the date cannot precede {not_before}")
    elif between is not None and not between[0] <= day <= between[1]:
        add(errors, field, f"日期应在 {between[0]} 至 {between[1]} 之间 / the date must lie between {between[0]} and {between[1]}")
    return day


def moment(data: Mapping, field: str, errors: dict, *, now: datetime.datetime, required: bool = False, missing: str = REQUIRED,
           earliest_year: int = EARLIEST_MOMENT_YEAR) -> datetime.datetime | None:
    """A moment written YYYY-MM-DD HH:MM (or YYYY-MM-DDTHH:MM, as a datetime-local input sends it),
    a datetime, or a day alone (09:00 that day); aware, not before `earliest_year` and not after
    `now` (give or take a few minutes of a client's clock)."""
    value = data.get(field)
    if not _given(value, field, errors, required, missing):
        return None
    if isinstance(value, datetime.datetime):
        when = value
    elif isinstance(value, datetime.date):
        when = datetime.datetime.combine(value, DAY_HOUR)
    else:
        raw = str(value).strip()
        try:
            if DAY_RE.match(raw):
                when = datetime.datetime.combine(datetime.date.fromisoformat(raw), DAY_HOUR)
            elif MOMENT_RE.match(raw):
                when = datetime.datetime.fromisoformat(raw)
            else:
                raise ValueError
        except ValueError:
            add(errors, field, f"时间 {_shown(raw, 30)} 格式应为 YYYY-MM-DD HH:MM / use YYYY-MM-DD HH:MM, got {_shown(raw, 30)}")
            return None
    if when.year < earliest_year:
        add(errors, field, f"时间早于{earliest_year}年，请检查 / a time before {earliest_year} is not plausible")
        return None
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if when > now + MOMENT_SLACK:
        add(errors, field, FUTURE_MOMENT)
    return when


def period(data: Mapping, errors: dict, *, longer: Callable[[datetime.date, datetime.date], bool], too_long: str) -> tuple[datetime.date | None, datetime.date | None]:
    """A period from `data["start"]` to `data["end"]`, both required and both days included: the
    end not before the start, and not so far that `longer(start, end)` (`too_long` says how long
    a period may be)."""
    start = date(data, "start", errors, required=True)
    end = date(data, "end", errors, required=True)
    if start and end:
        if end < start:
            add(errors, "end", "结束日期早于开始日期 / the end is before the start")
        elif longer(start, end):
            add(errors, "end", too_long)
    return start, end


# ---------------------------------------------------------------- division codes

def division_code(data: Mapping, field: str, errors: dict, *, required: bool = True, missing: str = REQUIRED) -> str | None:
    """The 12-digit code of a division (J1), whether or not a division has it; see
    divisions.queries.parse_division for the division itself."""
    value = data.get(field)
    if not _given(value, field, errors, required, missing):
        return None
    code = normalise(value)
    if not (len(code) == 12 and code.isascii() and code.isdigit()):
        add(errors, field, f"区划代码 {_shown(code, 20)} 应为12位数字 / a division code has 12 digits, got {_shown(code, 20)}")
        return None
    return code


# ---------------------------------------------------------------- pages of a list

MAX_OFFSET = 1_000_000_000


def window(limit: int, offset: int, errors: dict, *, max_limit: int = 200) -> None:
    """A page of a list asked as `limit` rows from `offset`: 1 to `max_limit` rows, an offset from
    0 to a billion (every list of the API and the pages)."""
    if not 1 <= limit <= max_limit:
        add(errors, "limit", f"每页1到{max_limit}条 / 1 to {max_limit} a page")
    if not 0 <= offset <= MAX_OFFSET:
        add(errors, "offset", "应在0到10亿之间 / between 0 and 1,000,000,000")
# ---------------------------------------------------------------- periods

PERIOD_RE = re.compile(r"^(\d{4})(?:-(?:(Q[1-4])|(H[12])|(\d{2})))?$", re.ASCII)
PERIOD_FORMS = "YYYY、YYYY-H1/H2（半年）、YYYY-Q1…Q4（季度）或 YYYY-MM / YYYY, YYYY-H1|H2 (half year), YYYY-Q1…Q4 (quarter) or YYYY-MM"


def months_period(data: Mapping, field: str, errors: dict, *, required: bool = False, missing: str = REQUIRED) -> tuple[datetime.date, datetime.date] | None:
    """A period of whole months, as a check schedule counts them (S4): a year `2026`, a half year
    `2026-H2`, a quarter `2026-Q4` or a month `2026-11`; (first day, last day)."""
    value = data.get(field)
    if _blank(value):
        if required:
            add(errors, field, missing)
        return None
    raw = str(value).strip().upper()
    match = PERIOD_RE.match(raw)
    if not match or not 1900 <= int(match.group(1)) <= 2100 or (match.group(4) and not 1 <= int(match.group(4)) <= 12):
        add(errors, field, f"期间 {_shown(raw, 20)} 的写法应为 {PERIOD_FORMS}")
        return None
    year = int(match.group(1))
    if match.group(2):
        first, months = (int(match.group(2)[1]) - 1) * 3 + 1, 3
    elif match.group(3):
        first, months = (int(match.group(3)[1]) - 1) * 6 + 1, 6
    elif match.group(4):
        first, months = int(match.group(4)), 1
    else:
        first, months = 1, 12
    return datetime.date(year, first, 1), month_end(year, first + months - 1)


def month_end(year: int, month: int) -> datetime.date:
    """The last day of a month (month may run past 12 into the next years)."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)
