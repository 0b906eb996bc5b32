"""Query desk API (Q1-Q9). Refusals the rules want recorded are 201 with `state: "refused"`, the
reason and the routing; 422 only for malformed input or a state conflict; 403 for other roles;
404 for a request another desk took (or a task of another station)."""
import datetime
from typing import Any

from ninja import Field, Router, Schema, Status

from liudong.api_schemas import ERRORS, DateText, Text
from liudong.clock import now, today  # the edge's one reading of the clock (invariant 4)

from . import queries, rules, serialize, services
from .choices import DOCUMENTS, FIELDS, MATCHES, POPULATIONS

router = Router(tags=["inquiries"])


class InquiryCategoryOut(Schema):
    category: str
    label: str
    required_documents: list[str]
    document_sets: list[list[str]] = Field(description="任一组证件齐全即可 / any one complete set suffices (Q2)")
    disclosed_fields: list[str]
    consent: bool
    counts_only: bool
    approval: bool
    agreement: bool
    printed_sheet: bool
    named_in_letter: bool
    treated_as: str | None = Field(None, description="按哪一类办理（外籍人员因私查询按寻亲访友） / handled as that category (a foreigner asking privately as citizen_relative)")
    handled_at_desk: bool
    routing: str | None
    source: str


class InquiryCategoryList(Schema):
    count: int
    results: list[InquiryCategoryOut]


class InquiryRequesterIn(Schema):
    name: str = Text("查询人姓名 / requester's name", 50, required=True, example="王明")
    unit: str | None = Text("单位 / unit", 200)
    id_document: str | None = Text("证件名称 / the document's name (居民身份证, 工作证, 军官证, 律师证, 护照)", 40, example="居民身份证")
    id_number: str | None = Text("证件号码 / document number", 40)
    phone: str | None = Text("联系电话 / phone", 30)
    address: str | None = Text("联系地址 / address", 200)


class InquirySubjectIn(Schema):
    name: str | None = Text("被查询人姓名 / the person's name", 50, example="李娜")
    match: str | None = Text("same_sound 同音 | same_char 同字 | exact", enum=list(MATCHES))
    sex: str | None = Text("M | F", enum=["M", "F"])
    birth_date: str | None = DateText("出生日期 / birth date")
    age_min: int | None = None
    age_max: int | None = None
    id_number: str | None = Text("身份证号码 / ID number", 18)
    native_place: str | None = Text("籍贯或出生地 / native place or birthplace", 100)
    area_or_occupation: str | None = Text("居住地址或单位职业 / known area or occupation", 200)
    population: str | None = Text("permanent 常住 | temporary 暂住", enum=list(POPULATIONS))
    named_in_letter: bool = Field(True, description="已在介绍信或盖章名单中列明 / named in the letter or its stamped list (Q3 (七))")


class InquiryScanIn(Schema):
    document: str = Text("所属证件 / the document scanned", enum=sorted(DOCUMENTS), required=True)
    name: str = Text("文件名 / file name", 200, required=True, example="介绍信.pdf")
    content_type: str = Text("类型 / type", enum=sorted(services.SCAN_TYPES), required=True)
    data: str = Field(..., description="Base64，解码后不超过 2 MB / base64, at most 2 MB decoded")


class InquiryIn(Schema):
    category: str = Text("查询类别 / category (GET /inquiries/categories)", 40, required=True, example="citizen_relative")
    requester: InquiryRequesterIn
    documents: list[str] = Field(default_factory=list, description="已查验的证件 / documents shown: " + ", ".join(DOCUMENTS))
    reason: str | None = Text("查询原因 / reason", 1000)
    relationship: str | None = Text("与被查询人关系 / relationship to the person", 200)
    notice_acknowledged: bool = Field(False, description="已告知注意事项，查询人已在申请表上签字 / notice read and form signed (Q6)")
    subjects: list[InquirySubjectIn] = Field(default_factory=list)
    scans: list[InquiryScanIn] | None = None


class InquiryRequesterOut(Schema):
    name: str
    unit: str | None
    id_document: str | None
    id_number: str | None
    phone: str | None
    address: str | None


class InquiryCandidateOut(Schema):
    person_id: int
    masked_name: str
    sex: str
    birth_year: int
    place: str


class InquirySubjectOut(Schema):
    position: int
    name: str
    match: str | None
    sex: str | None
    state: str
    match_count: int | None
    candidates: list[InquiryCandidateOut]
    consent_due_on: datetime.date | None
    consent_answered_on: datetime.date | None
    count: int | None


class InquiryAnswerItem(Schema):
    position: int
    result: str
    person: dict[str, Any] | None = Field(description="仅该类别可提供的字段 / only the fields the category may be told: " + ", ".join(FIELDS))
    count: int | None


class InquiryAnswerOut(Schema):
    covers: str
    subjects: list[InquiryAnswerItem]


class InquiryOut(Schema):
    id: int
    file_number: str
    category: str
    rule_set: str
    state: str = Field(description="refused | checked | recorded | choosing | awaiting_consent | awaiting_approval | answered | closed")
    reason: str | None = Field(description="不予受理的原因 / why the desk refused")
    routing: str | None = Field(description="应去何处办理（Q5） / where to go instead")
    stated_reason: str
    relationship: str | None
    requester: InquiryRequesterOut
    documents: list[str]
    received_on: datetime.date
    received_at: datetime.datetime
    notice_acknowledged_at: datetime.datetime | None
    approved: bool | None
    approved_at: datetime.datetime | None
    answered_on: datetime.date | None
    flagged: bool
    printed_sheet: bool
    subjects: list[InquirySubjectOut]
    answer: InquiryAnswerOut | None


class InquiryBrief(Schema):
    id: int
    file_number: str
    category: str
    state: str
    received_on: datetime.date
    requester_name: str


class InquiryList(Schema):
    count: int
    results: list[InquiryBrief]


class InquirySelectIn(Schema):
    person_id: int


class InquiryConsentIn(Schema):
    person_id: int
    granted: bool
    fields: list[str] | None = Field(None, description="被查询人同意提供的字段（默认全部） / the fields she agrees to tell (default all the category's)")


class InquiryApproveIn(Schema):
    approved: bool = True


@router.get("/inquiries/categories", response={200: InquiryCategoryList, **ERRORS}, url_name="inquiry_categories")
def categories(request):
    from liudong.accounts.choices import Action
    from liudong.accounts.permissions import require

    require(request.auth, Action.TAKE_QUERIES)
    day = today()
    code = request.auth.division_id
    rows = [serialize.category_out(c, s) for c, s in rules.categories(code, day)] if rules.in_force(code, day) else []
    return {"count": len(rows), "results": rows}


@router.get("/inquiries", response={200: InquiryList, **ERRORS}, url_name="inquiry_list")
def inquiry_list(request, limit: int = 50, offset: int = 0):
    qs = queries.desk_inquiries(actor=request.auth).order_by("-received_on", "-id")
    limit, offset = max(1, min(limit, 200)), max(0, offset)
    rows = [{"id": i.pk, "file_number": i.file_number, "category": i.category, "state": i.state, "received_on": i.received_on, "requester_name": i.requester_name}
            for i in qs[offset: offset + limit]]
    return {"count": qs.count(), "results": rows}


@router.post("/inquiries", response={201: InquiryOut, **ERRORS}, url_name="inquiry_create")
def create(request, payload: InquiryIn):
    data = payload.model_dump(exclude_none=True)
    inquiry = services.create_inquiry(actor=request.auth, data=data, now=now())
    return Status(201, serialize.inquiry_out(inquiry, today=today()))


@router.get("/inquiries/{inquiry_id}", response={200: InquiryOut, **ERRORS}, url_name="inquiry_detail")
def detail(request, inquiry_id: int):
    inquiry = queries.get_inquiry(actor=request.auth, inquiry_id=inquiry_id)
    return serialize.inquiry_out(inquiry, today=today())


@router.post("/inquiries/{inquiry_id}/acknowledge", response={200: InquiryOut, **ERRORS}, url_name="inquiry_acknowledge")
def acknowledge(request, inquiry_id: int):
    inquiry = services.acknowledge(actor=request.auth, inquiry_id=inquiry_id, now=now())
    return serialize.inquiry_out(inquiry, today=today())


@router.post("/inquiries/{inquiry_id}/run", response={200: InquiryOut, **ERRORS}, url_name="inquiry_run")
def run(request, inquiry_id: int):
    inquiry = services.run(actor=request.auth, inquiry_id=inquiry_id, now=now())
    return serialize.inquiry_out(inquiry, today=today())


@router.post("/inquiries/{inquiry_id}/select", response={200: InquiryOut, **ERRORS}, url_name="inquiry_select")
def select(request, inquiry_id: int, payload: InquirySelectIn):
    inquiry = services.select(actor=request.auth, inquiry_id=inquiry_id, data=payload.model_dump(), now=now())
    return serialize.inquiry_out(inquiry, today=today())


class InquiryConsentOut(Schema):
    id: int
    state: str = Field(description="同意结果已记录；答复内容只交受理窗口 / the answer is recorded; only the desk that took the request sees the answer")
    granted: bool


@router.post("/inquiries/{inquiry_id}/consent", response={200: InquiryConsentOut, **ERRORS}, url_name="inquiry_consent")
def consent(request, inquiry_id: int, payload: InquiryConsentIn):
    inquiry = services.answer_consent(actor=request.auth, inquiry_id=inquiry_id, data=payload.model_dump(exclude_none=True), now=now())
    return {"id": inquiry.pk, "state": "recorded", "granted": payload.granted}


class ConsentTaskOut(Schema):
    id: int
    person_id: int | None
    person_name: str
    desk_division: str = Field(description="受理窗口（可在其他节点） / the desk that asks (possibly on another node)")
    file_number: str
    requester_name: str
    relationship: str
    reason: str
    consent_due_on: datetime.date
    answered_on: datetime.date | None
    granted: bool | None
    fields: list[str]


class ConsentTaskList(Schema):
    count: int
    results: list[ConsentTaskOut]


class ConsentTaskAnswerIn(Schema):
    granted: bool
    fields: list[str] | None = Field(None, description="被查询人同意提供的字段（默认全部） / the fields she agrees to tell (default all the category's)")


def _task_out(t) -> dict:
    r = t.request
    return {"id": t.pk, "person_id": t.whom_id, "person_name": t.whom.name if t.whom else "", "desk_division": r["desk"] or "",
            "file_number": r["file_number"], "requester_name": r["requester_name"], "relationship": r["relationship"], "reason": r["reason"],
            "consent_due_on": t.due_on, "answered_on": t.answered_on, "granted": t.granted, "fields": list(t.fields)}


@router.get("/consent-tasks", response={200: ConsentTaskList, **ERRORS}, url_name="consent_task_list")
def consent_task_list(request, limit: int = 50, offset: int = 0):
    """Q7: the station's open consent tasks, those of desks on other nodes included (issue 16)."""
    qs = queries.consent_tasks(actor=request.auth)
    limit, offset = max(1, min(limit, 200)), max(0, offset)
    tasks = queries.log_tasks_shown(actor=request.auth, tasks=qs[offset: offset + limit])
    return {"count": qs.count(), "results": [_task_out(t) for t in tasks]}


@router.post("/consent-tasks/{task_id}", response={200: ConsentTaskOut, **ERRORS}, url_name="consent_task_answer")
def consent_task_answer(request, task_id: int, payload: ConsentTaskAnswerIn):
    task = services.answer_consent_task(actor=request.auth, task_id=task_id, data=payload.model_dump(exclude_none=True), now=now())
    return _task_out(task)


class InquiryApprovalOut(Schema):
    id: int
    approved: bool
    state: str


@router.post("/inquiries/{inquiry_id}/approve", response={200: InquiryApprovalOut, **ERRORS}, url_name="inquiry_approve")
def approve(request, inquiry_id: int, payload: InquiryApproveIn):
    inquiry = services.approve(actor=request.auth, inquiry_id=inquiry_id, data=payload.model_dump(), now=now())
    return {"id": inquiry.pk, "approved": bool(inquiry.approved), "state": inquiry.state}
