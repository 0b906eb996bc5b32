"""The `liudong` command: every Django management command under the project's settings, and what
the project's own commands share: a command made of subcommands declared as a table
(`Subcommands`), domain errors become CommandError (exit status 1, the message on stderr), with
every field error on its own line, Chinese first, and the day of an act read as every form reads it."""
import datetime
import os
import sys

from django.core.management.base import BaseCommand, CommandError

from liudong import clock, fields
from liudong.errors import Denied, Invalid, NotFound

NOTHING_WRITTEN = "未写入任何数据 / nothing was written"


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liudong.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["liudong", *(sys.argv[1:] if argv is None else argv)])


def field_lines(exc: Invalid) -> list[str]:
    return [f"  {field}: {message}" for field, messages in exc.errors.items() for message in messages]


def command_error(exc: Exception) -> CommandError:
    """The CommandError a command raises for a domain error (Invalid, Denied, NotFound); any other
    exception is raised again as it is."""
    if isinstance(exc, Invalid):
        return CommandError("\n".join(["输入有误 / invalid input:", *field_lines(exc), NOTHING_WRITTEN]))
    if isinstance(exc, (Denied, NotFound)):
        return CommandError(f"{exc}\n{NOTHING_WRITTEN}")
    raise exc


def iso_date(raw: str, option: str = "on", *, between: tuple[datetime.date, datetime.date] | None = None) -> datetime.date:
    """A command-line date, read by the field kit as every form and the API read one
    (invariant 4: commands take the day of the act as --on)."""
    errors: dict[str, list[str]] = {}
    day = fields.date({option: raw}, option, errors, required=True, between=between)
    if errors:
        raise command_error(Invalid(errors))
    return day


def day_of_act(raw: str | None, option: str = "on", *, between: tuple[datetime.date, datetime.date] | None = None) -> datetime.date:
    """The day given as --on (`iso_date`), today when none is given."""
    return iso_date(raw, option, between=between) if raw else clock.today()


def arg(*flags: str, **options):
    """One argument of a subcommand, as argparse's add_argument takes it."""
    return flags, options


class Subcommands(BaseCommand):
    """A command made of subcommands (`liudong staff add …`). `subcommands` maps each name to its
    help and its arguments (`arg(...)`); `handle_<name>` (a hyphen as `_`) runs it with the parsed options as
    keywords; a domain error it raises (Invalid, Denied, NotFound) becomes a CommandError."""

    subcommands: dict[str, tuple] = {}

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        for name, (help_text, *arguments) in self.subcommands.items():
            subparser = sub.add_parser(name, help=help_text)
            for flags, options in arguments:
                subparser.add_argument(*flags, **options)

    def handle(self, *args, subcommand, **options):
        try:
            return getattr(self, f"handle_{subcommand.replace('-', '_')}")(**options)
        except (Invalid, Denied, NotFound) as e:
            raise command_error(e) from None


if __name__ == "__main__":
    main()
