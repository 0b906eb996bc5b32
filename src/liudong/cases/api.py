"""Cases API (B1-B6, F1-F4): birth service registrations and their decisions, the refusal letter,
second-birth results and fee consultations with their answers.

Request bodies carry JSON types only; every domain check is done once in cases.services, so the
API and the pages give the same bilingual field errors (invariant 7): 422 {"errors": {field:
[...]}}, 403 when the role or division may not act, 404 for "absent or not in your scope". Reads go
through cases.queries, scoped and logged (invariants 2, 3).
"""
import datetime

from ninja import Field, Router, Schema, Status

from liudong import fields
from liudong.api_schemas import ERRORS, DateText, Text, file_response
from liudong.clock import now, today  # the edge's one reading of the clock (invariant 4)
from liudong.exchange.api import AttachmentIn
from liudong.exchange.api import scans_to_files as scans  # base64 scans to files, checked by the exchange service (F4)
from liudong.content_types import PDF_TYPE, download

from . import documents, queries, services
from .views import message_url
from .models import BIRTH, FEE, SECOND_BIRTH, BirthRegistration, FeeConsultation, SecondBirthResult

router = Router(tags=["cases"])


PERSON_DOC = "人员编号或18位身份证号 / person no. or 18-character resident ID number"
CHANNEL_DOC = "system | letter | fax | phone (X5)"


class CaseMessageOut(Schema):
    """A message a case opened, in short (the message itself: GET /messages/{id}, exchange's MessageOut)."""
    id: int
    kind: str
    sender: str
    receiver: str
    state: str = Field(description="draft | sent | received | answered | overdue | closed")
    channel: str | None
    send_due_on: datetime.date | None = Field(description="应发出日期 / to be sent by (B2, B5, B6)")
    sent_on: datetime.date | None
    arrived_on: datetime.date | None
    reply_due_on: datetime.date | None = Field(description="应反馈日期 / to be answered by (B3, F2)")
    due_on: datetime.date | None = Field(description="当前期限 / the deadline in force")
    answered_on: datetime.date | None
    in_reply_to: int | None
    url: str


def message_out(m) -> dict:
    return {"id": m.id, "kind": m.kind, "sender": m.sender_id, "receiver": m.receiver_id, "state": m.state, "channel": m.channel or None,
            "send_due_on": m.send_due_on, "sent_on": m.sent_on, "arrived_on": m.arrived_on, "reply_due_on": m.reply_due_on, "due_on": m.due_on,
            "answered_on": m.answered_on, "in_reply_to": m.in_reply_to_id, "url": message_url(m.id)}


# ---------------------------------------------------------------- B1-B5

class BirthIn(Schema):
    woman: int | str = Field(..., description=PERSON_DOC)
    husband: int | str | None = Field(None, description="男方（辖区内人员）；否则填写 husband_hukou / the husband if registered in your area, else give husband_hukou")
    husband_hukou: str | None = Text("男方户籍地区划代码（12位，或6位县级代码） / the husband's hukou division code", 12)
    woman_hukou_township: str | None = Text("女方户籍地乡镇代码（她的记录只到县级时，B2） / her hukou township when her record knows only the county", 12)
    husband_hukou_township: str | None = Text("男方户籍地乡镇代码（只知道县级时，B2） / his hukou township when only the county is known", 12)
    via_county: bool = Field(False, description="乡镇不明：核实函发往县级，由县级转交 / township unknown: send the request to the county, which forwards it (B2)")
    received_on: str = DateText("材料受理日期；决定适用哪一套规定（P1） / materials received on: decides the rule set", required=True, example="2026-02-12")
    child_order: int = Field(..., description="孩次 / child order (1, 2, 3 ...)")
    expected_birth_on: str | None = DateText("预产期 / expected birth date")
    birth_on: str | None = DateText("出生日期 / actual birth date")
    documents: list[str] | None = Field(None, description="已收材料 / documents received: woman_id, husband_id, marriage, proof, commitment")
    notes: str | None = Text("备注 / notes", 2000)
    status_proof: str | None = Text("所引婚育情况证明编号（3-八-1，系统中已有的；代替该项材料） / the number of the status proof the system holds, cited for the proof paper (B1)", 40)
    send_now: bool = Field(True, description="立即经系统发出核实函 / send the verification requests now by the system")


class DecisionOut(Schema):
    decision: str
    decided_on: datetime.date
    reasons: str
    documents: list[str]
    decided_by: str | None


class CitedProofOut(Schema):
    id: int
    number: str
    township: str = Field(description="出具乡镇 / the hukou township that issued it")
    issued_on: datetime.date


class CitedCertificateOut(Schema):
    id: int
    number: str
    state: str = Field(description="valid | expired | long_term | revoked | replaced | surrendered, on the day of receipt")
    valid_until: datetime.date | None = Field(description="有效期至；长期有效时为 null / null while long-term")


class BirthOut(Schema):
    id: int
    number: str
    division: str
    woman: int
    woman_name: str
    husband: int | None
    husband_hukou: str
    woman_hukou_place: str
    husband_hukou_place: str
    residence_place: str | None
    at_hukou_place: bool
    received_on: datetime.date
    child_order: int
    expected_birth_on: datetime.date | None
    birth_on: datetime.date | None
    documents: list[str]
    notes: str
    rules_on: datetime.date
    rule_set: str
    basis: str = Field(description="documents | commitment")
    state: str = Field(description="received | postponed | registered | refused")
    decided_on: datetime.date | None
    complete_on: datetime.date | None = Field(description="材料齐全日期 / the day the materials were complete for the basis (B4)")
    registered_at_once: bool | None = Field(description="是否在材料齐全的工作日登记（即时办理） / registered on the working day the materials were complete (B4); null unless registered")
    reasons: str
    status_proof: CitedProofOut | None = Field(None, description="所引婚育情况证明 / the status proof the case cites (B1, 3-八-1)")
    woman_certificate: CitedCertificateOut | None = Field(None, description="女方受理日所持婚育证明 / the certificate she held on the day of receipt (C1-C4)")
    next_due: datetime.date | None = None
    messages: list[CaseMessageOut] | None = None
    decisions: list[DecisionOut] | None = None


class BirthPage(Schema):
    count: int
    results: list[BirthOut]


class DecideIn(Schema):
    decision: str = Text("register | postpone | refuse (B4)", required=True, enum=["register", "postpone", "refuse"])
    decided_on: str = DateText("决定日期 / decision date", required=True, example="2026-09-28")
    reasons: str | None = Text("暂缓：所缺材料；不予登记：理由（打印在告知书上） / postpone: what is missing; refuse: the reasons", 4000)
    documents: list[str] | None = Field(None, description="材料清单的现状（省略则不变） / the checklist as it now stands (unchanged if omitted)")
    complete_on: str | None = DateText("登记时：所缺材料补齐的日期（早于决定日时填写，B4 即时办理） / register: the day the missing paper came in, if before the decision")
    status_proof: str | None = Text("所引婚育情况证明编号（B1） / the number of the status proof that came in, cited (B1)", 40)
    send_now: bool = Field(True, description="立即经系统发出通报 / send the notifications now by the system")


def birth_out(c: BirthRegistration, *, detail: bool = False, actor=None) -> dict:
    out = {
        "id": c.id, "number": c.number, "division": c.division_id, "woman": c.woman_id, "woman_name": c.woman.name, "husband": c.husband_id,
        "husband_hukou": c.husband_hukou_id, "woman_hukou_place": c.woman_hukou_place_id, "husband_hukou_place": c.husband_hukou_place_id,
        "residence_place": c.residence_place_id, "at_hukou_place": c.at_hukou_place, "received_on": c.received_on, "child_order": c.child_order,
        "expected_birth_on": c.expected_birth_on, "birth_on": c.birth_on, "documents": c.documents, "notes": c.notes, "rules_on": c.rules_on,
        "rule_set": c.rule_set, "basis": c.basis, "state": c.state, "decided_on": c.decided_on, "complete_on": c.complete_on,
        "registered_at_once": c.registered_at_once, "reasons": c.reasons,
        "next_due": getattr(c, "next_due", None),
        "status_proof": ({"id": c.status_proof_id, "number": c.status_proof.number, "township": c.status_proof.township_id,
                          "issued_on": c.status_proof.issued_on} if c.status_proof_id else None),
    }
    if detail:
        held = queries.certificate_cited(case=c, actor=actor)
        out["woman_certificate"] = ({"id": held.pk, "number": held.number, "state": held.state_on(c.received_on), "valid_until": held.valid_until_on(c.received_on)}
                                    if held else None)
        out["messages"] = [message_out(m) for m in queries.case_messages(BIRTH, c.pk)]
        out["decisions"] = [{"decision": d.decision, "decided_on": d.decided_on, "reasons": d.reasons, "documents": d.documents,
                             "decided_by": d.decided_by.username if d.decided_by else None} for d in queries.decisions_of(c)]
    return out


def _status(status: str, allowed=queries.STATUSES) -> str:
    from liudong.errors import Invalid

    if status not in allowed:
        raise Invalid({"status": [f"应为 {'、'.join(allowed)} / must be {', '.join(allowed)}"]})
    return status


def _page(qs, limit: int, offset: int):
    from liudong.errors import Invalid

    errors = {}
    fields.window(limit, offset, errors)
    if errors:
        raise Invalid(errors)
    return qs.count(), list(qs[offset: offset + limit])


@router.post("/cases/births", response={201: BirthOut, **ERRORS}, summary="生育服务登记 / record a birth service registration (B1, B2)")
def create_birth(request, payload: BirthIn):
    case = services.create_birth_registration(actor=request.auth, data=payload.model_dump(), now=now())
    case = queries.get_birth_registration(actor=request.auth, pk=case.pk, log=False)
    return Status(201, birth_out(case, detail=True, actor=request.auth))


@router.get("/cases/births", response={200: BirthPage, **ERRORS}, summary="生育服务登记列表 / birth registrations of your division")
def list_births(request, status: str = "open", limit: int = 50, offset: int = 0):
    """status: open (received, postponed) | decided | all | late (B4: registered after the working day the materials were complete)."""
    count, rows = _page(queries.birth_registrations(actor=request.auth, status=_status(status, queries.BIRTH_STATUSES)), limit, offset)
    queries.log_list(actor=request.auth, kind=BIRTH, rows=rows, person_attrs=("woman_id", "husband_id"))
    return {"count": count, "results": [birth_out(c) for c in rows]}


@router.get("/cases/births/{case_id}", response={200: BirthOut, **ERRORS}, summary="生育服务登记 / one registration with its messages")
def get_birth(request, case_id: int):
    return birth_out(queries.get_birth_registration(actor=request.auth, pk=case_id), detail=True, actor=request.auth)


@router.post("/cases/births/{case_id}/decision", response={200: BirthOut, **ERRORS}, summary="登记、暂缓或不予登记 / decide (B4, B5)")
def decide_birth(request, case_id: int, payload: DecideIn):
    data = payload.model_dump()
    if data.get("documents") is None:
        data.pop("documents")
    services.decide_birth_registration(actor=request.auth, case_id=case_id, data=data, now=now())
    return birth_out(queries.get_birth_registration(actor=request.auth, pk=case_id, log=False), detail=True, actor=request.auth)


@router.get("/cases/births/{case_id}/refusal-letter.pdf", response=ERRORS,
            openapi_extra=file_response("不予登记告知书 / the refusal letter", PDF_TYPE),
            summary="不予登记告知书 PDF / the refusal letter (B4)")
def refusal_letter(request, case_id: int):
    data, disposition = documents.refusal_letter(actor=request.auth, case_id=case_id, printed_on=today())
    return download(data, PDF_TYPE, disposition)


# ---------------------------------------------------------------- B6

class SecondBirthIn(Schema):
    woman: int | str = Field(..., description=PERSON_DOC)
    decision: str = Text("approved | not_approved", required=True, enum=["approved", "not_approved"])
    child_order: int | None = Field(2, description="孩次（默认2；自 national-2016 起只审批第三孩及以上） / child order (default 2; from national-2016 only third and later children are approved)")
    decided_on: str = DateText("审批日期 / decision date", required=True, example="2026-02-13")
    certificate_number: str | None = Text("证明编号（批准时必填） / certificate number (required for an approval)", 40)
    notes: str | None = Text("备注 / notes", 2000)
    send_now: bool = Field(True, description="立即经系统发出通报 / send the notification now by the system")


class SecondBirthOut(Schema):
    id: int
    number: str
    division: str
    woman: int
    woman_name: str
    residence_place: str
    decision: str
    child_order: int
    decided_on: datetime.date
    certificate_number: str
    notes: str
    rules_on: datetime.date
    rule_set: str
    next_due: datetime.date | None = None
    messages: list[CaseMessageOut] | None = None


class SecondBirthPage(Schema):
    count: int
    results: list[SecondBirthOut]


def second_birth_out(c: SecondBirthResult, *, detail: bool = False) -> dict:
    out = {"id": c.id, "number": c.number, "division": c.division_id, "woman": c.woman_id, "woman_name": c.woman.name, "residence_place": c.residence_place_id,
           "decision": c.decision, "child_order": c.child_order, "decided_on": c.decided_on, "certificate_number": c.certificate_number, "notes": c.notes, "rules_on": c.rules_on,
           "rule_set": c.rule_set, "next_due": getattr(c, "next_due", None)}
    if detail:
        out["messages"] = [message_out(m) for m in queries.case_messages(SECOND_BIRTH, c.pk)]
    return out


@router.post("/cases/second-births", response={201: SecondBirthOut, **ERRORS}, summary="再生育审批结果 / record a second-birth result (B6)")
def create_second_birth(request, payload: SecondBirthIn):
    result = services.record_second_birth(actor=request.auth, data=payload.model_dump(), now=now())
    return Status(201, second_birth_out(queries.get_second_birth(actor=request.auth, pk=result.pk, log=False), detail=True))


@router.get("/cases/second-births", response={200: SecondBirthPage, **ERRORS}, summary="再生育审批结果列表 / second-birth results of your division")
def list_second_births(request, status: str = "all", limit: int = 50, offset: int = 0):
    count, rows = _page(queries.second_birth_results(actor=request.auth, status=_status(status)), limit, offset)
    queries.log_list(actor=request.auth, kind=SECOND_BIRTH, rows=rows)
    return {"count": count, "results": [second_birth_out(c) for c in rows]}


@router.get("/cases/second-births/{case_id}", response={200: SecondBirthOut, **ERRORS}, summary="再生育审批结果 / one second-birth result")
def get_second_birth(request, case_id: int):
    return second_birth_out(queries.get_second_birth(actor=request.auth, pk=case_id), detail=True)


# ---------------------------------------------------------------- F1-F4

Money = str | float | int


class FeeIn(Schema):
    person: int | str = Field(..., description=PERSON_DOC)
    started_on: str = DateText("协商开始日期；决定适用的规定（P1） / consultation started on: decides the rule set", required=True, example="2020-06-01")
    basic_facts: str = Text("当事人基本情况 / basic facts of the party (F3)", 4000, required=True)
    actual_income: Money = Field(..., description="实际收入（元/年） / actual income, yuan a year")
    urban_income: Money = Field(..., description="当地城镇居民人均可支配收入（元） / local urban per-capita disposable income")
    rural_income: Money = Field(..., description="当地农村居民人均纯收入（元） / local rural per-capita net income")
    proposed_levy: Money = Field(..., description="拟征收数额（元，≥0） / proposed levy, yuan, at least 0")
    other_matters: str | None = Text("其他事项 / other matters", 4000)
    channel: str | None = Text(f"发送方式 / channel: {CHANNEL_DOC}", enum=["system", "letter", "fax", "phone"])
    sent_at: str | None = Text("发出时间 YYYY-MM-DD HH:MM（信函、传真） / sent at (letter, fax)")
    arrived_at: str | None = Text("送达时间：传真的接收时间、电话的通话时间、挂号信签收时间 / arrived at (X5)")
    evidence: str | None = Text("凭证：挂号单号、传真回执、通话记录 / evidence: mail number, fax report, call record", 300)
    attachments: list[AttachmentIn] | None = Field(None, description="公函、传真的原件扫描件（F4 必附） / the scan of a letter or fax (required for them, F4)")


class FeeOut(Schema):
    id: int
    number: str
    division: str
    hukou_county: str
    person: int
    person_name: str
    started_on: datetime.date
    basic_facts: str
    actual_income: str
    urban_income: str
    rural_income: str
    proposed_levy: str
    other_matters: str
    rules_on: datetime.date
    rule_set: str
    message: CaseMessageOut | None
    answered: bool
    answer_agrees: bool | None
    answer_opinion: str
    answered_on: datetime.date | None
    next_due: datetime.date | None = None
    messages: list[CaseMessageOut] | None = None


class FeePage(Schema):
    count: int
    results: list[FeeOut]


class FeeAnswerIn(Schema):
    agrees: bool | str = Field(..., description="true（同意） | false（不同意） / agree or disagree with the proposed levy")
    opinion: str = Text("意见 / opinion", 4000, required=True)
    channel: str | None = Text(f"回复方式 / channel: {CHANNEL_DOC}", enum=["system", "letter", "fax", "phone"])
    sent_at: str | None = Text("发出时间 / sent at")
    arrived_at: str | None = Text("送达时间 / arrived at")
    evidence: str | None = Text("凭证 / evidence", 300)
    attachments: list[AttachmentIn] | None = Field(None, description="公函、传真的原件扫描件（F4 必附，与协商函相同） / the scan of a letter or fax (required, as for the consultation, F4)")


def fee_out(c: FeeConsultation, *, detail: bool = False) -> dict:
    answer = queries.fee_answer(c)
    out = {"id": c.id, "number": c.number, "division": c.division_id, "hukou_county": c.hukou_county_id, "person": c.person_id, "person_name": c.person.name,
           "started_on": c.started_on, "basic_facts": c.basic_facts, "actual_income": str(c.actual_income), "urban_income": str(c.urban_income),
           "rural_income": str(c.rural_income), "proposed_levy": str(c.proposed_levy), "other_matters": c.other_matters, "rules_on": c.rules_on,
           "rule_set": c.rule_set, "message": message_out(c.message) if c.message else None, "answered": answer["answered"],
           "answer_agrees": c.answer_agrees, "answer_opinion": answer["opinion"], "answered_on": answer["answered_on"], "next_due": getattr(c, "next_due", None)}
    if detail:
        out["messages"] = [message_out(m) for m in queries.case_messages(FEE, c.pk)]
    return out


def _data(payload) -> dict:
    return {k: v for k, v in payload.model_dump(exclude={"attachments"}).items() if v is not None}


@router.post("/cases/fee-consultations", response={201: FeeOut, **ERRORS}, summary="协商征收社会抚养费 / consult the hukou county (F1-F4)")
def create_fee(request, payload: FeeIn):
    case = services.create_fee_consultation(actor=request.auth, data=_data(payload), now=now(), attachments=scans(payload.attachments))
    return Status(201, fee_out(queries.get_fee_consultation(actor=request.auth, pk=case.pk, log=False), detail=True))


@router.get("/cases/fee-consultations", response={200: FeePage, **ERRORS}, summary="协商征收列表 / fee consultations sent or addressed to your county")
def list_fees(request, status: str = "open", limit: int = 50, offset: int = 0):
    count, rows = _page(queries.fee_consultations(actor=request.auth, status=_status(status)), limit, offset)
    queries.log_list(actor=request.auth, kind=FEE, rows=rows, person_attrs=("person_id",))
    return {"count": count, "results": [fee_out(c) for c in rows]}


@router.get("/cases/fee-consultations/{case_id}", response={200: FeeOut, **ERRORS}, summary="协商征收 / one fee consultation")
def get_fee(request, case_id: int):
    return fee_out(queries.get_fee_consultation(actor=request.auth, pk=case_id), detail=True)


@router.post("/cases/fee-consultations/{case_id}/answer", response={200: FeeOut, **ERRORS}, summary="户籍地县回复 / the hukou county answers (F2)")
def answer_fee(request, case_id: int, payload: FeeAnswerIn):
    services.answer_fee_consultation(actor=request.auth, case_id=case_id, data=_data(payload), now=now(), attachments=scans(payload.attachments))
    return fee_out(queries.get_fee_consultation(actor=request.auth, pk=case_id, log=False), detail=True)
