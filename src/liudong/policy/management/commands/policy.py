"""`liudong policy set|adopt|show|sets` (P1): dated policy values from the command line, as the
system. Writes go through policy.services (invariant 1) and are audited with actor "system".

  liudong policy set NAME VALUE --division CODE --from DATE [--source TEXT]
      VALUE is JSON: 3, true, null, or text in double quotes ('"commitment"' in a shell)
  liudong policy adopt SET --division CODE --from DATE
  liudong policy show [--division CODE] [--on DATE]
  liudong policy sets
"""
import json

from liudong.cli import Subcommands, arg, day_of_act
from liudong.codes import NATION_CODE
from liudong.divisions.queries import parse_division
from liudong.errors import Invalid
from liudong.policy import queries, services
from liudong.policy.rule_sets import RULE_SETS


def shown(value) -> str:
    return json.dumps(value, ensure_ascii=False)


class Command(Subcommands):
    help = "政策参数 / dated policy values (P1): set, adopt, show, sets"
    subcommands = {
        "set": ("override one value for a division (and its subtree) from a date",
                arg("name", help="policy value name, e.g. birth.verify_request_days"),
                arg("value", help='JSON: 3, true, false, null or "text" (quote the quotes in a shell)'),
                arg("--division", required=True, help="12-digit division code (2/4/6/9 digits are padded)"),
                arg("--from", dest="valid_from", required=True, help="first day in force, YYYY-MM-DD"),
                arg("--source", default="", help="the document the change rests on")),
        "adopt": ("a province (or the nation) adopts a rule set from a date",
                  arg("rule_set", help=", ".join(RULE_SETS)),
                  arg("--division", required=True, help="province (or nation) code"),
                  arg("--from", dest="valid_from", required=True, help="first day in force, YYYY-MM-DD")),
        "show": ("every value in force at a division on a date, with its set and source",
                 arg("--division", default=NATION_CODE, help="division code (default: the nation)"),
                 arg("--on", default=None, help="date, YYYY-MM-DD (default today)")),
        "sets": ("the shipped rule sets with their sources",),
    }

    def handle_set(self, *, name, value, division, valid_from, source, **_):
        row = services.set_value(actor=None, name=name, raw_value=value, division_code=division, valid_from=valid_from, source=source)
        self.stdout.write(f"已设置 / set: {row.name} = {shown(row.value)} @ {row.division_id} {row.division.name} 自 / from {row.valid_from}")

    def handle_adopt(self, *, rule_set, division, valid_from, **_):
        result = services.adopt_rule_set(actor=None, code=rule_set, division_code=division, valid_from=valid_from)
        self.stdout.write(f"{result.division.name} ({result.division.code}) 自 {result.valid_from} 起采用 {result.rule_set}：新增 {len(result.added)} 个值"
                          f" / {result.division.name} adopts {result.rule_set} from {result.valid_from}: {len(result.added)} values added")
        for row in result.carried:
            self.stdout.write(f"  沿用 / carried: {row.name} = {shown(row.value)} ({row.rule_set}) {row.valid_from} – {row.valid_to}")

    def handle_show(self, *, division, on, **_):
        on = day_of_act(on, between=services.POLICY_DATES)
        errors: dict[str, list[str]] = {}
        place = parse_division({"division": division}, "division", errors)
        if errors:
            raise Invalid(errors)
        rows = queries.values_in_force(place.code, on)
        self.stdout.write(f"{place.name} ({place.code}) {on} 现行政策参数 / policy values in force: {len(rows)}")
        width = max((len(r.name) for r in rows), default=0)
        for r in rows:
            self.stdout.write(f"{r.name.ljust(width)}  {shown(r.value):<14}  {r.rule_set:<22}  {r.division_id}  {r.valid_from}  {r.source}")

    def handle_sets(self, **_):
        for rs in RULE_SETS.values():
            where = f"{rs.default_division} 自 {rs.default_from}" if rs.default_from else ("由县自定日期采用（县级示例） / a county adopts it from its own date" if rs.adopted_down_to > 1 else "由省自定日期 / from a province's own date")
            self.stdout.write(f"{rs.code}: {rs.title}")
            self.stdout.write(f"  {where}; {len(rs.values)} 个值 / values; 依据 source: {rs.source}")
            for name, (value, source) in rs.values.items():
                self.stdout.write(f"    {name} = {shown(value)}  ({source})")
