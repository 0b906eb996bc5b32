"""C1-C6: the certificate as a booklet (A6, 105 x 148 mm, two pages per certificate), drawn with
ReportLab on a canvas: fast enough for one certificate at once and for a township's year in one
file (WeasyPrint measured 0.13-0.22 s a page here, too slow for 500 certificates in a minute;
`measured.md`). The font is WenQuanYi Zen Hei (registers.pdf.register_font: ReportLab cannot embed
the CFF-based Noto CJK). The QR code (segno) is drawn as vector squares.

Page 1: the issuing township, the title, the number, the contents of 条例 第七条, the term, the
state on the printing day, the stamp line and the QR code of the public check page. Page 2: the
entries (C5) and the verifications (C6), with blank lines to write on.
"""
import io

import segno
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as rl_canvas

from liudong.registers.pdf import register_font

PAGE_W, PAGE_H = 105 * mm, 148 * mm
M = 7 * mm
RED = (0.545, 0.102, 0.102)
ENTRY_LINES = 10
VERIFICATION_LINES = 6


def cn(day) -> str:
    """2023年2月28日, as a Chinese document writes a date."""
    return f"{day.year}年{day.month}月{day.day}日"


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines, line = [], ""
    for ch in text or "":
        if ch == "\n":
            lines.append(line)
            line = ""
            continue
        if stringWidth(line + ch, font, size) > width and line:
            lines.append(line)
            line = ch
        else:
            line += ch
    lines.append(line)
    return lines


def _centre(c, text, y, font, size):
    c.setFont(font, size)
    c.drawCentredString(PAGE_W / 2, y, text)


def _qr(c, url: str, x: float, y: float, side: float):
    qr = segno.make(url, error="m")
    matrix = list(qr.matrix)
    n = len(matrix)
    cell = side / n
    c.setFillColorRGB(0, 0, 0)
    p = c.beginPath()
    for r, row in enumerate(matrix):
        for col, dark in enumerate(row):
            if dark:
                p.rect(x + col * cell, y + side - (r + 1) * cell, cell, cell)
    c.drawPath(p, stroke=0, fill=1)


def _table(c, font, x, y, widths, rows, size=6.5, lead=8.0, header=False, min_height=0.0) -> float:
    """Rows of cells (text) from the top-left (x, y); returns the y below the table."""
    for i, row in enumerate(rows):
        wrapped = [wrap(str(v), font, size, w - 3) for v, w in zip(row, widths)]
        height = max(max(len(w) for w in wrapped) * lead + 3, min_height)
        cx = x
        for cell, w in zip(wrapped, widths):
            if header and i == 0:
                c.setFillColorRGB(0.95, 0.93, 0.93)
                c.rect(cx, y - height, w, height, stroke=0, fill=1)
                c.setFillColorRGB(0, 0, 0)
            c.rect(cx, y - height, w, height, stroke=1, fill=0)
            c.setFont(font, size)
            for k, line in enumerate(cell):
                c.drawString(cx + 1.5, y - lead * (k + 1) + 1, line)
            cx += w
        y -= height
    return y


def draw_certificate(c, item: dict, printed_on) -> None:
    font = register_font()
    cert = item["cert"]
    c.setLineWidth(0.4)
    # page 1
    c.setStrokeColorRGB(*RED)
    c.setLineWidth(0.9)
    c.rect(M - 2 * mm, M - 2 * mm, PAGE_W - 2 * M + 4 * mm, PAGE_H - 2 * M + 4 * mm)
    c.setLineWidth(0.4)
    c.setStrokeColorRGB(0, 0, 0)
    top = PAGE_H - M - 4 * mm
    _centre(c, item["issuer"], top, font, 7.5)
    c.setFillColorRGB(*RED)
    _centre(c, "流 动 人 口 婚 育 证 明", top - 8 * mm, font, 14)
    c.setFillColorRGB(0, 0, 0)
    _centre(c, f"编号 {cert.number}" + ("（电子证明打印件）" if cert.electronic else ""), top - 13 * mm, font, 7)
    rows = [
        ("姓名", cert.name),
        ("出生日期", f"{cn(cert.birth_date)}（发证时{item['age']}周岁）"),
        ("公民身份号码", cert.id_number or "—"),
        ("婚姻状况", cert.marital_status or "未登记"),
        ("配偶", (cert.spouse_name or "—") + (f"（{cert.spouse_id_number}）" if cert.spouse_id_number else "")),
        ("生育状况", cert.childbearing or "—"),
        ("避孕节育情况", cert.contraception or "—"),
        ("发证日期", f"{cn(cert.issued_on)}"),
        ("有效期至", item["valid_text"]),
    ]
    if cert.applicant == "family":
        rows.append(("代办人", f"{cert.applicant_name}（{cert.relationship}）"))
    rows.append(("打印时状态", f"{item['state_label']}（{cn(printed_on)}）"))
    y = _table(c, font, M, top - 16 * mm, [22 * mm, PAGE_W - 2 * M - 22 * mm], rows, size=7.5, lead=9, min_height=6.4 * mm)
    side = 21 * mm
    _qr(c, item["url"], PAGE_W - M - side, M + 2 * mm, side)
    c.setFont(font, 6)
    c.drawCentredString(PAGE_W - M - side / 2, M - 0.5 * mm, "扫码核验")
    c.setFont(font, 7)
    c.drawString(M, M + 15 * mm, "发证机关（盖章）：")
    for k, line in enumerate(wrap(item["issuer"], font, 7, PAGE_W - 2 * M - side - 4 * mm)):
        c.drawString(M, M + 11 * mm - k * 8.5, line)
    c.setFont(font, 5.5)
    c.drawString(M, M + 1 * mm, "本证明免费发放，不得收取任何费用。")
    c.showPage()
    # page 2
    top = PAGE_H - M
    _centre(c, "记 载 栏", top - 3 * mm, font, 9)
    widths = [15 * mm, 15 * mm, PAGE_W - 2 * M - 48 * mm, 18 * mm]
    entries = [("日期", "类别", "内容", "盖章单位")] + [(f"{e.entered_on}", e.kind_label, e.text, e.division.name) for e in item["entries"]]
    entries += [("", "", "", "")] * max(0, ENTRY_LINES - len(item["entries"]))
    y = _table(c, font, M, top - 5 * mm, widths, entries, header=True, min_height=5.2 * mm)
    _centre(c, "查 验 记 录", y - 5 * mm, font, 9)
    checks = [("查验日期", "结果", "说明", "查验单位")] + [(f"{v.verified_on}", v.result_label, v.notes, v.division.name) for v in item["verifications"]]
    checks += [("", "", "", "")] * max(0, VERIFICATION_LINES - len(item["verifications"]))
    y = _table(c, font, M, y - 7 * mm, widths, checks, header=True, min_height=5.2 * mm)
    c.setFont(font, 5.5)
    c.drawString(M, M - 2 * mm, "到达现居住地后请及时交验本证明；首次查验后每年至少查验一次。")
    c.showPage()


def render(items: list[dict], printed_on, progress=None) -> bytes:
    out = io.BytesIO()
    c = rl_canvas.Canvas(out, pagesize=(PAGE_W, PAGE_H), pageCompression=1)
    c.setTitle("流动人口婚育证明")
    for i, item in enumerate(items):
        draw_certificate(c, item, printed_on)
        if progress is not None and i % 50 == 49:
            progress(i + 1, len(items))
    c.save()
    return out.getvalue()
