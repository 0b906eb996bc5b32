"""X4: loading a year of the official working-day calendar (`liudong calendar load`, the calendar
page) and the home page's warning before the loaded calendar ends. Same rules as services.py:
permission, all-or-nothing, audited."""
import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.content_types import decoded
from liudong.errors import Denied, Invalid

from .calendar import forget_snapshot
from .models import CalendarDay, CalendarYear, DayKind
from .services import CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR, CALENDAR_MAX_BYTES, CALENDAR_MAX_ROWS, WEEKDAY_EN, WEEKDAY_ZH

CALENDAR_LOADER_MAX_LEVEL = 1  # J1: nation (0) or province (1)


# ---------------------------------------------------------------- the working-day calendar (X4)

def _line(n: int, zh: str, en: str) -> str:
    return f"第{n}行：{zh} / line {n}: {en}"


def read_calendar_csv(data) -> list[tuple]:
    """The rows (line number, [date, kind(, name)]) of a calendar CSV: header `date,kind`
    (an optional third column `name`), UTF-8 (with or without BOM) or GB18030."""
    if isinstance(data, bytes):
        if len(data) > CALENDAR_MAX_BYTES:
            raise Invalid({"file": [f"文件过大（最多 {CALENDAR_MAX_BYTES // 1024} KB） / the file is too large ({CALENDAR_MAX_BYTES // 1024} KB at most)"]})
        text = decoded(data, ("utf-8-sig", "gb18030"))
        if text is None:
            raise Invalid({"file": ["文件不是 UTF-8 或 GBK 编码的文本 / the file is not UTF-8 or GBK text"]})
    else:
        text = str(data).lstrip("\ufeff")
    if "\x00" in text:
        raise Invalid({"file": ["文件含有空字符，不是CSV文本 / the file holds NUL characters: it is not CSV text"]})
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, None)
        header = [c.strip().lower() for c in header] if header else []
        if header[:2] != ["date", "kind"] or header[2:] not in ([], ["name"]):
            raise Invalid({"file": ["第1行应为表头 date,kind（可加第三列 name） / line 1 must be the header date,kind (a third column name may follow)"]})
        rows = []
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            rows.append((reader.line_num, cells))
    except csv.Error as e:
        raise Invalid({"file": [f"CSV 格式错误（第{reader.line_num}行） / the CSV is malformed at line {reader.line_num}: {e}"]}) from None
    return rows


_DATE_TEXT = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")


def _calendar_row_errors(rows, year: int):
    """Check every row; return (days {date: (kind, name)}, messages by line)."""
    days: dict[datetime.date, tuple[str, str]] = {}
    first_line: dict[datetime.date, int] = {}
    messages: list[str] = []
    for index, row in enumerate(rows):
        if len(row) == 2 and isinstance(row[0], int) and isinstance(row[1], (list, tuple)):
            n, cells = row  # (line, cells) from read_calendar_csv
        else:
            n, cells = index + 2, row  # (date, kind[, name]): lines counted after the header
        cells = [("" if c is None else c) for c in cells]
        if len(cells) not in (2, 3):
            messages.append(_line(n, f"应有 2 列（date,kind），现有 {len(cells)} 列", f"expected 2 columns (date,kind), found {len(cells)}"))
            continue
        raw_date, raw_kind = cells[0], cells[1]
        name = str(cells[2]).strip() if len(cells) == 3 else ""
        if isinstance(raw_date, datetime.datetime):
            raw_date = raw_date.date()
        day = raw_date if isinstance(raw_date, datetime.date) else None
        if day is None:
            text = str(raw_date).strip()
            m = _DATE_TEXT.match(text)
            try:
                day = datetime.date(int(m[1]), int(m[2]), int(m[3])) if m else None
            except ValueError:
                day = None
            if day is None:
                messages.append(_line(n, f"日期 {text[:20]} 不是 YYYY-MM-DD 格式的真实日期", f"{text[:20]} is not a real date written YYYY-MM-DD"))
                continue
        kind = str(raw_kind).strip().lower()
        bad = []
        if day.year != year:
            bad.append(("日期 {} 不在 {} 年内".format(day, year), f"{day} is not in {year}"))
        if kind not in DayKind.values:
            bad.append((f"类别 {kind[:20]} 应为 holiday 或 workday", f"the kind {kind[:20]} must be holiday or workday"))
        elif kind == DayKind.HOLIDAY and day.weekday() >= 5:
            bad.append((f"{day} 是星期{WEEKDAY_ZH[day.weekday()]}，周末本来就休息，不必列为节假日",
                        f"{day} is a {WEEKDAY_EN[day.weekday()]}: a weekend is a rest day anyway, list only holidays on weekdays"))
        elif kind == DayKind.WORKDAY and day.weekday() < 5:
            bad.append((f"{day} 是星期{WEEKDAY_ZH[day.weekday()]}，工作日本来就上班，只列周末的调休上班日",
                        f"{day} is a {WEEKDAY_EN[day.weekday()]}: a weekday is a workday anyway, list only make-up workdays on weekends"))
        if len(name) > 40:
            bad.append(("名称最多 40 个字符", "the name has 40 characters at most"))
        if day in first_line:
            bad.append((f"日期 {day} 与第{first_line[day]}行重复", f"{day} repeats line {first_line[day]}"))
        else:
            first_line[day] = n
        if bad:
            messages.extend(_line(n, zh, en) for zh, en in bad)
            continue
        days[day] = (kind, name)
    return days, messages


@dataclass
class CalendarLoad:
    year: int
    replaced: bool
    holidays: int
    workdays: int
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)


@transaction.atomic
def load_calendar_year(*, actor, year, rows, source: str, replace: bool = False, now) -> CalendarLoad:
    """X4: load (or, with replace=True, replace) one year of the official schedule. `rows` are
    (line, [date, kind(, name)]) from read_calendar_csv, or (date, kind[, name]) tuples (lines
    counted from 2, after the header). A loaded year is complete: weekdays not listed are workdays, weekends not
    listed are rest days. Every bad row is reported with its line number; nothing is written
    unless every row is good."""
    require(actor, Action.MANAGE_CALENDAR)
    if actor is not None and not loads_calendar(actor=actor):
        raise Denied("工作日历由国家或省级管理员载入 / the calendar is loaded by a nation or province administrator")
    errors: dict[str, list[str]] = {}
    try:
        year = int(str(year).strip())
    except (TypeError, ValueError):
        raise Invalid({"year": [f"年份应为 {CALENDAR_FIRST_YEAR}-{CALENDAR_LAST_YEAR} 之间的整数 / the year must be a whole number from {CALENDAR_FIRST_YEAR} to {CALENDAR_LAST_YEAR}"]}) from None
    if not CALENDAR_FIRST_YEAR <= year <= CALENDAR_LAST_YEAR:
        raise Invalid({"year": [f"年份应在 {CALENDAR_FIRST_YEAR} 至 {CALENDAR_LAST_YEAR} 之间 / the year must lie between {CALENDAR_FIRST_YEAR} and {CALENDAR_LAST_YEAR}"]})
    source = str(source or "").strip()
    if not source:
        errors["source"] = ["请注明来源（如国务院办公厅通知文号） / name the source (e.g. the State Council notice)"]
    elif len(source) > 300:
        errors["source"] = ["最多 300 个字符 / at most 300 characters"]
    existing = CalendarYear.objects.select_for_update().filter(year=year).first()
    loaded = set(CalendarYear.objects.values_list("year", flat=True))
    if existing is not None and not replace:
        errors["year"] = [f"{year} 年已载入；如需更正请选择“替换” / {year} is loaded already: choose replace to correct it"]
    elif existing is None and loaded and year != max(loaded) + 1 and year not in loaded:
        nxt = max(loaded) + 1
        errors["year"] = [f"工作日历须逐年连续载入：下一个应载入 {nxt} 年 / years are loaded one after another: the next to load is {nxt}"]
    rows = list(rows)
    if len(rows) > CALENDAR_MAX_ROWS:
        errors["file"] = [f"最多 {CALENDAR_MAX_ROWS} 行，现有 {len(rows)} 行 / {CALENDAR_MAX_ROWS} rows at most, found {len(rows)}"]
    elif not rows:
        errors["file"] = ["文件没有数据行：每年的放假安排至少有节假日 / the file has no rows: every year's schedule has holidays"]
    else:
        days, messages = _calendar_row_errors(rows, year)
        if messages:
            errors["file"] = messages
    if errors:
        raise Invalid(errors)
    who = getattr(actor, "username", "") or "system"
    old = {d: k for d, k in CalendarDay.objects.filter(year_id=year).values_list("date", "kind")}
    if existing is not None:
        existing.source, existing.loaded_at, existing.loaded_by = source, now, who
        existing.save()
        CalendarDay.objects.filter(year_id=year).delete()
    else:
        CalendarYear.objects.create(year=year, source=source, loaded_at=now, loaded_by=who)
    CalendarDay.objects.bulk_create([CalendarDay(date=d, year_id=year, kind=k, name=nm) for d, (k, nm) in sorted(days.items())])
    result = CalendarLoad(year, existing is not None, sum(1 for k, _ in days.values() if k == DayKind.HOLIDAY), sum(1 for k, _ in days.values() if k == DayKind.WORKDAY))
    if existing is not None:
        result.added = sorted(d.isoformat() for d in days if d not in old)
        result.removed = sorted(d.isoformat() for d in old if d not in days)
    fields = {"year": year, "holidays": result.holidays, "workdays": result.workdays, "source": source}
    if existing is not None:
        fields.update(added=result.added, removed=result.removed)
    record(actor, "calendar.replace" if existing is not None else "calendar.load", object_type="calendaryear", object_id=year, fields=fields, at=now)
    forget_snapshot()
    transaction.on_commit(forget_snapshot)
    return result


@dataclass
class CalendarStatus:
    years: list
    last_day: datetime.date | None
    days_left: int | None
    warn_days: int
    covers_today: bool

    @property
    def warn(self) -> bool:
        return self.last_day is None or self.days_left <= self.warn_days

    @property
    def next_year(self) -> int | None:
        return self.last_day.year + 1 if self.last_day else None


def calendar_status(today: datetime.date) -> CalendarStatus:
    """X4: the last day the loaded calendar covers (the end of the run of loaded years that holds
    today), and whether that lies within LIUDONG_CALENDAR_WARN_DAYS of today."""
    years = sorted(CalendarYear.objects.values_list("year", flat=True))
    warn_days = settings.LIUDONG_CALENDAR_WARN_DAYS
    if not years:
        return CalendarStatus([], None, None, warn_days, False)
    loaded = set(years)
    if today.year in loaded:
        last = today.year
        while last + 1 in loaded:
            last += 1
    else:
        last = max(years)
    last_day = datetime.date(last, 12, 31)
    return CalendarStatus(years, last_day, (last_day - today).days, warn_days, today.year in loaded)


def loads_calendar(*, actor) -> bool:
    """The official schedule is national: an administrator of the nation or of a province (whose
    database it may be) loads it, not a county's."""
    return actor is not None and actor.can(Action.MANAGE_CALENDAR) and actor.division.level <= CALENDAR_LOADER_MAX_LEVEL


def calendar_warning(*, actor, today: datetime.date) -> CalendarStatus | None:
    """The home page's warning for staff who load the calendar, when its end is near (or past)."""
    if not loads_calendar(actor=actor):
        return None
    status = calendar_status(today)
    return status if status.warn else None
