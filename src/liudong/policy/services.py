"""P1: `value(name, division, on=date)` gives the value in force there and then.

The most specific jurisdiction wins (a province's value over the nation's), then the latest start.
No rule number is a literal in domain code: it is asked for here.
"""
import datetime

from django.db.models import Q

from liudong.divisions.models import NATION_CODE, PREFIX_LENGTH, level_of_code

from .models import PolicyValue


class PolicyMissing(LookupError):
    pass


def ancestor_codes(code: str) -> list[str]:
    level = level_of_code(code)
    return [NATION_CODE] + [code[: PREFIX_LENGTH[lv]].ljust(12, "0") for lv in range(1, level + 1)]


def value(name: str, division, on: datetime.date):
    code = getattr(division, "code", division) or NATION_CODE
    rows = list(
        PolicyValue.objects.filter(name=name, division_id__in=ancestor_codes(code), valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on))
        .values_list("division_id", "valid_from", "value")
    )
    if not rows:
        raise PolicyMissing(f"no policy value {name!r} in force at {code} on {on}")
    rows.sort(key=lambda r: (level_of_code(r[0]), r[1]))
    return rows[-1][2]
