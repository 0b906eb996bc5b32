"""J1 upkeep: loading code lists into the division tree and managing the grids (网格) of villages
(invariant 1: one door for writes; each service checks the role and scope and writes its audit event
in its transaction)."""
from django.db import transaction

from liudong import fields
from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.models import Staff
from liudong.accounts.permissions import in_scope, require
from liudong.codes import Level, normalise
from liudong.divisions import villages
from liudong.divisions.codelists import load_division_rows, parse_division_rows
from liudong.divisions.models import Division, Grid
from liudong.errors import Invalid, NotFound
from liudong.identifiers import row_id

GRID_NAME_MAX = 100


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


@transaction.atomic
def load_villages(*, actor, province: str = "", village_list: villages.VillageList | None = None) -> villages.Plan:
    """`liudong divisions load-villages [--province P]`: every township and village of the shipped
    village list (or `village_list`) under the counties of the division table, in one transaction;
    rows it cannot place are in the plan's `unplaced`, never dropped silently (divisions.villages)."""
    require(actor, Action.MANAGE_DIVISIONS)
    prefix = ""
    if province:
        code = normalise(province)
        if not Division.objects.filter(code=code, level=Level.PROVINCE).exists():
            raise Invalid({"province": [f"{province} 不是已知的省级区划 / {province} is not a known province"]})
        prefix = code[:2]
    village_list = village_list or villages.shipped_list()
    plan = villages.plan_for(village_list, province=prefix)
    summary = villages.apply(plan)
    record(actor, "divisions.load_villages", object_type="division", fields={"edition": village_list.edition, "province": prefix, **summary})
    return plan


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
