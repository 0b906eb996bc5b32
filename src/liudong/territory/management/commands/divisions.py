"""`liudong divisions load FILE.csv [--edition LABEL]` and `liudong divisions show CODE` (J1).

A load is all or nothing (territory.services.load_divisions_csv): header code,name; the level and
the parent follow from the code; an unknown parent is an error naming the row."""
from pathlib import Path

from django.core.management.base import CommandError

from liudong.cli import Subcommands, arg
from liudong.codes import Level, normalise
from liudong.divisions.models import Division
from liudong.divisions.queries import in_range
from liudong.territory import services


class Command(Subcommands):
    help = "行政区划 / division codes: load a code list, show a division"
    subcommands = {
        "load": ("load a code,name CSV (all or nothing)",
                 arg("file"), arg("--edition", default=None, help="label of the code list (default: the file name)")),
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
