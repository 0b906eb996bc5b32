"""R3: registers printed (PDF, ReportLab: registers/pdf.py) and exported (.xlsx, openpyxl) for
internal staff, made in the background as export jobs (registers/exports.py, liudong.jobs) or, for
a small register, at once (`export`, the GET .xlsx/.pdf paths).

Q4 forbids handing query results to *outside* requesters as electronic files; these files are the
townships' own registers. Every print and export is logged with the persons in it (invariant 3).
"""
import datetime
import io

from django.template.loader import render_to_string

from liudong import content_types
from liudong.accounts.choices import Action
from liudong.divisions.queries import DivisionNames
from liudong.errors import Invalid

from . import pdf, queries, xlsx
from .queries import RegisterRequest

FORMATS = ("xlsx", "pdf")
# An .xlsx sheet holds 1,048,576 rows. A register made at once, inside the request, stays small
# enough to answer within a few seconds; any larger one is made in the background (POST
# /api/v1/exports, the register page's buttons), where a township's year of any size fits.
XLSX_MAX_ROWS = 1_000_000
PDF_MAX_ROWS = 200_000       # about 7,400 pages: a larger register is exported as .xlsx
SYNC_MAX_ROWS = 3_000


def filename(req: RegisterRequest, ext: str) -> tuple[str, str]:
    """(ASCII fallback, Chinese name) of the file, e.g. 南头街道_流入人口登记册_2026-01-01_2026-11-28.xlsx."""
    period = f"{req.start.isoformat()}_{req.end.isoformat()}"
    ascii_name = f"register-{req.kind}-{req.division.code}-{period}.{ext}"
    return ascii_name, f"{req.division.name}_{req.title}_{period}.{ext}"


def content_disposition(req: RegisterRequest, ext: str, *, inline: bool = False) -> str:
    """RFC 6266 with an RFC 5987 filename* for the Chinese name and an ASCII fallback."""
    ascii_name, name = filename(req, ext)
    return content_types.content_disposition(name, ascii_name, inline=inline)


# ------------------------------------------------------------------ .xlsx

def build_xlsx(req: RegisterRequest, rows: list[dict], *, generated_on: datetime.date, out=None, progress=None) -> bytes | None:
    """A title row, a header row (frozen, repeated on printed pages), then the data rows, the sheet
    streamed as SpreadsheetML by registers/xlsx.py (issue 9: a township's year of 10,000 rows in
    well under the 5 s target). Returns the bytes, or writes to `out` (a path) and returns None;
    `progress(done, total)` is called every 500 rows."""
    columns = req.columns
    keys = [c.key for c in columns]
    coded = {"sex", "reason"}

    def values(row):
        # Dates stay dates (Excel sorts and filters them); ID numbers stay text; control
        # characters, which an .xlsx cannot hold, are cleaned rather than failing the export.
        # Text is written as text, never as a formula, whatever its first character.
        for key in keys:
            value = queries.display(row, key) if key in coded else row.get(key)
            yield (queries.clean(value) or None) if isinstance(value, str) else value

    buf = io.BytesIO() if out is None else out
    xlsx.write(
        buf, sheet=req.title, title=req.heading, headers=[c.header for c in columns], widths=[c.width for c in columns],
        rows=(list(values(row)) for row in rows), total=len(rows), progress=progress, creator="流动人口服务管理信息系统",
        footer=f"共 {len(rows)} 条 · 制表日期 {generated_on.isoformat()} · 制表人：        审核人：        单位（盖章）：",
    )
    return buf.getvalue() if out is None else None


# ------------------------------------------------------------------ PDF

def build_pdf(req: RegisterRequest, rows: list[dict], *, generated_on: datetime.date) -> bytes:
    """A4 landscape; title, division and period; the header row repeats on every page; page
    numbers "第 x 页 共 y 页"; the generated date and a signature and stamp line (R3)."""
    buf = io.BytesIO()
    pdf.build_pdf(req, rows, generated_on=generated_on, out=buf)
    return buf.getvalue()


# The same register laid out as HTML by WeasyPrint: the first way it was printed, kept as the
# reference layout and for bench/registers.py, which measures both side by side (WeasyPrint draws
# about 100 rows a second, ReportLab some thousands).

def pdf_html(req: RegisterRequest, rows: list[dict], *, generated_on: datetime.date) -> str:
    columns = req.columns
    total = sum(c.mm for c in columns)
    widths = [100 * c.mm / total for c in columns]  # per cent of the table
    return render_to_string("registers/register_pdf.html", {
        "req": req,
        "division_full": DivisionNames([req.division.code]).full(req.division.code),
        "headers": list(zip([c.header for c in columns], widths)),
        "rows": queries.display_rows(req, rows),
        "count": len(rows),
        "persons": len(queries.person_ids(rows)),
        "generated_on": generated_on,
    })


def build_pdf_weasyprint(req: RegisterRequest, rows: list[dict], *, generated_on: datetime.date) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango takes a moment, and only printing needs it

    html = pdf_html(req, rows, generated_on=generated_on)
    return HTML(string=html).write_pdf()


# ------------------------------------------------------------------ export

def export(*, actor, kind, division, start, end, fmt: str, generated_on: datetime.date) -> tuple[RegisterRequest, bytes, str, str]:
    """Print or export a whole register: returns (request, file bytes, content type,
    Content-Disposition). Needs EXPORT_REGISTERS; logged as register.print_pdf / register.export_xlsx
    with every person in it (invariant 3)."""
    req = queries.parse(actor=actor, action=Action.EXPORT_REGISTERS, kind=kind, division=division, start=start, end=end)
    if fmt not in FORMATS:
        raise Invalid({"format": [f"应为 {' 或 '.join(FORMATS)} / must be {' or '.join(FORMATS)}"]})
    count = queries.residences(req).count()
    if count > SYNC_MAX_ROWS:
        raise Invalid({"division": [
            f"该登记册有 {count} 条，超过 {SYNC_MAX_ROWS} 条的登记册请在后台生成（登记册页面的导出按钮，或 POST /api/v1/exports） / "
            f"the register has {count} rows: a register of more than {SYNC_MAX_ROWS} rows is made in the background "
            "(the register page's export buttons, or POST /api/v1/exports)"]})
    rows = queries.all_rows(req)
    if fmt == "xlsx":
        data = build_xlsx(req, rows, generated_on=generated_on)
        content_type, action, disposition = content_types.XLSX_TYPE, "register.export_xlsx", content_disposition(req, "xlsx")
    else:
        data = build_pdf(req, rows, generated_on=generated_on)
        content_type, action, disposition = content_types.PDF_TYPE, "register.print_pdf", content_disposition(req, "pdf", inline=True)
    queries.audit(actor=actor, action=action, req=req, count=len(rows), rows=rows, extra={"format": fmt, "bytes": len(data)})
    return req, data, content_type, disposition
