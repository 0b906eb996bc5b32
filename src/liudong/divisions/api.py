"""J1: the division tree and the grids (网格) inside villages."""
from ninja import Field, Query, Router, Schema, Status

from liudong.api_schemas import ERRORS, DetailOut

from liudong.accounts.choices import Action
from liudong.errors import Denied, NotFound

from . import services
from .models import Division, Grid
from .queries import in_range

router = Router(tags=["divisions"])


class DivisionOut(Schema):
    code: str = Field(description="12位统计用区划代码 / 12-digit statistical division code")
    name: str
    level: int = Field(description="0 国家 nation … 4 乡镇街道 township, 5 村居 village")
    parent: str | None


def _out(d: Division) -> dict:
    return {"code": d.code, "name": d.name, "level": d.level, "parent": d.parent_id}


def _division(code: str) -> Division:
    d = Division.objects.filter(code=code).first() if len(code) == 12 and code.isdigit() else None
    if d is None:
        raise NotFound(f"区划代码 {code[:20]} 不存在 / no division has code {code[:20]}")
    return d


@router.get("/divisions/{code}", response={200: DivisionOut, 401: DetailOut, 404: DetailOut})
def division(request, code: str):
    return _out(_division(code))


@router.get("/divisions/{code}/children", response={200: list[DivisionOut], 401: DetailOut, 404: DetailOut})
def children(request, code: str):
    d = _division(code)
    return [_out(c) for c in Division.objects.filter(parent_id=d.code).order_by("code")]


# ---------------------------------------------------------------- grids

class GridIn(Schema):
    village: str = Field(description="村居区划代码 / village division code", json_schema_extra={"maxLength": 12, "example": "440305001001"})
    name: str = Field(description="网格名称 / grid name", json_schema_extra={"maxLength": 100})
    collector_id: int | None = Field(None, description="负责的村信息员（工作人员编号） / id of the responsible staff member")


class GridOut(Schema):
    id: int
    village: str
    village_name: str
    name: str
    collector_id: int | None
    collector: str | None


class GridPage(Schema):
    count: int
    results: list[GridOut]


def _grid_out(g: Grid) -> dict:
    return {"id": g.id, "village": g.village_id, "village_name": g.village.name, "name": g.name,
            "collector_id": g.collector_id, "collector": g.collector.username if g.collector_id else None}


def _may_see_grids(actor):
    if not (actor.can(Action.MANAGE_GRIDS) or actor.can(Action.VIEW_REGISTERS)):
        raise Denied(f"角色无权执行此操作 / your role may not do this: {Action.MANAGE_GRIDS}")


@router.get("/grids", response={200: GridPage, **ERRORS})
def list_grids(request, limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0, le=1_000_000_000)):
    """The grids of the villages in your area."""
    actor = request.auth
    _may_see_grids(actor)
    qs = Grid.objects.filter(in_range("village_id", actor.division_id)).select_related("village", "collector").order_by("village_id", "name")
    return {"count": qs.count(), "results": [_grid_out(g) for g in qs[offset: offset + limit]]}


@router.post("/grids", response={201: GridOut, **ERRORS})
def create_grid(request, payload: GridIn):
    """A grid inside a village of your area, with its collector."""
    g = services.add_grid(actor=request.auth, village_code=payload.village, name=payload.name, collector_id=payload.collector_id)
    return Status(201, _grid_out(Grid.objects.select_related("village", "collector").get(pk=g.pk)))


class GridPatch(Schema):
    name: str | None = Field(None, description="网格名称 / grid name", json_schema_extra={"maxLength": 100})
    collector_id: int | None = Field(None, description="负责的村信息员；null 为无负责人 / id of the responsible staff member; null for none")


@router.patch("/grids/{grid_id}", response={200: GridOut, **ERRORS})
def update_grid(request, grid_id: int, payload: GridPatch):
    """Rename a grid of your area or change its collector; only the fields sent change."""
    sent = payload.model_dump(exclude_unset=True)
    name = sent["name"] if sent.get("name") is not None else ("" if "name" in sent else None)
    collector = (sent["collector_id"] or "") if "collector_id" in sent else None
    g = services.update_grid(actor=request.auth, grid_id=grid_id, name=name, collector_id=collector)
    return _grid_out(Grid.objects.select_related("village", "collector").get(pk=g.pk))
