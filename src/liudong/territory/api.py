"""J1, part 6: the grids (网格) inside the villages of the caller's area."""
from ninja import Field, Query, Router, Schema, Status

from liudong.accounts.choices import Action
from liudong.api_schemas import ERRORS
from liudong.divisions.models import Grid
from liudong.divisions.queries import in_range
from liudong.errors import Denied

from . import services

router = Router(tags=["divisions"])


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
