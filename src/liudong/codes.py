"""J1: the arithmetic of 12-digit statistical division codes `PPCCDDTTTVVV`, in the shared kernel.

Every ancestor's code is a prefix of its descendants' codes, so a subtree is a contiguous range of
codes (`code_range`): an index range scan. This module needs no table; the division tree
(`liudong.divisions`) and every scope filter (`liudong.divisions.queries.in_range`) build on it.
"""
from django.db import models

NATION_CODE = "000000000000"


class Level(models.IntegerChoices):
    NATION = 0, "国家 nation"
    PROVINCE = 1, "省 province"
    CITY = 2, "市 city"
    COUNTY = 3, "县 county"
    TOWNSHIP = 4, "乡镇街道 township"
    VILLAGE = 5, "村居 village"


# Significant digits of a code at each level: 2 for a province ... 12 for a village.
PREFIX_LENGTH = {0: 0, 1: 2, 2: 4, 3: 6, 4: 9, 5: 12}
# A code may be typed as the leading digits of a province, city, county or township (J1).
SHORT_CODE_LENGTHS = (2, 4, 6, 9)


def level_of_code(code: str) -> int:
    """The level a 12-digit code denotes, from its trailing zeros (J1)."""
    if code == NATION_CODE:
        return Level.NATION
    if code[2:] == "0" * 10:
        return Level.PROVINCE
    if code[4:] == "0" * 8:
        return Level.CITY
    if code[6:] == "0" * 6:
        return Level.COUNTY
    if code[9:] == "000":
        return Level.TOWNSHIP
    return Level.VILLAGE


def normalise(raw) -> str:
    """A code typed as the 2, 4, 6 or 9 leading digits of a province, city, county or township is
    padded to 12; anything else is returned stripped, as typed, for the caller to refuse."""
    code = str(raw if raw is not None else "").strip()
    if code.isascii() and code.isdigit() and len(code) in SHORT_CODE_LENGTHS:
        code = code.ljust(12, "0")
    return code


def parent_code(code: str) -> str | None:
    level = level_of_code(code)
    if level == Level.NATION:
        return None
    keep = PREFIX_LENGTH[level - 1]
    return (code[:keep]).ljust(12, "0") if keep else NATION_CODE


def prefix(code: str) -> str:
    """The significant digits of a code: the prefix shared by its whole subtree."""
    return code[: PREFIX_LENGTH[level_of_code(code)]]


def code_range(code: str) -> tuple[str, str]:
    """Inclusive (low, high) bounds of the codes in a division's subtree: an index range scan."""
    p = prefix(code)
    return p.ljust(12, "0"), p.ljust(12, "9")
