"""J1: reading and loading official code lists (`code,name` CSV) into the division tree.

No actor and no audit here: the migration that ships the county list and the benchmarks call these
directly; staff and commands load through territory.services.load_divisions_csv, which checks the
role and writes the audit event (invariant 1)."""
import csv
import io

from django.db import connection
from django.db.models import Q

from liudong.codes import NATION_CODE, level_of_code, normalise, parent_code
from liudong.errors import Invalid

from .kinds import kind_for
from .models import Division


def parse_division_rows(text: str) -> list[tuple[int, str, str]]:
    """Rows of a `code,name` CSV as (row number, code, name); bad rows are errors naming the row."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if header is None or [h.strip().lower() for h in header[:2]] != ["code", "name"]:
        raise Invalid({"file": ["第1行应为表头 code,name / row 1 must be the header code,name"]})
    rows, errors = [], []
    for n, row in enumerate(reader, start=2):
        if not row or not any(c.strip() for c in row):
            continue
        code = normalise(row[0])
        name = row[1].strip() if len(row) > 1 else ""
        if not (len(code) == 12 and code.isdigit()):
            errors.append(f"第{n}行：代码 {code!r} 应为12位数字 / row {n}: code {code!r} must be 12 digits")
        elif not name or len(name) > 100:
            errors.append(f"第{n}行：名称必填且不超过100字 / row {n}: a name of 1-100 characters is required")
        else:
            rows.append((n, code, name))
    if errors:
        raise Invalid({"file": errors})
    return rows


def load_division_rows(rows, *, edition: str, division_model=Division, batch_size=5000) -> dict:
    """Insert new codes and rename changed ones. Parents must exist in the table or earlier in the
    file (rows are processed in code order, so parents come first). All or nothing.

    J2: each row's kind (district or not) is learnt from its name and its parent's name
    (divisions.kinds.kind_for); a renamed city re-derives the kinds of its counties."""
    errors = []
    names = dict(division_model.objects.values_list("code", "name"))
    current = dict(names)  # names as they will be after this load, for the kinds
    known = set(names)
    new, renamed = [], []
    seen = set()
    for n, code, name in sorted(rows, key=lambda r: r[1]):
        if code in seen:
            errors.append(f"第{n}行：代码 {code} 重复 / row {n}: code {code} repeats")
            continue
        seen.add(code)
        parent = parent_code(code)
        if code != NATION_CODE and parent not in known:
            errors.append(f"第{n}行：{code} {name} 的上级 {parent} 不存在 / row {n}: the parent {parent} of {code} {name} is unknown")
            continue
        current[code] = name
        if code in names:
            if names[code] != name:
                renamed.append((code, name))
            continue
        known.add(code)
        level = int(level_of_code(code))
        new.append((code, name, level, parent, edition, kind_for(code, name, level, current.get(parent, ""))))
    if errors:
        raise Invalid({"file": errors[:200] + ([f"……共 {len(errors)} 处错误 / {len(errors)} errors in all"] if len(errors) > 200 else [])})
    fields = insert_divisions(new, division_model=division_model, batch_size=batch_size)
    for code, name in renamed:
        division_model.objects.filter(code=code).update(name=name, edition=edition)
    if "kind" in fields and renamed:
        # A renamed division's kind, and the kinds of the counties of a renamed city (撤地设市).
        touched = {code for code, _ in renamed}
        for d in division_model.objects.filter(Q(code__in=touched) | Q(parent_id__in=touched)).only("code", "name", "level", "parent_id", "kind"):
            kind = kind_for(d.code, current[d.code], d.level, current.get(d.parent_id or "", ""))
            if kind != d.kind:
                division_model.objects.filter(code=d.code).update(kind=kind)
    return {"added": len(new), "renamed": len(renamed)}


def insert_divisions(new: list[tuple], *, division_model=Division, batch_size=5000) -> tuple[str, ...]:
    """Insert rows (code, name, level, parent, edition, kind) that are known to be new; returns
    the fields written. A plain executemany, not bulk_create: a full village-level list is
    ~700,000 rows and the ORM's per-object work was most of the load time (bench/divisions.py,
    697k rows: 54 s -> 9 s)."""
    meta = division_model._meta
    # The historical model of migration 0002 predates the kind (migration 0003 fills it in).
    fields = ("code", "name", "level", "parent", "edition") + (("kind",) if any(f.name == "kind" for f in meta.fields) else ())
    columns = ", ".join(connection.ops.quote_name(meta.get_field(f).column) for f in fields)
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY on PostgreSQL: the village list's 655,000 rows in seconds, where executemany
            # took minutes (README, Benchmarks).
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in new:
                    copy.write_row(row[: len(fields)])
            return fields
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        for i in range(0, len(new), batch_size):
            cursor.executemany(sql, [row[: len(fields)] for row in new[i : i + batch_size]])
    return fields
