"""X1-X5 through the API: the boxes, one message, writing, signing for, answering, recording a
letter's arrival, sending a draft, closing, and the scans.

Every domain check is done once, in exchange.services (writes) and exchange.queries (scoped,
logged reads), so the API and the pages give the same bilingual field errors (invariant 7). The
moment of an act is read here, at the edge (invariant 4).
"""
import base64
import binascii
import datetime
from typing import Literal

from django.core.files.uploadedfile import SimpleUploadedFile
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictInt

from liudong.api_schemas import ERRORS, Blank, Text, file_response
from liudong.clock import now, today  # the edge's one reading of the clock (invariant 4)
from liudong.content_types import content_disposition, download
from liudong.errors import Invalid
from liudong.limits import ATTACHMENT_MAX_BYTES, MAX_ATTACHMENTS, base64_length

from . import claims, queries, services
from .models import Channel, Kind, Message, State, Topic

router = Router(tags=["exchange"])


def Moment(description: str, *, required: bool = False, example: str = "2026-09-28 09:00"):
    """A date and time in a request body: text YYYY-MM-DD HH:MM (or ISO 8601), Beijing time unless
    an offset is given; the service checks it (not in the future, not before it was sent ...)."""
    return Field(... if required else None, description=f"{description}; YYYY-MM-DD HH:MM", json_schema_extra={"example": example, "maxLength": 40})


class AttachmentIn(Schema):
    name: str = Text("文件名 / file name", 200, required=True, example="回执.pdf")
    content_type: str = Text("类型 / type", enum=sorted(services.ATTACHMENT_TYPES), required=True)
    data: str = Field(..., description=f"文件内容，Base64 编码，解码后不超过 2 MB（{ATTACHMENT_MAX_BYTES} 字节） / the file, base64-encoded, "
                                       f"at most 2 MB ({ATTACHMENT_MAX_BYTES} bytes) decoded")


class ChannelIn(Schema):
    channel: str | None = Text("方式，默认 system / channel (default system)", enum=Channel.values)
    sent_at: str | None = Moment("发出时间（挂号信、传真必填） / sent at (letter and fax)", example="2026-09-28 09:00")
    arrived_at: str | None = Moment("送达时间：传真的接收时间、电话的通话时间、挂号信的签收时间 / arrival: fax receiving time, call time, letter signing date", example="2026-09-28 10:30")
    evidence: str | None = Text("送达凭证：挂号信单号、传真回执、通话记录 / evidence: mail number, fax report, call record", 300)
    attachments: list[AttachmentIn] | None = Field(None, description=f"扫描件，最多 {MAX_ATTACHMENTS} 个 / scans, at most {MAX_ATTACHMENTS}")


class MessageIn(ChannelIn):
    kind: str = Text("类型 / type", enum=sorted(services.FREE_KINDS), required=True)
    receiver: str = Text("收件单位区划代码（乡镇或县） / receiver: a township or county code", 12, required=True, example="511921100000")
    person: StrictInt | None = Field(None, description="当事人编号（核实、通报、报告、线索必填） / the person's id (required for verification, notification, report, clue)")
    subject: str = Text("标题 / subject", 200, required=True)
    body: str | None = Text("内容 / body", 20000)
    topic: str | None = Text("主题（X1：第三篇三）；避孕节育情况报告默认 contraception / topic (X1, part 3 三); a contraception report defaults to contraception",
                             enum=Topic.values)


class ForwardIn(Schema):
    receiver: str = Text("本县所属乡镇（街道）代码 / a township of your county", 12, required=True, example="410102001000")
    note: str | None = Text("转交说明 / a note for the township", 200)


class ReplyIn(ChannelIn):
    body: str = Text("反馈内容 / the answer", 20000, required=True)
    subject: str | None = Text("标题，默认“反馈：”加来函标题 / subject (default: 反馈： and the request's subject)", 200)


class ArrivalIn(Schema):
    arrived_at: str = Moment("挂号信签收时间 / the registered-mail signing time", required=True, example="2026-10-08 15:00")
    evidence: str | None = Text("签收回执、单号 / the receipt or mail number", 300)
    attachments: list[AttachmentIn] | None = None


class MessageCloseIn(Schema):
    reason: str = Text("办结原因 / why it is closed", 200, required=True)


class DisputeIn(Schema):
    reason: str = Text("异议理由（申报方可见） / why (shown to the claimant)", 200, required=True)


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    is_evidence: bool
    uploaded_at: datetime.datetime


class RouteStep(Schema):
    code: str
    name: str


class PersonRef(Schema):
    id: int
    name: str
    id_number: str | None = Field(None, description="只对收发双方返回 / only for the two ends")
    sex: str | None = None
    birth_date: datetime.date | None = None


class BasisOut(Schema):
    kind: str = Field(description="reply: 收件方的反馈期限 / the receiver's answer; send: 应发出日期 / a draft's send-by date")
    due_on: datetime.date | None
    days: int | None = Field(None, description="工作日数 / working days")
    rule_set: str
    source: str
    valid_from: datetime.date | None
    counted_from: datetime.date | None = Field(None, description="起算日（不计入） / the day counted from (not itself counted)")


class MessageOut(Schema):
    id: int
    kind: str = Field(description=" | ".join(Kind.values))
    topic: str | None = Field(description="主题 / topic: " + " | ".join(Topic.values) + "; null for arrival claims and family links")
    state: str = Field(description=" | ".join(State.values))
    sender: str
    sender_name: str
    receiver: str
    receiver_name: str
    person_id: int | None
    person_name: str | None
    subject: str
    channel: str | None
    sent_at: datetime.datetime | None
    arrived_at: datetime.datetime | None
    arrived_on: datetime.date | None
    send_due_on: datetime.date | None
    reply_due_on: datetime.date | None
    due_on: datetime.date | None = Field(description="期限 / the deadline in force")
    days_left: int | None = Field(None, description="剩余工作日（负数为已超期） / working days left (negative: overdue)")
    overdue: bool
    in_reply_to: int | None
    case_type: str | None
    case_id: int | None


class MessageDetailOut(MessageOut):
    body: str | None = Field(description="正文；只给两端和县级（可见敏感字段的角色） / the text: to the two ends and roles that see sensitive fields")
    route: list[RouteStep]
    via_nation: bool
    evidence: str
    received_at: datetime.datetime | None
    answered_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    close_reason: str
    withdrawn_on: datetime.date | None = Field(description="发函方撤回之日（超期后撤回仍计超期） / the day the sender withdrew it (withdrawn after its deadline: still overdue)")
    forwarded_from: int | None = Field(description="县级转交的原函 / the request a county forwarded, of which this is the copy (B2)")
    forwarded_to: int | None = Field(description="转交给乡镇的复本 / the copy a county forwarded to its township (B2)")
    overdue_on: datetime.date | None
    rules_on: datetime.date
    rule_set: str
    basis: BasisOut | None
    person: PersonRef | None
    reply_id: int | None
    attachments: list[AttachmentOut]


class CountsOut(Schema):
    all: int
    today: int
    week: int
    overdue: int


class MessagePage(Schema):
    box: str
    due: str | None
    count: int = Field(description="本筛选下的总数 / total under this filter")
    counts: CountsOut
    page: int
    pages: int
    results: list[MessageOut]


def message_out(m: Message) -> dict:
    if not hasattr(m, "late"):
        queries.annotate_days([m], today())
    return {
        "id": m.id, "kind": m.kind, "topic": m.topic or None, "state": m.state, "sender": m.sender_id, "sender_name": m.sender.name, "receiver": m.receiver_id,
        "receiver_name": m.receiver.name, "person_id": m.person_id, "person_name": m.person.name if m.person_id else None, "subject": m.subject,
        "channel": m.channel or None, "sent_at": m.sent_at, "arrived_at": m.arrived_at, "arrived_on": m.arrived_on, "send_due_on": m.send_due_on,
        "reply_due_on": m.reply_due_on, "due_on": m.due_on, "days_left": m.days_left, "overdue": m.late, "in_reply_to": m.in_reply_to_id,
        "case_type": m.case_type or None, "case_id": m.case_id,
    }


def detail_out(actor, m: Message) -> dict:
    out = message_out(m)
    reply = queries.reply_of(m)
    basis = queries.deadline_basis(m)
    person = None
    if m.person_id:
        person = {"id": m.person_id, "name": m.person.name}
        if queries.is_end(actor=actor, message=m):
            person.update(id_number=m.person.id_number or m.person.document_number, sex=m.person.sex, birth_date=m.person.birth_date)
    content = queries.shows_content(actor=actor, message=m)
    out.update(
        body=m.body if content else None, route=[{"code": c, "name": n} for c, n in queries.route_of(m)], via_nation=m.via_nation, evidence=m.evidence,
        received_at=m.received_at, answered_at=m.answered_at, closed_at=m.closed_at, close_reason=m.close_reason, overdue_on=m.overdue_on,
        withdrawn_on=m.withdrawn_on, forwarded_from=m.forwarded_from_id, forwarded_to=getattr(getattr(m, "forwarded_to", None), "pk", None),
        rules_on=m.rules_on, rule_set=m.rule_set, basis=basis.__dict__ if basis else None, person=person, reply_id=reply.pk if reply else None,
        attachments=[{"id": a.id, "name": a.name, "content_type": a.content_type, "size": a.size, "sha256": a.sha256, "is_evidence": a.is_evidence,
                      "uploaded_at": a.uploaded_at} for a in (queries.attachments_of(m) if content else [])],
    )
    return out


def scans_to_files(items) -> list:
    """Base64 scans to uploaded-file objects; the service checks type, size and content."""
    if not items:
        return []
    if len(items) > MAX_ATTACHMENTS:
        raise Invalid({"attachments": [f"最多 {MAX_ATTACHMENTS} 个附件 / at most {MAX_ATTACHMENTS} attachments"]})
    files = []
    for i, item in enumerate(items):
        text = "".join(item.data.split())
        too_big = {f"attachments.{i}.data": [f"文件超过 2 MB（{ATTACHMENT_MAX_BYTES} 字节） / larger than 2 MB ({ATTACHMENT_MAX_BYTES} bytes)"]}
        if len(text) > base64_length(ATTACHMENT_MAX_BYTES):
            raise Invalid(too_big)  # refused before decoding
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise Invalid({f"attachments.{i}.data": ["不是有效的 Base64 / not valid base64"]}) from None
        if len(data) > ATTACHMENT_MAX_BYTES:
            raise Invalid(too_big)
        files.append(SimpleUploadedFile(item.name or "scan", data, content_type=item.content_type))
    return files


def _data(payload) -> dict:
    return payload.model_dump(exclude={"attachments"}, exclude_none=True)


def _reload(m: Message) -> Message:
    """The message as written, with the divisions and the person for the answer."""
    return Message.objects.select_related("sender", "receiver", "person").get(pk=m.pk)


class BoxQuery(Schema):
    box: Literal["inbox", "outbox", "watch"] | None = Field(None, description="inbox 收件箱 | outbox 发件箱（含待发送） | watch 下级超期督办；默认：乡镇、县为 inbox，以上为 watch")
    due: Blank(Literal["today", "week", "overdue"]) = Field(None, description="today 今日到期 | week 本周到期（至周日） | overdue 已超期")
    page: int = Field(1, ge=1, le=queries.MAX_PAGE)
    per_page: int = Field(queries.PER_PAGE, ge=1, le=200)


@router.get("/messages", response={200: MessagePage, **ERRORS}, summary="收件箱、发件箱、超期督办 / inbox, outbox, overdue below")
def list_messages(request, q: Query[BoxQuery]):
    """One page (ordered by deadline) with the counts due today, this week and overdue; the persons
    named on the page are logged."""
    actor = request.auth
    result = queries.box_page(actor=actor, box=q.box or queries.default_box(actor=actor), today=today(), due=q.due, page=q.page, per_page=q.per_page)
    return {"box": result.box, "due": result.due, "count": result.count, "counts": result.counts, "page": result.page, "pages": result.pages,
            "results": [message_out(m) for m in result.rows]}


@router.post("/messages", response={201: MessageDetailOut, **ERRORS}, summary="发函 / send a message")
def send_message(request, payload: MessageIn):
    """X1: from the caller's township or county, routed through the province or the nation (X2),
    arriving per channel (X5), with the answer deadline in working days (X4)."""
    actor = request.auth
    message = services.send_message(actor=actor, data=_data(payload), now=now(), attachments=scans_to_files(payload.attachments))
    return Status(201, detail_out(actor, _reload(message)))


@router.get("/messages/{message_id}", response={200: MessageDetailOut, **ERRORS}, summary="函件详情 / one message")
def get_message(request, message_id: int):
    """Visible to both ends and the levels above them (a draft only on the sender's side); the
    opening is logged with the person it names (invariant 3)."""
    actor = request.auth
    return detail_out(actor, queries.get_message(actor=actor, message_id=message_id))


@router.post("/messages/{message_id}/acknowledge", response={200: MessageDetailOut, **ERRORS}, summary="签收 / sign for a message")
def acknowledge(request, message_id: int):
    actor = request.auth
    message = services.acknowledge(actor=actor, message_id=message_id, now=now())
    return detail_out(actor, _reload(message))


@router.post("/messages/{message_id}/reply", response={201: MessageDetailOut, **ERRORS}, summary="反馈 / answer a request")
def reply(request, message_id: int, payload: ReplyIn):
    """X3: the receiver's answer; it closes the request. A second answer, or one from a place the
    request is not addressed to, is refused."""
    actor = request.auth
    answer = services.reply(actor=actor, message_id=message_id, data=_data(payload), now=now(), attachments=scans_to_files(payload.attachments))
    return Status(201, detail_out(actor, _reload(answer)))


@router.post("/messages/{message_id}/arrival", response={200: MessageDetailOut, **ERRORS}, summary="登记挂号信送达 / record a letter's arrival")
def arrival(request, message_id: int, payload: ArrivalIn):
    """X5: a registered letter arrives at its signing date; the answer period runs from it."""
    actor = request.auth
    message = services.record_arrival(actor=actor, message_id=message_id, data=_data(payload), now=now(), attachments=scans_to_files(payload.attachments))
    return detail_out(actor, _reload(message))


@router.post("/messages/{message_id}/dispatch", response={200: MessageDetailOut, **ERRORS}, summary="发出待发函件 / send a draft")
def dispatch(request, message_id: int, payload: ChannelIn):
    """Send a message a case opened (to send by its date) by the channel chosen."""
    actor = request.auth
    message = services.dispatch(actor=actor, message_id=message_id, data=_data(payload), now=now(), attachments=scans_to_files(payload.attachments))
    return detail_out(actor, _reload(message))


@router.post("/messages/{message_id}/accept", response={201: MessageDetailOut, **ERRORS}, summary="确认到达申报或亲属关系 / accept a claim or a family link")
def accept(request, message_id: int):
    """Holes 1 and 3: her place accepts an arrival claim (her history then records the claim's
    dates) or a family link (written both ways). The answer goes back to the claimant (201, the
    answer). Refused with the reason when the claim no longer fits her record: dispute it then."""
    actor = request.auth
    answer = claims.accept(actor=actor, message_id=message_id, now=now())
    return Status(201, detail_out(actor, _reload(answer)))


@router.post("/messages/{message_id}/dispute", response={201: MessageDetailOut, **ERRORS}, summary="对到达申报或亲属关系提出异议 / dispute a claim or a family link")
def dispute(request, message_id: int, payload: DisputeIn):
    """The claim (or the link) ends, nothing is written to her record, the reason goes back."""
    actor = request.auth
    answer = claims.dispute(actor=actor, message_id=message_id, reason=payload.reason, now=now())
    return Status(201, detail_out(actor, _reload(answer)))


@router.post("/messages/{message_id}/forward", response={201: MessageDetailOut, **ERRORS}, summary="转交所属乡镇 / forward to a township (B2)")
def forward(request, message_id: int, payload: ForwardIn):
    """B2: a county that received a request meant for one of its townships passes it on; the
    county's part ends (answered on this day), the copy runs on its own clock, and the township's
    answer goes to the place that asked (201, the copy)."""
    actor = request.auth
    copy = services.forward(actor=actor, message_id=message_id, data=_data(payload), now=now())
    return Status(201, detail_out(actor, _reload(copy)))


@router.post("/messages/{message_id}/close", response={200: MessageDetailOut, **ERRORS}, summary="办结（撤回） / close a message")
def close(request, message_id: int, payload: MessageCloseIn):
    actor = request.auth
    message = services.close(actor=actor, message_id=message_id, reason=payload.reason, now=now())
    return detail_out(actor, _reload(message))


@router.get("/messages/{message_id}/attachments/{attachment_id}", response=ERRORS,
            openapi_extra=file_response("扫描件 / the scan", *sorted(services.ATTACHMENT_TYPES)), summary="下载附件 / download a scan")
def attachment(request, message_id: int, attachment_id: int):
    """The download is logged (invariant 3)."""
    _, att = queries.get_attachment(actor=request.auth, message_id=message_id, attachment_id=attachment_id)
    return download(bytes(att.data), att.content_type, content_disposition(att.name))
