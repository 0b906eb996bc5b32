"""J1: the division tree, read by any logged-in account (the codes and names are public)."""
from ninja import Field, Router, Schema

from liudong.api_schemas import DetailOut
from liudong.errors import NotFound

from .models import Division

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
