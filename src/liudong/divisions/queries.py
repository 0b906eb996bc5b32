"""Reads of the division tree that other apps share (J1).

`parse_division` is the one field parser for a division typed into a form, the API, an import or a
command: the code's syntax is the kernel's (`liudong.fields.division_code`), the look-up is here,
so that the kernel imports no app.
"""
from collections.abc import Mapping

from liudong import fields

from .models import Division

OUTSIDE_SCOPE = "区划不在您的管辖范围内 / that division is outside your scope"


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
