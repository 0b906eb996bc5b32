"""J2: which county-level divisions are districts (区) of a 直辖市 or 设区的市.

The 2009 条例 (流动人口计划生育工作条例, 国务院令第555号) 第二条, on which part 1 of the seed rests,
does not count as floating "在直辖市、设区的市行政区域内区与区之间异地居住的人员": moving between two
districts of one city is not floating, moving between a district and a county (县, 县级市, 旗 …) of
the same city is. In a city without districts (不设区的市: 东莞, 中山, 儋州, 嘉峪关) the city itself is
the county-level unit, so moving between its townships is not floating either.

So the unit J2 compares (`j2_area`) is: all districts of one city together, every other
county-level division on its own. A division's kind is learnt from its name when it is loaded
(`kind_for`): a county-level division whose name ends in 区 under a city (a parent named …市, or
the 市辖区 row of a 直辖市) is a district, anything else at that level is a county. Where the name
misleads, the table EXCEPTIONS below says otherwise; it is the one place to correct a kind.
"""
from django.db import models


class Kind(models.TextChoices):
    DISTRICT = "district", "市辖区 district"
    COUNTY = "county", "县级单位（县、自治县、县级市、旗、特区、林区） county-level unit"
    CITY = "city", "不设区的市 city without districts"


# code -> (kind, why): the divisions whose name gives the wrong kind.
EXCEPTIONS: dict[str, tuple[str, str]] = {
    # A 林区 directly under 湖北省 (省直辖县级行政区划), county-level; not a district of any city.
    "429021000000": (Kind.COUNTY, "神农架林区：省直辖的县级林区，不是市辖区"),
    # A 特区 of 六盘水市: a county-level unit of its own kind (民政部 counts 特区 apart from 市辖区).
    "520203000000": (Kind.COUNTY, "六枝特区：县级特区，不是市辖区"),
    # Prefecture-level cities with townships directly below them (不设区的市).
    "441900000000": (Kind.CITY, "东莞市：不设区的地级市"),
    "442000000000": (Kind.CITY, "中山市：不设区的地级市"),
    "460400000000": (Kind.CITY, "儋州市：不设区的地级市"),
    "620200000000": (Kind.CITY, "嘉峪关市：不设区的地级市"),
}

COUNTY_LEVEL = 3


def kind_for(code: str, name: str, level: int, parent_name: str = "") -> str:
    """The kind of a division as loaded ("" below or above the county level, except a city
    without districts). Names ending in 区 under a city are districts: 浦东新区, 滨海新区, 井陉矿区,
    碑林区 are all 市辖区 (so no suffix such as 新区, 矿区 or 林区 may be read as "not a district")."""
    if code in EXCEPTIONS:
        return EXCEPTIONS[code][0]
    if level != COUNTY_LEVEL:
        return ""
    under_city = parent_name.endswith("市") or parent_name == "市辖区"
    return Kind.DISTRICT if name.endswith("区") and under_city else Kind.COUNTY


def county_of(code: str) -> str:
    """The 12-digit code of the county-level division a code lies in (for a township of a city
    without districts: the city)."""
    return code[:6].ljust(12, "0")


def j2_area(code: str, county_kind: str) -> str:
    """The unit J2 compares: the districts of one city share their city's 4-digit prefix; any
    other county-level division (a county, a county-level city, a city without districts, a
    division whose kind is unknown) is its own 6-digit prefix. The two never collide."""
    return code[:4] if county_kind == Kind.DISTRICT else code[:6]
