"""Schema pieces shared by every router of the API (see liudong.api for the error shapes)."""
import datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import BeforeValidator

from liudong import fields


class ErrorsOut(Schema):
    errors: dict[str, list[str]] = Field(description="字段 → 消息（中文 / English） / field → messages")


class DetailOut(Schema):
    detail: str


class MergedDetailOut(Schema):
    detail: str
    merged_into: int | None = Field(None, description="R8：已合并到的人员编号（仅当其在您的范围内） / the record this id was merged into, only when it is in your scope")


# The error answers every authenticated operation may give, for the OpenAPI document. (413, for a
# body over the request limit, is added to every operation that takes a body: liudong.api.)
ERRORS = {401: DetailOut, 403: DetailOut, 404: DetailOut, 422: ErrorsOut}


def file_response(description: str, *content_types: str) -> dict:
    """`openapi_extra` for an operation that answers 200 with a file (PDF, .xlsx, a scan). OpenAPI
    3.1 describes a binary body by its media type alone, without a schema."""
    return {"responses": {200: {"description": description, "content": {t: {} for t in content_types}}}}


def _date_or_none(value):
    """Query-string dates, read by the field kit: blank is absent; otherwise a real YYYY-MM-DD date."""
    errors: dict[str, list[str]] = {}
    day = fields.date({"date": value}, "date", errors)
    if errors:
        raise ValueError(errors["date"][0])
    return day


def _blank_none(value):
    return None if value == "" else value


def Blank(t):
    """An optional query parameter of type t where a blank value means absent."""
    return Annotated[t | None, BeforeValidator(_blank_none)]


QueryDate = Annotated[datetime.date | None, BeforeValidator(_date_or_none)]
QueryInt = Annotated[int | None, BeforeValidator(_blank_none)]


def DateText(description: str, *, required: bool = False, example: str = "2025-03-01"):
    """A date in a request body: JSON text YYYY-MM-DD. The service checks it (a real date, not in
    the future, not before birth ...), so that forms, imports and the API say the same."""
    return Field(... if required else None, description=description, json_schema_extra={"format": "date", "example": example})


def Text(description: str, max_length: int | None = None, *, required: bool = False, **extra):
    """Text in a request body; its length and choices are documented here and checked by the
    service, which reports every bad field at once."""
    if max_length:
        extra["maxLength"] = max_length
    return Field(... if required else None, description=description, json_schema_extra=extra or None)
