"""R9: births reconciled across sources (part 11, 要求). A township's clerk uploads the clinics'
immunisation list or the police's newborn registrations of a month (.xlsx or .csv, its columns
mapped once per source and division and saved); each listed birth is matched against the registry
(ID number first, then same-sound name + birth date + sex); the births the list has and the
registry lacks, and those the registry has and the list lacks, become to-dos for the clerk with a
link to what resolves them (registering the child; the child's record). A file with a bad row
(a date that is no date or outside the month, a missing name or sex) is refused whole, every bad
row named, and nothing is written."""
import datetime
import io

from django.db import transaction

from liudong import fields
from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.codes import Level
from liudong.divisions.queries import parse_division
from liudong.errors import Invalid, NotFound
from liudong.identifiers import normalise_document_number
from liudong.people import scope
from liudong.people.imports.files import sheet_rows
from liudong.people.models import Person
from liudong.people.pinyin import name_key

from .choices import ReconSide, ReconSource
from .models import ColumnMapping, Reconciliation, ReconItem
from .services_backchecks import _period

COLUMNS = {
    "name": ("姓名", "儿童姓名", "新生儿姓名", "婴儿姓名"),
    "sex": ("性别",),
    "birth_date": ("出生日期", "出生时间"),
    "mother_name": ("母亲姓名", "母亲"),
    "id_number": ("身份证号", "公民身份号码", "身份证号码"),
}
REQUIRED_COLUMNS = ("name", "sex", "birth_date")
SEXES = {"男": "M", "女": "F", "M": "M", "F": "F", "男性": "M", "女性": "F"}
MAX_ERRORS = 50


def _mapping(raw, saved: dict, header: list[str], errors) -> dict[str, int]:
    """field -> column index: the mapping given, else the one saved for the source, else the
    usual header names. A mapping that names a column the file lacks is an error."""
    given = raw if raw not in (None, "", {}) else saved
    if given and not isinstance(given, dict):
        fields.add(errors, "mapping", "应为 {字段: 列名} / must be {field: column header}")
        return {}
    index = {str(h).strip(): i for i, h in enumerate(header) if h not in (None, "")}
    out: dict[str, int] = {}
    for field, names in COLUMNS.items():
        if given and field in given:
            column = str(given[field]).strip()
            if column not in index:
                fields.add(errors, f"mapping.{field}", f"文件中没有“{column}”列 / the file has no column “{column}”")
                continue
            out[field] = index[column]
        else:
            found = next((index[n] for n in names if n in index), None)
            if found is not None:
                out[field] = found
    for field in REQUIRED_COLUMNS:
        if field not in out and f"mapping.{field}" not in errors:
            fields.add(errors, f"mapping.{field}", f"找不到{'、'.join(COLUMNS[field])}列，请在映射中指定 / no column for {field}: name it in the mapping")
    if given and set(given) - set(COLUMNS):
        fields.add(errors, "mapping", f"只能映射：{', '.join(COLUMNS)} / only these can be mapped: {', '.join(COLUMNS)}")
    return out


def _day(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _read(cells, columns: dict[str, int], start, end, errors) -> list[dict]:
    rows, bad = [], []
    for n, cells_row in enumerate(cells, start=2):
        cells_row = list(cells_row or [])
        if not any(c not in (None, "") for c in cells_row):
            continue
        get = lambda f: cells_row[columns[f]] if f in columns and columns[f] < len(cells_row) else None  # noqa: E731
        name = str(get("name") or "").strip()
        sex = SEXES.get(str(get("sex") or "").strip().upper() if str(get("sex") or "").strip() in ("m", "f") else str(get("sex") or "").strip())
        day = _day(get("birth_date"))
        problems = []
        if not name:
            problems.append("姓名为空 / no name")
        if sex is None:
            problems.append("性别应为 男 或 女 / sex must be 男 or 女")
        if day is None:
            problems.append(f"出生日期“{get('birth_date')}”不是有效日期 / the birth date “{get('birth_date')}” is not a date")
        elif not start <= day < end:
            problems.append(f"出生日期 {day} 不在所选月份 / the birth date {day} is outside the month")
        if problems:
            bad.extend(f"第{n}行：{p}" for p in problems)
            continue
        rows.append({"row": n, "name": name, "sex": sex, "birth_date": day, "mother_name": str(get("mother_name") or "").strip()[:50],
                     "id_number": normalise_document_number(get("id_number") or "")})
    if bad:
        errors["file"] = bad[:MAX_ERRORS] + ([f"另有 {len(bad) - MAX_ERRORS} 处错误 / and {len(bad) - MAX_ERRORS} more"] if len(bad) > MAX_ERRORS else [])
    return rows


@transaction.atomic
def reconcile(*, actor, data: dict, fileobj, file_name: str = "", today: datetime.date) -> Reconciliation:
    require(actor, Action.HANDLE_CASES)
    errors: dict[str, list[str]] = {}
    township = parse_division(data, "division", errors, actor=actor)
    if township is not None and township.level != Level.TOWNSHIP:
        fields.add(errors, "division", "应为乡镇（街道） / must be a township")
    period = _period(data.get("period"), errors)
    if period and period[1] > today:
        fields.add(errors, "period", "不能核对未来月份 / a month still to come cannot be checked")
    source = data.get("source")
    if source not in ReconSource.values:
        fields.add(errors, "source", f"应为 {' 或 '.join(ReconSource.values)} / must be {' or '.join(ReconSource.values)}")
    if errors:
        raise Invalid(errors)
    cells = iter(sheet_rows(fileobj))
    header = [str(h).strip() if h is not None else "" for h in next(cells, [])]
    saved = ColumnMapping.objects.filter(division=township.code, source=source).values_list("mapping", flat=True).first() or {}
    columns = _mapping(data.get("mapping"), saved, header, errors)
    if errors:
        raise Invalid(errors)
    label, start, end = period
    listed = _read(cells, columns, start, end, errors)
    if errors:
        raise Invalid(errors)
    if data.get("mapping"):
        ColumnMapping.objects.update_or_create(division=township.code, source=source, defaults={"mapping": data["mapping"], "saved_on": today})
    births = list(Person.objects.filter(scope.division_q(township.code), birth_date__gte=start, birth_date__lt=end)
                  .values_list("pk", "id_number", "name", "name_key", "sex", "birth_date"))
    by_id = {b[1]: b for b in births if b[1]}
    by_sound: dict[tuple, list] = {}
    for b in births:
        by_sound.setdefault((b[3], b[4], b[5]), []).append(b)
    matched: set[int] = set()
    source_only = []
    for r in listed:
        hit = by_id.get(r["id_number"]) if r["id_number"] else None
        if hit is None or hit[0] in matched:
            hit = next((b for b in by_sound.get((name_key(r["name"]), r["sex"], r["birth_date"]), []) if b[0] not in matched), None)
        if hit is None:
            source_only.append(r)
        else:
            matched.add(hit[0])
    run = Reconciliation.objects.create(division=township.code, period=label, source=source, file_name=file_name[:200], rows=len(listed), uploaded_on=today,
                                        uploaded_by=actor if getattr(actor, "pk", None) else None)
    ReconItem.objects.bulk_create(
        [ReconItem(reconciliation=run, side=ReconSide.SOURCE_ONLY, row_number=r["row"], name=r["name"][:50], sex=r["sex"], birth_date=r["birth_date"],
                   mother_name=r["mother_name"]) for r in source_only]
        + [ReconItem(reconciliation=run, side=ReconSide.REGISTRY_ONLY, person_id=b[0], name=b[2], sex=b[4], birth_date=b[5]) for b in births if b[0] not in matched])
    record(actor, "births.reconcile", obj=run, fields={"division": township.code, "period": label, "source": source, "rows": len(listed),
                                                      "matched": len(matched), "source_only": len(source_only), "registry_only": len(births) - len(matched)})
    return run


@transaction.atomic
def resolve_item(*, actor, item_id, today: datetime.date) -> ReconItem:
    require(actor, Action.HANDLE_CASES)
    item = ReconItem.objects.select_for_update().select_related("reconciliation").filter(pk=item_id).first() if item_id else None
    if item is None or not actor.in_scope(item.reconciliation.division):
        raise NotFound("核对事项不存在或不在您的管辖范围内 / no such to-do in your area")
    if item.resolved_on:
        raise Invalid({"state": ["该事项已处理 / this to-do is done already"]})
    item.resolved_on, item.resolved_by = today, actor
    item.save(update_fields=["resolved_on", "resolved_by"])
    record(actor, "births.resolve", obj=item, person_id=item.person_id, fields={"side": item.side})
    return item


def file_from_bytes(data: bytes, name: str = ""):
    f = io.BytesIO(data)
    f.name = name
    return f
