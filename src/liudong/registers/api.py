"""R3: the inflow and outflow registers through the API: one page as JSON, or the whole register
as an .xlsx or a PDF for internal staff (Q4 concerns outside requesters, not the townships' own
registers). Scoped (404 outside the actor's subtree), role-checked (403) and logged (invariant 3)."""
import datetime

from django.http import HttpResponse
from ninja import Field, Router, Schema

from liudong.clock import today  # the edge's one reading of the calendar (invariant 4)
from liudong.accounts.choices import Action
from liudong.api_schemas import ERRORS, QueryDate, file_response
from liudong.content_types import PDF_TYPE, XLSX_TYPE, download
from liudong.errors import Invalid

from . import documents, queries

router = Router(tags=["registers"])

KIND_DOC = "inflow 流入人口登记册 | outflow 流出人口登记簿"
DIVISION_DOC = "区划代码（默认为本人所属区划） / division code (default: the division you act for)"


class RegisterOut(Schema):
    kind: str
    division: str
    division_name: str
    start: datetime.date
    end: datetime.date
    title: str = Field(description="例如 南头街道 流入人口登记册 2026-01-01 至 2026-11-28")
    count: int = Field(description="登记册的总条数 / rows in the whole register")
    results: list[dict] = Field(description="本页各行；日期为 YYYY-MM-DD，性别 M/F，流动原因为代码 / this page's rows")


def _file(request, kind, fmt, division, start, end) -> HttpResponse:
    _, data, content_type, disposition = documents.export(actor=request.auth, kind=kind, division=division, start=start, end=end, fmt=fmt, generated_on=today())
    return download(data, content_type, disposition)


# The file routes come first: "{kind}" alone would also match "inflow.xlsx".
@router.get("/registers/{kind}.xlsx", response=ERRORS,
            openapi_extra=file_response("文件 / the file", XLSX_TYPE), summary="登记册 Excel 导出 / export a register as .xlsx")
def register_xlsx(request, kind: str, division: str = "", start: QueryDate = None, end: QueryDate = None):
    return _file(request, kind, "xlsx", division, start, end)


@router.get("/registers/{kind}.pdf", response=ERRORS,
            openapi_extra=file_response("文件 / the file", PDF_TYPE), summary="登记册 PDF 打印 / print a register as PDF")
def register_pdf(request, kind: str, division: str = "", start: QueryDate = None, end: QueryDate = None):
    return _file(request, kind, "pdf", division, start, end)


# format=xlsx|pdf answers the file: the 200 has those media types beside JSON.
@router.get("/registers/{kind}", response={200: RegisterOut, **ERRORS}, summary="登记册 / a page of a register",
            openapi_extra=file_response("本页（JSON）或整册文件 / this page (JSON) or the whole register as a file", XLSX_TYPE, PDF_TYPE))
def register(request, kind: str, division: str = "", start: QueryDate = None, end: QueryDate = None,
             limit: int = queries.PAGE_SIZE, offset: int = 0, format: str = "json"):
    """One page of the register as JSON; `format=xlsx` or `format=pdf` gives the whole register as
    a file, like the .xlsx and .pdf paths."""
    if format in documents.FORMATS:
        return _file(request, kind, format, division, start, end)
    if format != "json":
        # The role and scope are checked first, then every field error is reported at once.
        try:
            queries.parse(actor=request.auth, action=Action.VIEW_REGISTERS, kind=kind, division=division, start=start, end=end)
        except Invalid as e:
            raise Invalid({**e.errors, "format": ["应为 json、xlsx 或 pdf / must be json, xlsx or pdf"]}) from None
        raise Invalid({"format": ["应为 json、xlsx 或 pdf / must be json, xlsx or pdf"]})
    req, count, rows = queries.view_register(actor=request.auth, kind=kind, division=division, start=start, end=end, limit=limit, offset=offset)
    return {
        "kind": req.kind, "division": req.division.code, "division_name": req.division.name, "start": req.start, "end": req.end,
        "title": req.heading, "count": count, "results": [queries.json_row(r) for r in rows],
    }
