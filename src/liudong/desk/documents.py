"""Q4, Q6, Q8 on paper: the application form (申请表) printed for the requester's signature under
the declaration, the confidentiality agreement (保密协议书, 附件1) of a statistics query, the result
sheet (with the station's seal line where Q4 allows: 第八条(二)) and the register by date.

Laid-out documents are WeasyPrint with Noto CJK (like the cases' letters); the register, a long
table, is drawn with ReportLab by registers.pdf (measured.md). Every print is audited with the
persons it names (invariant 3). The result sheet carries a QR code whose digest checks that the
sheet is the one the desk printed (`verify_code`)."""
import base64
import datetime
import hashlib
import hmac
import io
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string

from liudong.accounts.audit import record
from liudong.content_types import content_disposition
from liudong.divisions.queries import DivisionNames
from liudong.errors import NotFound

from . import queries, rules, serialize
from .choices import DOCUMENTS, FIELDS, MATCH_LABELS, POPULATION_LABELS, State, zh
from .models import Inquiry

NOTICE = [
    "查询人应如实填写《人口信息查询申请表》，出示真实有效的证件和证明材料，并对所填内容的真实性负责。",
    "查询结果仅限用于申请表所列的查询事由，不得向第三方机构或个人提供、共享，不得泄露信息来源。",
    "查询结果以口头告知或纸质形式提供，不提供任何电子文档。",
    "公民个人因私寻亲访友查询的，须经被查询人同意后方可提供其登记地址或联系方式；被查询人不同意的，不提供任何信息。",
    "仅查询申请表（或介绍信、盖章名单）中列明的人员；查询范围为本市户籍人口和已办理暂住登记的暂住人口。",
    "违反规定获取、使用查询结果造成后果的，依法承担相应的法律责任。",
]
DECLARATION = ("本人已认真阅读人口信息查询注意事项，明确承担的责任和义务。本人保证所填内容及所持证件、证明材料真实有效，"
               "查询事由正当，查询所得信息仅用于上述事由，不向他人提供，不作他用；如有违反，愿承担相应的法律责任。")
AGREEMENT = [
    "一、公安机关依法强制采集的户籍登记信息为警务工作秘密。为促进社会管理工作，对外提供的户籍登记信息涉及公民个人隐私，使用单位及个人确保在使用、管理公安机关提供的户籍登记信息过程中采取同等强度的保密措施，并对公民承担同等的法律责任和义务。",
    "二、未经公安机关许可，使用单位及个人不得将从公安机关获取的户籍登记信息向第三方机构、个人提供或与第三方机构、个人共享。",
    "三、使用单位及个人由公安机关获取的户籍登记信息在使用、管理中不得泄露信息来源。使用中应与本人核实确认，确保与公民本人身份信息一致。",
]


def _pdf(html: str) -> bytes:
    from weasyprint import HTML  # loading Pango takes a moment: only printing needs it

    return HTML(string=html).write_pdf()


def verify_code(inquiry) -> str:
    """The digest printed (as a QR code) on a result sheet: the file number, the date and the
    answer, signed with the server's secret; `check_code` tells whether a sheet is genuine."""
    subjects = [(s.position, s.state, s.answer, s.count) for s in inquiry.subjects.order_by("position")]
    payload = json.dumps([inquiry.file_number, str(inquiry.answered_on), subjects], ensure_ascii=False, sort_keys=True, default=str)
    digest = hmac.new(settings.SECRET_KEY.encode(), payload.encode(), hashlib.sha256).hexdigest()[:16]
    return f"LD-{inquiry.file_number}-{digest}"


def check_code(*, actor, code: str) -> dict | None:
    """The request a result sheet's code belongs to, if the code is genuine (the desk's own)."""
    code = (code or "").strip()
    if not code.startswith("LD-") or code.count("-") < 2 or len(code) > 80:
        return None
    file_number = code[3:].rsplit("-", 1)[0]
    inquiry = queries.desk_inquiries(actor=actor).filter(file_number=file_number).first()
    if inquiry is None or not hmac.compare_digest(verify_code(inquiry), code.strip()):
        return None
    return {"file_number": inquiry.file_number, "answered_on": inquiry.answered_on, "requester": inquiry.requester_name}


def check_url(inquiry) -> str:
    """The address the result sheet's QR code carries: the public check of the sheet (no log-in)."""
    from django.urls import reverse

    return settings.PUBLIC_BASE_URL + reverse("desk_public_check", args=[verify_code(inquiry)])


def public_check(code: str) -> dict | None:
    """Q4: what anyone holding a result sheet may learn by its QR code: that the desk printed it,
    the file number and date, and per person asked about the masked name, the result and which
    items were told, never their values (the answer itself is told or printed only)."""
    code = (code or "").strip()
    if not code.startswith("LD-") or code.count("-") < 2 or len(code) > 80:
        return None
    file_number = code[3:].rsplit("-", 1)[0]
    inquiry = Inquiry.objects.select_related("division").filter(file_number=file_number, state=State.ANSWERED).first()
    if inquiry is None or not hmac.compare_digest(verify_code(inquiry), code):
        return None
    labels = dict(_result_labels())
    subjects = [{"masked": queries.mask(s.name) if s.name else "统计", "result": labels.get(s.state, s.state),
                 "told": [zh(FIELDS[f]) for f in (s.answer or {}).get("fields", []) if f in FIELDS] + (["统计数字"] if s.count is not None else [])}
                for s in inquiry.subjects.order_by("position")]
    return {"desk": DivisionNames([inquiry.division_id]).full(inquiry.division_id), "file_number": inquiry.file_number,
            "answered_on": inquiry.answered_on, "subjects": subjects, "inquiry": inquiry}


def _qr_svg(text: str) -> str:
    import segno

    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="svg", scale=3, border=1)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()


def _context(inquiry, *, printed_on):
    names = DivisionNames([inquiry.division_id])
    spec = rules.spec(inquiry.division_id, inquiry.received_on, inquiry.category)
    return {"inquiry": inquiry, "desk_full": names.full(inquiry.division_id), "desk": inquiry.division.name, "spec": spec,
            "category_label": zh(spec["label"]) if " / " in spec["label"] else spec["label"].split(" ")[0],
            "documents": [zh(DOCUMENTS[d.document]) for d in inquiry.documents.all()], "printed_on": printed_on,
            "subjects": [{"s": s, "match": zh(MATCH_LABELS.get(s.match, "")) if s.match else "",
                          "population": zh(POPULATION_LABELS.get(s.population, "")) if s.population else ""} for s in inquiry.subjects.all()],
            "notice": NOTICE, "declaration": DECLARATION, "agreement": AGREEMENT}


def application_form(*, actor, inquiry_id, printed_on: datetime.date) -> tuple[bytes, str]:
    """Q6: the 人口信息查询申请表 filled in on screen, printed for the requester's signature."""
    inquiry = queries.get_inquiry(actor=actor, inquiry_id=inquiry_id, log=False)
    data = _pdf(render_to_string("desk/application_pdf.html", _context(inquiry, printed_on=printed_on)))
    record(actor, "inquiry.print.application", obj=inquiry, fields={"file_number": inquiry.file_number, "bytes": len(data)})
    return data, content_disposition(f"人口信息查询申请表_{inquiry.file_number}.pdf", f"application-{inquiry.pk}.pdf", inline=True)


def agreement_form(*, actor, inquiry_id, printed_on: datetime.date) -> tuple[bytes, str]:
    """Q2 (d): the 保密协议书 of 附件1, for a statistics query."""
    inquiry = queries.get_inquiry(actor=actor, inquiry_id=inquiry_id, log=False)
    ctx = _context(inquiry, printed_on=printed_on)
    if not ctx["spec"].get("agreement"):
        raise NotFound("此类查询不需签订保密协议书 / this category signs no confidentiality agreement")
    data = _pdf(render_to_string("desk/agreement_pdf.html", ctx))
    record(actor, "inquiry.print.agreement", obj=inquiry, fields={"file_number": inquiry.file_number, "bytes": len(data)})
    return data, content_disposition(f"保密协议书_{inquiry.file_number}.pdf", f"agreement-{inquiry.pk}.pdf", inline=True)


def result_sheet(*, actor, inquiry_id, printed_on: datetime.date, today: datetime.date) -> tuple[bytes, str]:
    """Q4: the answer on paper for the requester (never a file handed over: the PDF is printed at
    the desk). The station's seal line only where the category may have a stamped sheet."""
    inquiry = queries.get_inquiry(actor=actor, inquiry_id=inquiry_id, log=False)
    out = serialize.inquiry_out(inquiry, today=today)
    if out["state"] != State.ANSWERED:
        raise NotFound("尚未答复，没有结果单 / not answered: there is no result sheet")
    ctx = _context(inquiry, printed_on=printed_on)
    code = verify_code(inquiry)
    ctx.update({"answer": out["answer"], "fields": FIELDS, "labels": {k: zh(v) for k, v in FIELDS.items()}, "code": code, "qr": _qr_svg(check_url(inquiry)),
                "covers": zh(queries.COVERS), "results": {s["position"]: s for s in out["subjects"]}})
    for item in ctx["answer"]["subjects"]:
        item["rows"] = [(zh(FIELDS[k]), v) for k, v in (item["person"] or {}).items()]
        item["name"] = next((s["s"].name for s in ctx["subjects"] if s["s"].position == item["position"]), "")
        item["result_label"] = dict(_result_labels()).get(item["result"], item["result"])
    data = _pdf(render_to_string("desk/result_pdf.html", ctx))
    queries.log_answer_read(actor=actor, inquiry=inquiry, action="inquiry.print.result")
    return data, content_disposition(f"人口信息查询结果_{inquiry.file_number}.pdf", f"result-{inquiry.pk}.pdf", inline=True)


def _result_labels():
    from .choices import SubjectState

    return [(c.value, c.label.split(" ")[0]) for c in SubjectState]


# ------------------------------------------------------------------ Q8: the register, printed by date

@dataclass
class _Column:
    key: str
    header: str
    width: float
    mm: float


@dataclass
class RegisterSheet:
    """What registers.pdf draws: a title, a heading, the desk and the columns (Q8, 附件3)."""
    division: object
    start: datetime.date
    end: datetime.date
    title: str = "人口信息查询登记表"
    columns: list = field(default_factory=lambda: [
        _Column("seq", "序号", 6, 9), _Column("date", "查询日期", 10, 18), _Column("requester", "查询人姓名", 10, 18),
        _Column("unit", "单位", 14, 30), _Column("reason", "查询原因", 16, 40), _Column("documents", "所持证件或证明", 18, 50),
        _Column("subjects", "被查询人姓名、性别", 14, 34), _Column("result", "查询结果", 14, 46), _Column("file_number", "档案编号", 12, 32)])

    @property
    def heading(self) -> str:
        return f"{self.division.name} 人口信息查询登记表 {self.start.isoformat()} 至 {self.end.isoformat()}"

    def count_text(self, rows: list[dict]) -> str:
        return f"共 {len(rows)} 件，被查询人 {sum(1 for r in rows for _ in r['subject_names'])} 名"


SEX = {"M": "男", "F": "女"}


def register_rows(*, actor, start, end, today, progress=None, limit: int | None = None) -> list[dict]:
    """Q8: date, requester's name and unit, reason, documents, subjects' names and sex, result,
    file number, in date order (the papers are bound by date: `papers` lists each request's scans).
    `progress(done, total, stage="read")` is called as the rows are read (an export job's bar)."""
    labels = dict(_result_labels())
    states = {c.value: c.label.split(" ")[0] for c in State}
    doc_names = {code: zh(label).split("（")[0] for code, label in DOCUMENTS.items()}
    qs = queries.register_rows(actor=actor, start=start, end=end)
    if limit is not None:
        qs = qs[:limit]
    heads = list(qs.values_list("id", "received_on", "requester_name", "requester_unit", "reason", "state", "refusal_reason", "file_number"))
    total = len(heads)
    rows = []
    for first in range(0, total, 5000):
        chunk = heads[first:first + 5000]
        documents, subjects, scans = queries.register_parts([h[0] for h in chunk])
        for n, (pk, received_on, requester, unit, reason, state, refusal, file_number) in enumerate(chunk, start=first + 1):
            subs = subjects.get(pk, [])
            if state == State.REFUSED:
                result = "不予受理：" + "；".join(line.split(" / ")[0] for line in refusal.splitlines())
            else:
                result = "；".join(
                    f"{s['name'] or '统计'}：{labels.get(queries.lapsed(s['state'], s['consent_task__due_on'], s['consent_task__answered_on'], today), s['state'])}"
                    + (f" {s['count']}人" if s["count"] is not None else "") for s in subs) or states.get(state, state)
            rows.append({"seq": str(n), "date": received_on.isoformat(), "requester": requester, "unit": unit, "reason": reason,
                         "documents": "、".join(doc_names.get(d, d) for d in documents.get(pk, [])),
                         "subjects": "、".join(f"{s['name']}（{SEX.get(s['sex'], '')}）" if s["sex"] else s["name"] for s in subs if s["name"]),
                         "result": result, "file_number": file_number, "inquiry_id": pk,
                         "papers": [(scan_pk, doc_names.get(d, d), name) for scan_pk, d, name in scans.get(pk, [])],
                         "person_ids": [s["person_id"] for s in subs if s["person_id"]], "subject_names": [s["name"] for s in subs if s["name"]]})
        if progress:
            progress(len(rows), total, stage="read")
    return rows


def draw_register(sheet: RegisterSheet, rows: list[dict], *, generated_on: datetime.date, out, progress=None) -> int:
    """Q8 on paper: the register drawn with ReportLab (registers.pdf: a long table at some 2,000
    rows a second, measured.md); returns the number of pages."""
    from liudong.registers import pdf

    return pdf.build_pdf(sheet, rows, generated_on=generated_on, out=out, progress=progress)
