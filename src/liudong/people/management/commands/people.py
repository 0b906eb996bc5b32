"""`liudong people import FILE --as USERNAME [--good-rows-only]` (R1, R8): import people and their
residences from a .csv or .xlsx file, acting as a staff account (its role and scope apply, and the
import is audited under its name), exactly as the import page does.

Prints the summary; the bad rows (with their spreadsheet row numbers) go to stderr. Exits with
status 1 when nothing was imported because of bad rows, or when the file cannot be read.
"""
import os

from django.core.management.base import CommandError

from liudong import clock
from liudong.accounts.models import Staff
from liudong.cli import NOTHING_WRITTEN, Subcommands, arg
from liudong.people.imports import read_and_import


class Command(Subcommands):
    help = "人员数据 / people: import from a .csv or .xlsx file"
    subcommands = {
        "import": ("import people (and residences) from a .csv or .xlsx file, as a staff account",
                   arg("file", help="a .csv (UTF-8 or GB18030) or .xlsx file whose row 1 holds the column names of the template"),
                   arg("--as", dest="username", required=True, help="the staff account the import acts as (its role and scope apply)"),
                   arg("--good-rows-only", action="store_true", help="import the good rows and skip the bad ones (default: a bad row stops the whole file)")),
    }

    def handle_import(self, *, file, username, good_rows_only, **_):
        actor = Staff.objects.select_related("division").filter(username=username).first()
        if actor is None:
            raise CommandError(f"没有用户名为 {username!r} 的工作人员账号 / no staff account is called {username!r}\n{NOTHING_WRITTEN}")
        if not actor.is_active:
            raise CommandError(f"账号 {username} 已停用 / the account {username} is disabled\n{NOTHING_WRITTEN}")
        try:
            fileobj = open(file, "rb")  # noqa: SIM115 - closed below
        except OSError as e:
            raise CommandError(f"无法打开文件 {file}：{e.strerror} / cannot open {file}: {e.strerror}") from None
        with fileobj:
            result = read_and_import(actor=actor, fileobj=fileobj, name=os.path.basename(file), today=clock.today(), good_rows_only=good_rows_only)
        for n in result.bad_rows:
            for message in result.row_messages(n):
                self.stderr.write(message)
        if result.stopped and not result.written:
            raise CommandError(
                f"有 {result.bad} 行有错，未导入任何行（其余 {result.good} 行无误）；改正后重新导入，或加 --good-rows-only 只导入正确的行"
                f" / {result.bad} rows have errors: nothing was imported (the other {result.good} rows are correct). "
                f"Correct them and import again, or add --good-rows-only\n{NOTHING_WRITTEN}"
            )
        self.stdout.write(
            f"{result.rows} 行：新登记 {result.created} 人，匹配已有 {result.matched} 人，新增居住记录 {result.residences} 条，有错 {result.bad} 行"
            f" / {result.rows} rows: {result.created} registered, {result.matched} matched existing records, "
            f"{result.residences} residence records added, {result.bad} bad rows"
            + (f"; {result.blank_rows} 个空行略过 / {result.blank_rows} empty rows left out" if result.blank_rows else "")
        )
        if result.stopped:
            raise CommandError(f"每一行都有错，未导入任何行 / every row has errors: nothing was imported\n{NOTHING_WRITTEN}")
        if result.bad:
            self.stdout.write(f"已导入正确的行，跳过 {result.bad} 行有错的行（见上） / the good rows were imported; {result.bad} bad rows were skipped (listed above)")
