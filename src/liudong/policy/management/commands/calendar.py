"""`liudong calendar load|show` (X4): the working-day calendar from the command line, as the system.

  liudong calendar load FILE --year YYYY [--replace] [--source TEXT]
      FILE is a CSV with header date,kind (kind holiday or workday); every bad row is reported with
      its line number and nothing is written unless every row is good.
  liudong calendar show [--year YYYY]
"""
import os

from django.core.management.base import CommandError

from liudong import clock
from liudong.cli import Subcommands, arg
from liudong.errors import Invalid
from liudong.policy import queries, services, services_calendar


class Command(Subcommands):
    help = "工作日历 / the working-day calendar (X4): load a year, show what is loaded"
    subcommands = {
        "load": ("load a year's official schedule from a CSV (header date,kind)",
                 arg("file"),
                 arg("--year", required=True, help="the year the file holds, e.g. 2027"),
                 arg("--replace", action="store_true", help="replace a year loaded already"),
                 arg("--source", default="", help="the notice the schedule comes from (default: the file name)")),
        "show": ("the loaded years, or one year's holidays and make-up workdays", arg("--year", default=None)),
    }

    def handle_load(self, *, file, year, replace, source, **_):
        try:
            with open(file, "rb") as f:
                data = f.read(services.CALENDAR_MAX_BYTES + 1)
        except OSError as e:
            raise CommandError(f"无法打开文件 {file}：{e.strerror} / cannot open {file}: {e.strerror}") from None
        rows = services_calendar.read_calendar_csv(data)
        result = services_calendar.load_calendar_year(actor=None, year=year, rows=rows, source=source or f"文件 / file {os.path.basename(file)}", replace=replace, now=clock.now())
        verb = "已替换 / replaced" if result.replaced else "已载入 / loaded"
        self.stdout.write(f"{verb} {result.year}: 节假日 {result.holidays} 天，调休上班 {result.workdays} 天 / {result.holidays} holidays, {result.workdays} make-up workdays")
        if result.replaced:
            self.stdout.write(f"  新增 added: {', '.join(result.added) or '-'}; 删除 removed: {', '.join(result.removed) or '-'}")

    def handle_show(self, *, year, **_):
        if year is None:
            status = services_calendar.calendar_status(clock.today())
            for y in queries.calendar_years():
                self.stdout.write(f"{y['year']}  节假日 holidays {y['holidays']:>2}  调休 workdays {y['workdays']:>2}  {y['loaded_at']:%Y-%m-%d} {y['loaded_by']}  {y['source']}")
            if status.last_day is None:
                raise CommandError("尚未载入任何年份 / no year is loaded")
            self.stdout.write(f"已载入至 {status.last_day}（还有 {status.days_left} 天） / loaded up to {status.last_day} ({status.days_left} days left)")
            if status.warn:
                self.stdout.write(f"提醒：请载入 {status.next_year} 年的放假安排 / reminder: load the schedule of {status.next_year}")
            return
        try:
            y = int(year)
        except ValueError:
            raise Invalid({"year": ["年份应为整数 / the year must be a whole number"]}) from None
        if not any(r["year"] == y for r in queries.calendar_years()):
            raise CommandError(f"{y} 年尚未载入 / {y} is not loaded")
        for d in queries.exceptions_of(y):
            kind = "休 holiday" if d.kind == "holiday" else "班 workday"
            self.stdout.write(f"{d.date}  {services.WEEKDAY_ZH[d.date.weekday()]}  {kind}  {d.display_name}")
