from ninja import Router, Schema

from liudong.errors import NotFound

from .models import Division

router = Router(tags=["divisions"])


class DivisionOut(Schema):
    code: str
    name: str
    level: int
    parent: str | None


def _out(d: Division) -> dict:
    return {"code": d.code, "name": d.name, "level": d.level, "parent": d.parent_id}


@router.get("/divisions/{code}", response=DivisionOut)
def division(request, code: str):
    d = Division.objects.filter(code=code).first()
    if d is None:
        raise NotFound(f"区划代码 {code} 不存在 / no division has code {code}")
    return _out(d)


@router.get("/divisions/{code}/children", response=list[DivisionOut])
def children(request, code: str):
    if not Division.objects.filter(code=code).exists():
        raise NotFound(f"区划代码 {code} 不存在 / no division has code {code}")
    return [_out(d) for d in Division.objects.filter(parent_id=code).order_by("code")]
