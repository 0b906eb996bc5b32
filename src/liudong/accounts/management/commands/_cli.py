"""Shared bits of the project's own commands: domain errors become CommandError (exit status 1,
the message on stderr), with every field error on its own line, Chinese first."""
import datetime

from django.core.management.base import CommandError

from liudong import fields
from liudong.errors import Denied, Invalid, NotFound

NOTHING_WRITTEN = "未写入任何数据 / nothing was written"


def field_lines(exc: Invalid) -> list[str]:
    return [f"  {field}: {message}" for field, messages in exc.errors.items() for message in messages]


def command_error(exc: Exception) -> CommandError:
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
