"""R3: registers printed (PDF, WeasyPrint) and exported (.xlsx, openpyxl) for internal staff.

Q4 forbids handing query results to *outside* requesters as electronic files; these files are the
townships' own registers. Every print and export is logged with the persons in it (invariant 3).
"""
import datetime
import io
from urllib.parse import quote

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from liudong.accounts.choices import Action
from liudong.content_types import PDF_TYPE, XLSX_TYPE
from liudong.errors import Invalid

from . import queries
from .queries import RegisterRequest

FORMATS = ("xlsx", "pdf")
# An .xlsx sheet holds 1,048,576 rows. WeasyPrint lays out some 50-100 register rows a second
# (about 16 rows a page), so a PDF stays under about sixty pages and a request under half a
# minute; larger registers are exported as .xlsx, or printed per village or per month.
XLSX_MAX_ROWS = 1_000_000
PDF_MAX_ROWS = 1_000


def filename(req: RegisterRequest, ext: str) -> tuple[str, str]:
    """(ASCII fallback, Chinese name) of the file, e.g. 南头街道_流入人口登记册_2026-01-01_2026-11-28.xlsx."""
    period = f"{req.start.isoformat()}_{req.end.isoformat()}"
    ascii_name = f"register-{req.kind}-{req.division.code}-{period}.{ext}"
    return ascii_name, f"{req.division.name}_{req.title}_{period}.{ext}"


def content_disposition(req: RegisterRequest, ext: str, *, inline: bool = False) -> str:
    """RFC 6266 with an RFC 5987 filename* for the Chinese name and an ASCII fallback."""
    ascii_name, name = filename(req, ext)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


# ------------------------------------------------------------------ .xlsx

def build_xlsx(req: RegisterRequest, rows: list[dict], *, generated_on: datetime.date) -> bytes:
    """A title row, a header row (frozen, repeated on printed pages), then the data rows. Written
    in openpyxl's write-only mode, which streams rows instead of keeping a cell object for each."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(req.title)
    columns = req.columns
    for i, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    last = get_column_letter(len(columns))
    ws.merged_cells.add(f"A1:{last}1")

    title = WriteOnlyCell(ws, value=req.heading)
    title.font = Font(bold=True, size=14)
    title.alignment = Alignment(horizontal="center")
    ws.append([title])
    thin = Side(style="thin")
    header = []
    for col in columns:
        head = WriteOnlyCell(ws, value=col.header)
        head.font = Font(bold=True)
        head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        head.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        header.append(head)
    ws.append(header)
    keys = [c.key for c in columns]
    coded = {"sex", "reason"}

    def cell(row, key):
        # Dates stay dates (Excel sorts and filters them); ID numbers stay text; control
        # characters, which an .xlsx cannot hold, are cleaned rather than failing the export.
        value = queries.display(row, key) if key in coded else row.get(key)
        if isinstance(value, str):
            value = queries.clean(value) or None
            if value and value[0] == "=":  # text, never a formula (formula injection)
                text = WriteOnlyCell(ws, value=value)
                text.data_type = "s"
                return text
        return value

    for row in rows:
        ws.append([cell(row, k) for k in keys])
    ws.append([])
    ws.append([f"共 {len(rows)} 条 · 制表日期 {generated_on.isoformat()} · 制表人：        审核人：        单位（盖章）："])

    wb.properties.title = req.heading
    wb.properties.creator = "流动人口服务管理信息系统"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ------------------------------------------------------------------ PDF

def pdf_html(req: RegisterRequest, rows: list[dict], *, generated_on: datetime.date) -> str:
    columns = req.columns
    total = sum(c.mm for c in columns)
    widths = [100 * c.mm / total for c in columns]  # per cent of the table
    return render_to_string("registers/register_pdf.html", {
        "req": req,
        "division_full": queries.DivisionNames([req.division.code]).full(req.division.code),
        "headers": list(zip([c.header for c in columns], widths)),
        "rows": queries.display_rows(req, rows),
        "count": len(rows),
        "persons": len(queries.person_ids(rows)),
        "generated_on": generated_on,
    })


def build_pdf(req: RegisterRequest, rows: list[dict], *, generated_on: datetime.date) -> bytes:
    """A4 landscape; title, division and period; the header row repeats on every page; page
    numbers "第 x 页 共 y 页"; the generated date and a signature and stamp line (R3)."""
    from weasyprint import HTML  # imported here: loading Pango takes a moment, and only printing needs it

    html = pdf_html(req, rows, generated_on=generated_on)
    return HTML(string=html).write_pdf()


# ------------------------------------------------------------------ export

def export(*, actor, kind, division, start, end, fmt: str, generated_on: datetime.date) -> tuple[RegisterRequest, bytes, str, str]:
    """Print or export a whole register: returns (request, file bytes, content type,
    Content-Disposition). Needs EXPORT_REGISTERS; logged as register.print_pdf / register.export_xlsx
    with every person in it (invariant 3)."""
    req = queries.parse(actor, action=Action.EXPORT_REGISTERS, kind=kind, division=division, start=start, end=end)
    if fmt not in FORMATS:
        raise Invalid({"format": [f"应为 {' 或 '.join(FORMATS)} / must be {' or '.join(FORMATS)}"]})
    limit = PDF_MAX_ROWS if fmt == "pdf" else XLSX_MAX_ROWS
    count = queries.residences(req).count()
    if count > limit:
        zh, en = ("请缩小区划或期间，或导出Excel", "choose a smaller division or a shorter period, or export .xlsx") if fmt == "pdf" else ("请缩小区划或期间", "choose a smaller division or a shorter period")
        raise Invalid({"division": [f"该登记册有 {count} 条，{fmt.upper()} 最多 {limit} 条，{zh} / the register has {count} rows, at most {limit} fit a {fmt.upper()}: {en}"]})
    rows = queries.all_rows(req)
    if fmt == "xlsx":
        data = build_xlsx(req, rows, generated_on=generated_on)
        content_type, action, disposition = XLSX_TYPE, "register.export_xlsx", content_disposition(req, "xlsx")
    else:
        data = build_pdf(req, rows, generated_on=generated_on)
        content_type, action, disposition = PDF_TYPE, "register.print_pdf", content_disposition(req, "pdf", inline=True)
    queries.audit(actor, action, req, count=len(rows), rows=rows, extra={"format": fmt, "bytes": len(data)})
    return req, data, content_type, disposition
