"""R3: a register printed as PDF with ReportLab, fast enough for a township's year in the
background (10,000 rows in well under 20 s; bench/registers.py measures it beside WeasyPrint).

WeasyPrint lays out HTML at about 100 rows a second: right for letters and certificates, whose
layout needs CSS, too slow for long tables. Here the page is drawn directly on a ReportLab canvas:
one text object per page, the grid as one batch of lines, the text wrapped by measured character
widths. The font is Debian's TrueType WenQuanYi Zen Hei (`fonts-wqy-zenhei`), embedded as a
subset: ReportLab cannot embed the CFF-based Noto CJK (`measured.md`).

Each page: the register's title and heading, the unit and the count, the column headers (repeated
on every page), the rows, and "第 x 页 共 y 页"; after the last row the signature and stamp line
(制表人、审核人、单位（盖章）) and the date the register was made.
"""
import datetime
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas

from . import queries
from .queries import RegisterRequest

FONT = "WenQuanYiZenHei"
FONT_FILES = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc")
FONT_MISSING = ("PDF 所需字体缺失：请安装 Debian 软件包 fonts-wqy-zenhei（make system-deps） / the PDF font is missing: "
                "install Debian's fonts-wqy-zenhei (make system-deps)")

PAGE_W, PAGE_H = landscape(A4)
MARGIN_X = 10 * mm
TOP = PAGE_H - 24 * mm      # where the header row begins
BOTTOM = 14 * mm            # the rows end above this; the page number sits below
SIZE = 7.5                  # body text, pt
LEAD = 9.0                  # line height, pt
PAD_X, PAD_Y = 2.0, 1.6     # cell padding, pt
GRID = 0.4                  # line width, pt


class FontMissing(RuntimeError):
    pass


def register_font() -> str:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return FONT
    for path in FONT_FILES:
        if Path(path).is_file():
            pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=0))
            return FONT
    raise FontMissing(FONT_MISSING)


class _NumberedCanvas(rl_canvas.Canvas):
    """Keeps every page until the end, so that each can say "第 x 页 共 y 页"."""

    def __init__(self, *args, footer_left: str = "", on_page=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []
        self._footer_left = footer_left
        self._on_page = on_page  # called as each kept page is finished, so a long save still shows life

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for n, state in enumerate(self._pages, start=1):
            if self._on_page and n % 20 == 0:
                self._on_page()
            self.__dict__.update(state)
            self.setFont(FONT, 8)
            self.drawCentredString(PAGE_W / 2, 8 * mm, f"第 {self._pageNumber} 页 共 {total} 页")
            if self._footer_left:
                self.drawString(MARGIN_X, 8 * mm, self._footer_left)
            super().showPage()
        super().save()


class _Wrapper:
    """Breaks text into lines that fit a width, by measured character widths (Chinese breaks
    anywhere; a run of Latin letters or digits is kept together where it fits)."""

    def __init__(self, size: float):
        self.size = size
        self.widths: dict[str, float] = {}

    def width(self, text: str) -> float:
        w = self.widths
        total = 0.0
        for ch in text:
            cw = w.get(ch)
            if cw is None:
                cw = w[ch] = pdfmetrics.stringWidth(ch, FONT, self.size)
            total += cw
        return total

    def lines(self, text: str, width: float) -> list[str]:
        if not text:
            return [""]
        w = self.widths
        out, line, used = [], [], 0.0
        for ch in text:
            cw = w.get(ch)
            if cw is None:
                cw = w[ch] = pdfmetrics.stringWidth(ch, FONT, self.size)
            if used + cw > width and line:
                out.append("".join(line))
                line, used = [], 0.0
                if ch == " ":
                    continue
            line.append(ch)
            used += cw
        out.append("".join(line))
        return out


def _column_edges(req: RegisterRequest) -> list[float]:
    widths = [c.mm for c in req.columns]
    scale = (PAGE_W - 2 * MARGIN_X) / sum(widths)
    edges = [MARGIN_X]
    for w in widths:
        edges.append(edges[-1] + w * scale)
    return edges


def build_pdf(req: RegisterRequest, rows: list[dict], *, generated_on: datetime.date, out, progress=None) -> int:
    """Draw the register into `out` (a path or a binary file); returns the number of pages.
    `progress(done, total)` is called after each page."""
    register_font()
    edges = _column_edges(req)
    inner = [edges[i + 1] - edges[i] - 2 * PAD_X for i in range(len(edges) - 1)]
    keys = [c.key for c in req.columns]
    wrap = _Wrapper(SIZE)
    head_wrap = _Wrapper(8)
    headers = [head_wrap.lines(c.header, inner[i]) for i, c in enumerate(req.columns)]
    head_h = max(len(h) for h in headers) * LEAD + 2 * PAD_Y
    division_full = queries.DivisionNames([req.division.code]).full(req.division.code)
    total = len(rows)
    # A sheet may word its own count (the query desk's register counts requests and persons asked about).
    count_text = req.count_text(rows) if hasattr(req, "count_text") else f"共 {total} 条，{len(queries.person_ids(rows))} 人"

    canvas = _NumberedCanvas(str(out) if isinstance(out, Path) else out, pagesize=(PAGE_W, PAGE_H), pageCompression=1,
                             footer_left=f"制表日期 {generated_on.isoformat()}",
                             on_page=(lambda: progress(len(rows), len(rows))) if progress else None)
    canvas.setTitle(req.heading)
    canvas.setAuthor("流动人口服务管理信息系统")
    canvas.setSubject(req.title)

    def begin_page(with_header: bool = True) -> float:
        canvas.setFont(FONT, 15)
        canvas.drawCentredString(PAGE_W / 2, PAGE_H - 11 * mm, req.title)
        canvas.setFont(FONT, 9)
        canvas.drawCentredString(PAGE_W / 2, PAGE_H - 16.5 * mm, req.heading)
        canvas.setFont(FONT, 8)
        canvas.drawString(MARGIN_X, PAGE_H - 21.5 * mm, f"单位：{division_full}（{req.division.code}）")
        canvas.drawRightString(PAGE_W - MARGIN_X, PAGE_H - 21.5 * mm, count_text)
        if not with_header:
            return TOP
        canvas.setFillGray(0.92)
        canvas.rect(edges[0], TOP - head_h, edges[-1] - edges[0], head_h, stroke=0, fill=1)
        canvas.setFillGray(0)
        text = canvas.beginText()
        text.setFont(FONT, 8, LEAD)
        for i, lines in enumerate(headers):
            y = TOP - PAD_Y - 8
            for line in lines:
                text.setTextOrigin(edges[i] + (edges[i + 1] - edges[i] - head_wrap.width(line)) / 2, y)
                text.textOut(line)
                y -= LEAD
        canvas.drawText(text)
        return TOP - head_h

    def end_page(row_lines: list[float], y: float):
        canvas.setLineWidth(GRID)
        segments = [(edges[0], yy, edges[-1], yy) for yy in (TOP, *row_lines)]
        segments += [(x, TOP, x, y) for x in edges]
        canvas.lines(segments)

    y = begin_page()
    row_lines = [y]
    text = canvas.beginText()
    text.setFont(FONT, SIZE, LEAD)
    pages = 1
    for n, row in enumerate(rows, start=1):
        cells = [queries.display(row, k) for k in keys]
        wrapped = [wrap.lines(cell, inner[i]) for i, cell in enumerate(cells)]
        height = max(len(lines) for lines in wrapped) * LEAD + 2 * PAD_Y
        if y - height < BOTTOM and len(row_lines) > 1:
            canvas.drawText(text)
            end_page(row_lines, y)
            canvas.showPage()
            pages += 1
            if progress:
                progress(n - 1, total)
            y = begin_page()
            row_lines = [y]
            text = canvas.beginText()
            text.setFont(FONT, SIZE, LEAD)
        for i, lines in enumerate(wrapped):
            ty = y - PAD_Y - SIZE
            for line in lines:
                if line:
                    x = edges[i] + PAD_X
                    if i == 0:  # the row number, right-aligned
                        x = edges[1] - PAD_X - wrap.width(line)
                    text.setTextOrigin(x, ty)
                    text.textOut(line)
                ty -= LEAD
        y -= height
        row_lines.append(y)
    if not rows:
        height = 8 * mm
        text.setTextOrigin((edges[0] + edges[-1]) / 2 - wrap.width("本期无记录") / 2, y - height / 2 - SIZE / 2)
        text.textOut("本期无记录")
        y -= height
        row_lines.append(y)
    canvas.drawText(text)
    end_page(row_lines, y)
    # The signature and stamp line below the table, on a new page if it does not fit.
    if y - 14 * mm < BOTTOM:
        canvas.showPage()
        pages += 1
        y = begin_page(with_header=False)
    canvas.setFont(FONT, 10)
    sign_y = y - 10 * mm
    span = (edges[-1] - edges[0]) / 4
    for i, label in enumerate(("制表人：", "审核人：", "单位（盖章）：", f"日期：{generated_on.year}年{generated_on.month}月{generated_on.day}日")):
        canvas.drawString(edges[0] + i * span, sign_y, label)
    canvas.showPage()
    canvas.save()
    if progress:
        progress(total, total)
    return pages
