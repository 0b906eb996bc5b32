"""The one place for scope (invariant 2), as NetBox's `restrict()`: every read that keeps to an
actor's subtree filters through `in_range`, an index range scan over 12-digit codes (J1).

Also the names of divisions and their ancestors for lists, registers and letters; the kinds of
county-level divisions that J2 compares (divisions.kinds); and `parse_division`, the one field
parser for a division typed into a form, the API, an import or a command: the code's syntax is
the kernel's (`liudong.fields.division_code`), the look-up is here, so that the kernel imports no
app.
"""
import dataclasses
import datetime
from collections.abc import Callable, Collection, Mapping

from django.db import models
from django.db.models import Q

from liudong import fields
from liudong.codes import Level, code_range, parent_code
from liudong.errors import Invalid, NotFound

from .kinds import county_of, j2_area
from .models import Division

MAX_DIVISION_CHOICES = 2000
OUTSIDE_SCOPE = "区划不在您的管辖范围内 / that division is outside your scope"
NOT_IN_SCOPE = "区划不存在或不在您的管辖范围内 / no such division in your scope"
# Placeholder names in the official code list that add nothing to a full place name.
PLACEHOLDER_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖县级行政单位"}


def in_range(field: str, code: str) -> Q:
    """Rows whose division code `field` lies in the subtree of `code` (the code itself included)."""
    low, high = code_range(code)
    return Q(**{f"{field}__gte": low, f"{field}__lte": high})


def divisions_below(*, actor, min_level: int, max_level: int) -> list[tuple[str, str]]:
    """The actor's division and those below it between two levels, as (code, name indented by
    level with its code beside it: issue 9 item 7, two places may share a name), for a select (at
    most MAX_DIVISION_CHOICES)."""
    rows = (
        Division.objects.filter(in_range("code", actor.division_id), level__gte=min_level, level__lte=max_level)
        .order_by("code").values_list("code", "name", "level")[:MAX_DIVISION_CHOICES]
    )
    base = actor.division.level
    indent = "\u3000"  # an ideographic space a level
    return [(code, f"{indent * max(level - base, 0)}{name} · {code}") for code, name, level in rows]


class DivisionNames:
    """Names of divisions and their ancestors, loaded in one query per 500 codes (no N+1)."""

    def __init__(self, codes):
        wanted = set()
        for code in codes:
            while code and code not in wanted:
                wanted.add(code)
                code = parent_code(code) if len(code) == 12 and code.isdigit() else None
        self.rows: dict[str, tuple[str, int]] = {}
        wanted = sorted(wanted)
        for i in range(0, len(wanted), 500):
            for c, name, level in Division.objects.filter(code__in=wanted[i: i + 500]).values_list("code", "name", "level"):
                self.rows[c] = (name, level)
        self.full_names: dict[str, str] = {}

    def name(self, code: str | None) -> str:
        return self.rows.get(code or "", (code or "", 0))[0]

    def full(self, code: str | None) -> str:
        """Province, city, county, township, village names joined, e.g. 四川省巴中市通江县诺江镇诺江村."""
        if not code:
            return ""
        if code not in self.full_names:
            parts, c = [], code
            while c:
                name, level = self.rows.get(c, ("", 0))
                if level >= Level.PROVINCE and name and name not in PLACEHOLDER_NAMES:
                    parts.append(name)
                c = parent_code(c) if len(c) == 12 and c.isdigit() else None
            self.full_names[code] = "".join(reversed(parts)) or code
        return self.full_names[code]


def parse_division(data: Mapping, field: str, errors: dict, *, required: bool = True, min_level: int | None = None, actor=None,
             missing: str = fields.REQUIRED) -> Division | None:
    """The division whose code is `data[field]`, or None with a field error: the code does not
    exist, the division lies above `min_level` (a residence is at least a county), or, with
    `actor`, it lies outside the actor's subtree."""
    code = fields.division_code(data, field, errors, required=required, missing=missing)
    if code is None:
        return None
    found = Division.objects.filter(code=code).first()
    if found is None:
        fields.add(errors, field, f"区划代码 {code} 不存在 / no division has code {code}")
        return None
    if min_level is not None and found.level < min_level:
        fields.add(errors, field, f"应为第 {min_level} 级或以下的区划 / must be a division of level {min_level} or below")
        return None
    if actor is not None and not actor.in_scope(found.code):
        fields.add(errors, field, OUTSIDE_SCOPE)
        return None
    return found
@dataclasses.dataclass(frozen=True)
class PlacePeriod:
    """A division and a period, both days included (what T3 figures and a written log are about)."""
    division: Division
    start: datetime.date
    end: datetime.date


def parse_scoped_period(*, actor, given: Mapping, longer: Callable[[datetime.date, datetime.date], bool], too_long: str,
                        levels: Collection[int] | None = None, wrong_level: str = "", kind=PlacePeriod):
    """The division and the period of a read of figures or a log: `given["division"]`, a division
    of the actor's subtree (her own when blank; with `levels`, of one of those levels), and the
    period `given["start"]` to `given["end"]` (fields.period). Every bad field at once (Invalid);
    a code outside the subtree is NotFound whether or not it exists (a scope never leaks what lies
    outside it), or, when other fields are wrong too, the same words among their errors."""
    errors: dict[str, list[str]] = {}
    # actor None is the system (a scheduled job, a command: issue 14's bulletins), whose subtree is the nation.
    own = actor.division_id if actor is not None else "000000000000"
    code = fields.division_code(given, "division", errors, required=False) or ("" if "division" in errors else own)
    place, outside = None, bool(code) and actor is not None and not actor.in_scope(code)
    if code and not outside:
        place = Division.objects.filter(code=code).first()
        if place is None:
            errors["division"] = [f"区划代码 {code} 不存在 / no division has code {code}"]
        elif levels is not None and place.level not in levels:
            errors["division"] = [wrong_level]
    start, end = fields.period(given, errors, longer=longer, too_long=too_long)
    if outside:
        if not errors:
            raise NotFound(NOT_IN_SCOPE)
        errors["division"] = [NOT_IN_SCOPE]  # reported with the other fields' errors, telling nothing more
    if errors:
        raise Invalid(errors)
    return kind(division=place, start=start, end=end)


def county_kinds(codes) -> dict[str, str]:
    """{county code: kind} for the county-level divisions the given codes lie in (one query)."""
    counties = {county_of(c) for c in codes if c}
    return dict(Division.objects.filter(code__in=counties).values_list("code", "kind"))


def all_county_kinds() -> dict[str, str]:
    """{county code: kind} of every division with a kind: the preload of bulk imports."""
    return dict(Division.objects.exclude(kind="").values_list("code", "kind"))


def same_j2_area(code_a: str, code_b: str, kinds: dict[str, str] | None = None) -> bool:
    """J2: are the two places one place for the floating count (same county, or two districts of
    one city)? `kinds` may be preloaded ({county code: kind}); otherwise it is read."""
    if kinds is None:
        kinds = county_kinds((code_a, code_b))
    return j2_area(code_a, kinds.get(county_of(code_a), "")) == j2_area(code_b, kinds.get(county_of(code_b), ""))


# --- Issue 9, item 7: the division picker (search by code, name or pinyin) --------------------

PICK_LIMIT = 20
PINYIN_MAX_ROWS = 50_000
_PINYIN_CACHE: dict = {}


def _pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin without spaces, initials) of a division's name: 南山区 -> ("nanshanqu", "nsq")."""
    from pypinyin import Style, lazy_pinyin

    syllables = [s.lower().replace("ü", "v") for s in lazy_pinyin(name, style=Style.NORMAL, errors="ignore")]
    return "".join(syllables), "".join(s[0] for s in syllables if s)


def _pinyin_table(code: str, min_level: int, max_level: int) -> list[tuple[str, str, int, str, str, bool]]:
    """(code, name, level, full pinyin, initials, retired) of the divisions of a subtree between two
    levels, computed once per process and again when the table changes (its size, last code and
    number retired)."""
    rows = Division.objects.filter(in_range("code", code), level__gte=min_level, level__lte=max_level)
    stamp = rows.aggregate(n=models.Count("code"), last=models.Max("code"), retired=models.Count("code", filter=models.Q(retired=True)))
    if stamp["n"] > PINYIN_MAX_ROWS and max_level > Level.COUNTY:
        # A whole country's villages (600,000 names) are too many to spell out in memory: the
        # pinyin then covers provinces to counties; names and codes still reach every level.
        return _pinyin_table(code, min_level, Level.COUNTY)
    key = (code, min_level, max_level)
    cached = _PINYIN_CACHE.get(key)
    if cached is None or cached[0] != stamp:
        table = [(c, name, level, *_pinyin_keys(name), retired) for c, name, level, retired in rows.order_by("code").values_list("code", "name", "level", "retired")]
        _PINYIN_CACHE[key] = cached = (stamp, table)
    return cached[1]


def pick(query: str, *, within: str, min_level: int = 1, max_level: int = 5, limit: int = PICK_LIMIT, retired: bool = False) -> list[dict]:
    """J1: divisions of the subtree of `within` between two levels whose code starts with the
    digits typed, whose name contains the characters typed, or whose name's pinyin (full or
    initials, spaces ignored) starts with the letters typed; higher levels first, then by code.
    Each with its full name (province to village), so that two 城关镇 can be told apart. Retired
    divisions (Division.retired: gone from the newest edition of the list) only with `retired`
    (the picker's 含已撤销区划), marked with the last edition that had them."""
    query = "".join((query or "").split()).lower()[:40]
    if not query:
        return []
    base = Division.objects.filter(in_range("code", within), level__gte=min_level, level__lte=max_level)
    if not retired:
        base = base.filter(retired=False)
    columns = ("code", "name", "level", "retired", "edition")
    if query.isascii() and query.isdigit():
        found = list(base.filter(code__startswith=query).order_by("level", "code").values_list(*columns)[:limit])
    elif query.isascii() and query.isalpha():
        table = [row for row in _pinyin_table(within, min_level, max_level) if retired or not row[5]]
        hits = [(c, n, lv) for c, n, lv, full, initials, _ in table if full.startswith(query) or initials.startswith(query)]
        if len(hits) < limit:
            hits += [(c, n, lv) for c, n, lv, full, _, _ in table if query in full and not full.startswith(query) and (c, n, lv) not in hits]
        hits = sorted(hits, key=lambda r: (r[2], r[0]))[:limit]
        marks = dict(((c, (r, e)) for c, r, e in Division.objects.filter(code__in=[c for c, _, _ in hits]).values_list("code", "retired", "edition")))
        found = [(c, n, lv, *marks.get(c, (False, ""))) for c, n, lv in hits]
    else:
        found = list(base.filter(name__contains=query).order_by("level", "code").values_list(*columns)[:limit])
    names = DivisionNames([row[0] for row in found])
    return [{"code": c, "name": n, "level": lv, "full": names.full(c), "retired": r, "edition": e if r else ""} for c, n, lv, r, e in found]
