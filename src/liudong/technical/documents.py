"""Printed documents of the technical services.

- The contraception status report slip (流动人口避孕节育情况报告单) with its stub (存根): a laid-out
  A4 page (WeasyPrint, Noto CJK), the slip above the cut line and the stub the township keeps
  below, with a QR code (segno) to the public page that says only whether the slip is authentic,
  its date, the issuing township and a masked name (S2).
- The check register (孕情、环情检查登记簿) of a period, one booklet per village (part 11: 分册分次),
  the distribution book (避孕药具发放登记册) of a month with its totals, and the institution list
  (S6): long tables drawn with ReportLab and WenQuanYi Zen Hei like the registers (registers.pdf).

Printing what names a person is logged with the persons in it (invariant 3).
"""
import base64
import datetime
import io

from django.conf import settings
from django.template.loader import render_to_string
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as rl_canvas

from liudong.accounts.audit import record
from liudong.content_types import content_disposition
from liudong.divisions.queries import DivisionNames
from liudong.registers.pdf import register_font

from . import queries
from .models import CheckItem, Method, Product, Result


def _label(choice) -> str:
    return str(choice.label).split(" ")[0]


def slip_url(check) -> str:
    return f"{settings.LIUDONG_PUBLIC_URL}/services/slip/{check.report_token}/"


def qr_data_uri(text: str) -> str:
    import segno

    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", scale=4, border=1)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def slip_html(check) -> str:
    names = DivisionNames([check.division_id, check.village] + ([check.hukou_place_id] if check.hukou_place_id else []))
    person = check.person
    return render_to_string("technical/slip_pdf.html", {
        "check": check, "person": person, "township": names.full(check.division_id), "village": names.full(check.village),
        "hukou": names.full(check.hukou_place_id) if check.hukou_place_id else "",
        "items": "、".join(_label(CheckItem(i)) for i in check.items), "result": _label(Result(check.result)),
        "method": _label(Method(check.method)) if check.method else "", "institution": check.institution.name if check.institution_id else (check.institution_text or ""),
        "qr": qr_data_uri(slip_url(check)), "url": slip_url(check), "issued_on": check.recorded_at.date(),
    })


def report_slip(*, actor, check_id) -> tuple[bytes, str]:
    from weasyprint import HTML  # loading Pango takes a moment; only printing needs it

    check = queries.get_check(actor=actor, check_id=check_id, log=False)
    if not check.report_number:
        from liudong.errors import NotFound

        raise NotFound("这条记录是寄回的报告单，没有本地出具的报告单 / a mailed report has no slip issued here")
    data = HTML(string=slip_html(check)).write_pdf()
    record(actor, "check.slip_pdf", obj=check, person_id=check.person_id, fields={"report_number": check.report_number, "bytes": len(data)})
    return data, content_disposition(f"避孕节育情况报告单_{check.report_number}.pdf", f"report-{check.report_number}.pdf", inline=True)


# ---------------------------------------------------------------- long tables (ReportLab)

PAGE_W, PAGE_H = landscape(A4)
MARGIN = 10 * mm
SIZE, LEAD = 8.0, 10.0


class Table:
    """A long table on landscape A4 pages: a title, the column heads on every page, one line per
    row (text cut to its column with "…"), "第 x 页" at the foot; `booklet(title)` starts a new
    booklet on a new page (the register's villages)."""

    def __init__(self, out, title: str, columns: list[tuple[str, float]], *, footer: str):
        self.font = register_font()
        self.c = rl_canvas.Canvas(out, pagesize=(PAGE_W, PAGE_H), pageCompression=1)
        self.c.setTitle(title)
        self.title, self.footer = title, footer
        total = sum(w for _, w in columns)
        self.columns = [(head, w / total * (PAGE_W - 2 * MARGIN)) for head, w in columns]
        self.page, self.y, self.subtitle = 0, 0.0, ""
        self.widths: dict[str, float] = {}

    def _fit(self, text: str, width: float) -> str:
        text = str(text)
        if stringWidth(text, self.font, SIZE) <= width - 4:
            return text
        while text and stringWidth(text + "…", self.font, SIZE) > width - 4:
            text = text[:-1]
        return text + "…"

    def _new_page(self):
        if self.page:
            self._foot()
            self.c.showPage()
        self.page += 1
        c = self.c
        c.setFont(self.font, 14)
        c.drawCentredString(PAGE_W / 2, PAGE_H - 14 * mm, self.title)
        c.setFont(self.font, 9)
        c.drawString(MARGIN, PAGE_H - 21 * mm, self.subtitle)
        self.y = PAGE_H - 26 * mm
        self._row([h for h, _ in self.columns], bold=True)

    def _foot(self):
        self.c.setFont(self.font, 8)
        self.c.drawCentredString(PAGE_W / 2, 7 * mm, f"第 {self.page} 页")
        self.c.drawString(MARGIN, 7 * mm, self.footer)

    def _row(self, cells, bold: bool = False):
        c, x = self.c, MARGIN
        c.setFont(self.font, SIZE)
        c.setLineWidth(0.4)
        for (head, width), cell in zip(self.columns, cells):
            c.rect(x, self.y - LEAD - 2, width, LEAD + 2)
            c.drawString(x + 2, self.y - LEAD + 1, self._fit(cell, width))
            x += width
        self.y -= LEAD + 2

    def booklet(self, subtitle: str):
        self.subtitle = subtitle
        self._new_page()

    def row(self, cells):
        if self.page == 0:
            self._new_page()
        if self.y - LEAD - 2 < 14 * mm:
            self._new_page()
        self._row(cells)

    def line(self, text: str):
        if self.y - LEAD - 4 < 14 * mm:
            self._new_page()
        self.c.setFont(self.font, 9)
        self.y -= 4
        self.c.drawString(MARGIN, self.y - LEAD, text)
        self.y -= LEAD

    def finish(self) -> int:
        if self.page == 0:
            self._new_page()
        self._foot()
        self.c.save()
        return self.page


def check_register(*, actor, division_code=None, period=None, printed_on: datetime.date, out=None) -> tuple[bytes, str]:
    """S4 (part 11: 《计划生育三查登记册》分册分次进行登记造册): the checks recorded where the women
    live in a period, one booklet (new page, its own heading) per village."""
    division, start, end, rows = queries.register_rows(actor=actor, division_code=division_code, period=period)
    names = DivisionNames(sorted({c.village for c in rows} | {division.code}))
    buffer = out or io.BytesIO()
    table = Table(buffer, "流入已婚育龄妇女孕情、环情检查登记簿",
                  [("序号", 3), ("姓名", 6), ("身份证号", 13), ("出生日期", 7), ("户籍地", 16), ("检查日期", 7), ("检查项目", 10), ("结果", 4),
                   ("避孕方法", 7), ("检查机构", 14), ("报告单编号", 12)],
                  footer=f"{names.full(division.code)}　{start} 至 {end}　制表日期 {printed_on}")
    village, n = None, 0
    hukou = DivisionNames(sorted({c.person.hukou_division_id for c in rows}))
    for c in rows:
        if c.village != village:
            village, n = c.village, 0
            table.booklet(f"{names.full(village)}　检查期间 {start} 至 {end}")
        n += 1
        p = c.person
        table.row([n, p.name, p.id_number or p.document_number, p.birth_date, hukou.full(p.hukou_division_id), c.checked_on,
                   "、".join(_label(CheckItem(i)) for i in c.items), _label(Result(c.result)), _label(Method(c.method)) if c.method else "",
                   c.institution.name if c.institution_id else c.institution_text, c.report_number])
    if not rows:
        table.booklet(f"{names.full(division.code)}　检查期间 {start} 至 {end}")
        table.line("本期没有检查记录。")
    table.line("制表人：　　　　　　审核人：　　　　　　单位（盖章）：")
    pages = table.finish()
    data = buffer.getvalue() if out is None else b""
    record(actor, "check.register_pdf", object_type="division", object_id=division.code,
           fields={"period": [str(start), str(end)], "rows": len(rows), "pages": pages})
    return data, content_disposition(f"孕情环情检查登记簿_{division.name}_{start:%Y%m}-{end:%Y%m}.pdf", f"check-register-{division.code}-{start:%Y%m}.pdf", inline=True)


def distribution_book(*, actor, month: str, printed_on: datetime.date) -> tuple[bytes, str]:
    """S5: the distribution book (避孕药具发放登记册) of a month, with each row's confirmation and
    the totals per village and product."""
    division, bounds, qs = queries.distributions(actor=actor, month=month)
    rows = list(qs.order_by("village_id", "distributed_on", "id"))
    start, end = bounds
    _, totals = queries.distribution_totals(actor=actor, year=start.year)
    totals = [t for t in totals if start.strftime("%Y-%m") <= t["month"] <= end.strftime("%Y-%m")]
    names = DivisionNames(sorted({r.village_id for r in rows} | {t["village"] for t in totals} | {division.code}))
    buffer = io.BytesIO()
    table = Table(buffer, "避孕药具发放登记册", [("序号", 3), ("发放日期", 7), ("村（居）", 12), ("领取人", 7), ("药具", 8), ("数量", 4), ("发放点", 12), ("领取人确认", 10)],
                  footer=f"{names.full(division.code)}　{start} 至 {end}　制表日期 {printed_on}")
    table.booklet(f"{names.full(division.code)}　{start} 至 {end}")
    for n, r in enumerate(rows, start=1):
        how = "手写签名" if r.confirmation.kind == "signature" else f"签字名单扫描件 #{r.confirmation_id}"
        table.row([n, r.distributed_on, names.name(r.village_id), r.person.name, _label(Product(r.product)), r.quantity, r.point.name if r.point_id else "", how])
    if not rows:
        table.line("本期没有发放记录。")
    table.line("合计（按村、按月）：")
    for t in totals:
        table.line(f"{names.name(t['village'])}　{t['month']}　{_label(Product(t['product']))}　{t['quantity']}　（{t['recipients']} 人）")
    table.finish()
    record(actor, "distribution.book_pdf", object_type="division", object_id=division.code,
           fields={"period": [str(start), str(end)], "shown": sorted({r.person_id for r in rows})})
    return buffer.getvalue(), content_disposition(f"避孕药具发放登记册_{division.name}_{start:%Y%m}.pdf", f"distribution-book-{start:%Y%m}.pdf", inline=True)


def institution_list(*, province_code, printed_on: datetime.date) -> tuple[bytes, str]:
    """S6: the published list of a province (public: names, addresses, phones, nothing personal)."""
    rows = list(queries.institutions(province_code, printed_on)) if province_code else []
    names = DivisionNames([province_code] if province_code else [])
    buffer = io.BytesIO()
    title = f"{names.name(province_code) if province_code else ''}具有计划生育技术服务资格的技术服务机构"
    table = Table(buffer, title, [("序号", 3), ("机构名称", 20), ("地址", 30), ("联系电话", 10), ("公布日期", 8)], footer=f"打印日期 {printed_on}")
    table.booklet("依据：国人口发〔2009〕49号 六-(一)-6")
    for n, i in enumerate(rows, start=1):
        table.row([n, i.name, i.address, i.phone, i.published_on])
    if not rows:
        table.line("没有公布的机构。")
    table.finish()
    return buffer.getvalue(), content_disposition(f"技术服务机构名单_{province_code or ''}.pdf", f"institutions-{province_code or 'none'}.pdf", inline=True)
