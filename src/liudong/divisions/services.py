"""J1: loading official code lists and managing grids (invariant 1: one door for writes)."""
import csv
import io

from django.db import connection, transaction
from django.db.models import Q

from liudong import fields
from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import in_scope, require
from liudong.codes import NATION_CODE, level_of_code, normalise, parent_code
from liudong.errors import Invalid, NotFound
from liudong.identifiers import row_id

from .kinds import kind_for
from .models import Division, Grid

GRID_NAME_MAX = 100


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
    # A plain executemany, not bulk_create: a full village-level list is ~700,000 rows and the
    # ORM's per-object work was most of the load time (bench/divisions.py, 697k rows: 54 s -> 9 s).
    meta = division_model._meta
    # The historical model of migration 0002 predates the kind (migration 0003 fills it in).
    fields = ("code", "name", "level", "parent", "edition") + (("kind",) if any(f.name == "kind" for f in meta.fields) else ())
    columns = ", ".join(connection.ops.quote_name(meta.get_field(f).column) for f in fields)
    sql = f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    with connection.cursor() as cursor:
        for i in range(0, len(new), batch_size):
            cursor.executemany(sql, [row[: len(fields)] for row in new[i : i + batch_size]])
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


@transaction.atomic
def load_divisions_csv(*, actor, text: str, edition: str) -> dict:
    """`liudong divisions load FILE.csv` and the admin upload (actor None: the command line)."""
    require(actor, Action.MANAGE_DIVISIONS)
    if not edition or len(edition) > 40:
        raise Invalid({"edition": ["版本必填，最多40字 / an edition label of 1-40 characters is required"]})
    rows = parse_division_rows(text)
    result = load_division_rows(rows, edition=edition)
    record(actor, "divisions.load", object_type="division", fields={"edition": edition, **result})
    return result


def _grid_name(village, name, errors, *, exclude_pk=None) -> str:
    name = fields.text({"name": name}, "name", errors, max_length=GRID_NAME_MAX, required=True)
    if "name" not in errors and village is not None:
        same = Grid.objects.filter(village=village, name=name)
        if exclude_pk is not None:
            same = same.exclude(pk=exclude_pk)
        if same.exists():
            errors["name"] = ["该村已有同名网格 / the village has a grid of that name"]
    return name


def _collector(village, collector_id, errors):
    """The responsible collector: staff of that village (or below it)."""
    from liudong.accounts.models import Staff

    if not collector_id:
        return None
    pk = row_id(collector_id)
    collector = Staff.objects.filter(pk=pk).first() if pk else None
    if collector is None or village is None or not (collector.division_id == village.code or village.contains(collector.division_id)):
        errors["collector_id"] = ["负责人应为该村的工作人员 / the collector must be staff of that village"]
    return collector


@transaction.atomic
def add_grid(*, actor, village_code: str, name: str, collector_id=None) -> Grid:
    """A grid (网格) inside a village with its responsible collector."""
    require(actor, Action.MANAGE_GRIDS)
    errors = {}
    village = Division.objects.filter(code=village_code).first() if isinstance(village_code, str) else None
    if village is None or village.level != 5:
        errors["village"] = [f"{village_code} 不是已知的村居 / {village_code} is not a known village"]
    elif not in_scope(actor, village.code):
        errors["village"] = ["村居不在您的管辖范围内 / that village is outside your scope"]
    name = _grid_name(village, name, errors)
    collector = _collector(village, collector_id, errors)
    if errors:
        raise Invalid(errors)
    grid = Grid.objects.create(village=village, name=name, collector=collector)
    record(actor, "grid.add", obj=grid, fields={"village": village.code, "name": name, "collector": collector_id})
    return grid


@transaction.atomic
def update_grid(*, actor, grid_id, name=None, collector_id=None) -> Grid:
    """Rename a grid or change its responsible collector, with the checks of add_grid; audited as
    {field: [old, new]}. None leaves a field as it is; collector_id "" (or 0) removes the collector.
    A grid outside the actor's subtree is not found."""
    require(actor, Action.MANAGE_GRIDS)
    pk = row_id(grid_id)
    grid = Grid.objects.select_for_update().filter(pk=pk).first() if pk else None
    if grid is None or not in_scope(actor, grid.village_id):
        raise NotFound("网格不存在或不在您的管辖范围内 / no such grid in your scope")
    errors = {}
    changed = {}
    if name is not None:
        new_name = _grid_name(grid.village, name, errors, exclude_pk=grid.pk)
        if "name" not in errors and new_name != grid.name:
            changed["name"] = [grid.name, new_name]
    if collector_id is not None:
        collector = _collector(grid.village, collector_id, errors)
        new_id = collector.pk if collector else None
        if "collector_id" not in errors and new_id != grid.collector_id:
            changed["collector_id"] = [grid.collector_id, new_id]
    if errors:
        raise Invalid(errors)
    if changed:
        for field, (_old, new) in changed.items():
            setattr(grid, field, new)
        grid.save(update_fields=[f.removesuffix("_id") for f in changed])
        record(actor, "grid.update", obj=grid, fields=changed)
    return grid
