"""X1-X5: every change to a message (invariant 1). Each function takes the acting staff member and
the moment of the act (`now`, invariant 4), checks role and division, validates, writes in one
transaction and records an audit event in it. A deadline the calendar cannot compute is an error
(X4) and nothing is written.
"""
import datetime
import hashlib

from django.db import transaction

from liudong import fields
from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.codes import NATION_CODE, Level
from liudong.dates import local_day as _local
from liudong.divisions.models import Division
from liudong.divisions.queries import parse_division
from liudong.errors import Invalid, NotFound
from liudong.limits import ATTACHMENT_MAX_BYTES  # one limit for the pages, the API and the request size
from liudong.people.models import Person
from liudong.people.scope import persons as persons_in_scope
from liudong.policy.calendar import add_working_days
from liudong.policy.services import PolicyMissing, value_row

from . import hooks
from .models import UNTOPICAL_KINDS, ArrivalClaim, Attachment, Channel, ClaimState, FamilyProposal, Kind, Message, State, Topic
from .transitions import Act, ClaimAct, next_claim_state, next_state, sources

# Kinds that name a person (X1); a policy notice goes to a place, correspondence may do either.
PERSON_KINDS = {Kind.VERIFICATION, Kind.NOTIFICATION, Kind.CONTRACEPTION_REPORT, Kind.CLUE, Kind.FEE_CONSULTATION}
# Kinds a clerk writes freely; a reply is made by `reply`, a fee consultation by its case (F1), an
# arrival claim or a family link to confirm by exchange.claims.
FREE_KINDS = {Kind.VERIFICATION, Kind.NOTIFICATION, Kind.CONTRACEPTION_REPORT, Kind.POLICY_NOTICE, Kind.CLUE, Kind.CORRESPONDENCE}
# Kinds answered by accepting or disputing (exchange.claims), not by a free-text reply.
DECIDED_KINDS = {Kind.ARRIVAL_CLAIM, Kind.FAMILY_LINK}
# The policy value that gives a kind's answer period; by default exchange.reply_days.<kind>. An
# arrival claim's period is also the time after which it is accepted by silence (hole 1).
REPLY_DAYS_POLICY = {Kind.ARRIVAL_CLAIM: "people.arrival_claim_days"}
# X1: the topic a kind can only have; every other kind of the exchange names its own (Topic).
KIND_TOPIC = {Kind.CONTRACEPTION_REPORT: Topic.CONTRACEPTION, Kind.FEE_CONSULTATION: Topic.FEE}
# B2: what a county may pass on to one of its townships (not an answer, a levy or a confirmation).
FORWARDABLE_KINDS = {Kind.VERIFICATION, Kind.NOTIFICATION, Kind.CONTRACEPTION_REPORT, Kind.POLICY_NOTICE, Kind.CLUE, Kind.CORRESPONDENCE}
ATTACHMENT_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/tiff"}
PLACE_LEVELS = (Level.COUNTY, Level.TOWNSHIP)
EVIDENCE_MAX, SUBJECT_MAX, BODY_MAX, CLOSE_REASON_MAX = 300, 200, 20000, 200
# The first bytes of each accepted scan type: a file is what it says it is, not only by its name.
MAGIC = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/tiff": (b"II*\x00", b"MM\x00*"),
}


def province_code(code: str) -> str:
    return code[:2].ljust(12, "0")


def route_for(sender: str, receiver: str) -> tuple[str, bool]:
    """X2: within a province through the province, across provinces through the nation."""
    sp, rp = province_code(sender), province_code(receiver)
    if sp == rp:
        return ">".join([sender, sp, receiver]), False
    return ">".join([sender, sp, NATION_CODE, rp, receiver]), True


def arrival_of(data: dict, *, now: datetime.datetime) -> tuple[str, datetime.datetime, datetime.datetime | None, str]:
    """X5: (channel, sent_at, arrived_at, evidence) from what the clerk entered.

    system: delivered at once. letter: posted at sent_at, arrives at the registered-mail signing
    date (may be recorded later), with its mail number. fax: arrives at its marked receiving time
    (required), with its transmission report. phone: the call time in the original record is both
    (required, with the record). The same for a request and for its answer (X5: the evidence is
    kept at both ends). Every bad field at once (invariant 7)."""
    errors: dict[str, list[str]] = {}
    channel = fields.choice(data, "channel", errors, choices=Channel.values, default=Channel.SYSTEM,
                            invalid="方式应为 system、letter、fax 或 phone / channel must be system, letter, fax or phone")
    evidence = fields.text(data, "evidence", errors, max_length=EVIDENCE_MAX)
    if "channel" in errors:
        raise Invalid(errors)
    if channel == Channel.SYSTEM:
        sent_at = arrived = now
    elif channel == Channel.PHONE:
        sent_at = arrived = fields.moment(data, "arrived_at", errors, now=now, required=True,
                                          missing="电话须填写原始记录中的通话时间 / a phone call needs the call time from its record")
        if not evidence and "evidence" not in errors:
            fields.add(errors, "evidence", "电话须注明原始通话记录 / a phone call needs its original record")
    else:
        sent_at = fields.moment(data, "sent_at", errors, now=now, required=True, missing="请填写发出时间 / when was it sent?")
        if channel == Channel.FAX:
            arrived = fields.moment(data, "arrived_at", errors, now=now, required=True,
                                    missing="传真须填写对方标注的接收时间 / a fax needs its marked receiving time")
            if not evidence and "evidence" not in errors:
                # X5, F4: the evidence is kept, by the answering side as by the asking side.
                fields.add(errors, "evidence", "传真须注明发送报告或回执 / a fax needs its transmission report")
        else:
            arrived = fields.moment(data, "arrived_at", errors, now=now)
            if not evidence and "evidence" not in errors:
                fields.add(errors, "evidence", "挂号信须填写挂号单号 / a registered letter needs its mail number")
        if arrived is not None and sent_at is not None and arrived < sent_at:
            fields.add(errors, "arrived_at", "送达时间不能早于发出时间 / it cannot arrive before it was sent")
    if errors:
        raise Invalid(errors)
    return channel, sent_at, arrived, evidence


def reply_days_policy(kind: str) -> str:
    return REPLY_DAYS_POLICY.get(kind, f"exchange.reply_days.{kind}")


def reply_days(kind: str, receiver: str, rules_on: datetime.date) -> tuple[int | None, str]:
    """The receiver's working days to answer a message of this kind, by the rules of `rules_on`
    (P1), and the set they come from."""
    try:
        row = value_row(reply_days_policy(kind), receiver, rules_on)
    except PolicyMissing:
        raise Invalid({"kind": [f"{rules_on} 时本类型函件无适用的反馈期限 / no answer period for this type on {rules_on}"]}) from None
    return row.value, row.rule_set


def _place(data, field: str, errors: dict) -> Division | None:
    division = parse_division(data, field, errors)
    if division is not None and division.level not in PLACE_LEVELS:
        fields.add(errors, field, "函件只在乡镇（街道）或县级之间往来 / messages go between townships or counties")
        return None
    return division


def _acting_place(actor) -> Division:
    require(actor, Action.HANDLE_EXCHANGE)
    if actor.division.level not in PLACE_LEVELS:
        raise Invalid({"sender": ["只有乡镇（街道）或县级可以发函 / only a township or county sends messages"]})
    return actor.division


def _person(actor, raw, kind: str) -> Person | None:
    if raw in (None, ""):
        if kind in PERSON_KINDS:
            raise Invalid({"person": ["此类函件须指明当事人 / this type of message names a person"]})
        return None
    try:
        pid = int(getattr(raw, "pk", raw))
    except (TypeError, ValueError):
        raise Invalid({"person": ["人员编号无效 / not a person id"]}) from None
    if isinstance(raw, bool) or not 0 < pid < 2**63:
        raise Invalid({"person": ["人员编号无效 / not a person id"]})
    person = persons_in_scope(actor, history=True).filter(pk=pid).first()
    if person is None:
        raise Invalid({"person": ["当事人不存在或不在您的管辖范围内 / no such person in your scope"]})
    return person


def topic_of(data: dict, kind: str, errors: dict) -> str:
    """X1: the topic of a message of `kind`, from the closed list (Topic); the one a kind can only
    have (KIND_TOPIC) when none is given; none for a registry confirmation."""
    if kind in UNTOPICAL_KINDS:
        return ""
    default = KIND_TOPIC.get(kind, "")
    choose = f"请选择主题：{'、'.join(str(t.label).split(' ')[0] for t in Topic)} / choose a topic: {', '.join(Topic.values)}"
    return fields.choice(data, "topic", errors, choices=Topic.values, required=not default, default=default, missing=choose, invalid=choose)


def _not_before_case(sent_at: datetime.datetime, rules_on: datetime.date):
    """A case's message is not sent before the case began (its send-by clock would be falsified)."""
    if _local(sent_at) < rules_on:
        raise Invalid({"sent_at": [f"发出日期不能早于本案受理日 {rules_on} / it cannot be sent before the case began on {rules_on}"]})


def _deliver(message: Message, arrived: datetime.datetime | None, act: str):
    """Put the receiver's clock on the message once it has arrived (X4, X5); `act` (send,
    dispatch, arrive) moves its state by the table."""
    message.arrived_at = arrived
    message.arrived_on = _local(arrived) if arrived else None
    days, rule_set = reply_days(message.kind, message.receiver_id, message.rules_on)
    message.rule_set = message.rule_set or rule_set
    if arrived is not None and days is not None:
        message.reply_due_on = add_working_days(message.arrived_on, int(days), field="arrived_at")
    message.due_on = message.reply_due_on
    message.state = next_state(message.state or None, act)


def _file_name(raw) -> str:
    """The name as uploaded, without a client's folder and without control characters (which no
    database or download header takes)."""
    name = str(raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable() and not ("\ud800" <= c <= "\udfff")).strip()
    return name[:200] or "scan"


def read_scan(f) -> tuple[str, str, bytes]:
    """One uploaded scan checked (type, size, content matching the type): (name, content_type,
    data), or Invalid on `attachments`. Shared with other apps' scans (permits' proofs)."""
    name = _file_name(getattr(f, "name", ""))
    content_type = str(getattr(f, "content_type", "") or "application/octet-stream").split(";")[0].strip().lower()
    if content_type not in ATTACHMENT_TYPES:
        raise Invalid({"attachments": [f"{name}: 只接受 PDF、JPEG、PNG、TIFF 扫描件 / only PDF, JPEG, PNG or TIFF scans"]})
    size = getattr(f, "size", None)
    if isinstance(size, int) and size > ATTACHMENT_MAX_BYTES:
        raise Invalid({"attachments": [f"{name}: 文件为空或超过 2 MB / empty or larger than 2 MB"]})
    data = f.read() if hasattr(f, "read") else bytes(f)
    if not data or len(data) > ATTACHMENT_MAX_BYTES:
        raise Invalid({"attachments": [f"{name}: 文件为空或超过 2 MB / empty or larger than 2 MB"]})
    if not data.startswith(MAGIC[content_type]):
        raise Invalid({"attachments": [f"{name}: 文件内容不是所标明的 {content_type} 格式 / the file is not the {content_type} it claims to be"]})
    return name, content_type, data


def _attach(actor, message: Message, files, *, now, evidence: bool = False):
    for f in files or ():
        name, content_type, data = read_scan(f)
        Attachment.objects.create(message=message, name=name, content_type=content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                                  data=data, is_evidence=evidence, uploaded_at=now, uploaded_by=actor)


def _new(actor, sender: Division, receiver: Division, *, kind, person, subject, body, rules_on, case_type, case_id, now) -> Message:
    if receiver.code == sender.code:
        raise Invalid({"receiver": ["不能发给本单位 / a message goes to another place"]})
    route, via_nation = route_for(sender.code, receiver.code)
    return Message(kind=kind, sender=sender, receiver=receiver, route=route, via_nation=via_nation, person=person, subject=subject, body=body,
                   rules_on=rules_on or _local(now), case_type=case_type, case_id=case_id, created_at=now, created_by=actor)


def send_system(*, actor, sender: Division, receiver: Division, kind: str, person: Person | None, subject: str, body: str, now: datetime.datetime) -> Message:
    """A message the system writes for a place (exchange.claims: an arrival claim, a family link to
    confirm; liudong.statistics: a report passing up, which names no person): routed (X2), sent and
    arrived at once (X5, system), the receiver's clock from its own policy on the rules of today
    (X4, P1). Call inside the caller's transaction."""
    message = _new(actor, sender, receiver, kind=kind, person=person, subject=subject[:SUBJECT_MAX], body=body, rules_on=None, case_type="", case_id=None, now=now)
    message.channel, message.sent_at, message.sent_on = Channel.SYSTEM, now, _local(now)
    _deliver(message, now, Act.SEND)
    message.save()
    hooks.sent(message)  # issue 16: the node's outbox, in this transaction
    record(actor, "message.send", obj=message, person_id=person.pk if person is not None else None,
           fields={"kind": kind, "receiver": receiver.code, "route": message.route, "channel": Channel.SYSTEM, "due": str(message.due_on or "")})
    return message


@transaction.atomic
def send_message(*, actor, data: dict, now: datetime.datetime, attachments=(), case_type: str = "", case_id=None, rules_on=None, kinds=FREE_KINDS) -> Message:
    """X1: write and send a message from the actor's township or county. `data`: kind, topic
    (Topic), receiver, person, subject, body, channel, sent_at, arrived_at, evidence."""
    sender = _acting_place(actor)
    errors: dict[str, list[str]] = {}
    choose = "请选择函件类型 / choose a message type"
    kind = fields.choice(data, "kind", errors, choices=kinds, required=True, missing=choose, invalid=choose)
    # Every bad field at once (invariant 7), then the checks that need them all.
    topic = topic_of(data, kind, errors)
    receiver = _place(data, "receiver", errors)
    person = fields.checked(errors, _person, actor, data.get("person"), kind)
    subject = fields.text(data, "subject", errors, max_length=SUBJECT_MAX, required=True)
    body = fields.text(data, "body", errors, max_length=BODY_MAX, multiline=True)
    arrival = fields.checked(errors, arrival_of, data, now=now)
    if errors:
        raise Invalid(errors)
    channel, sent_at, arrived, evidence = arrival
    if case_type and rules_on is not None:
        _not_before_case(sent_at, rules_on)
    message = _new(actor, sender, receiver, kind=kind, person=person, subject=subject, body=body, rules_on=rules_on, case_type=case_type, case_id=case_id, now=now)
    message.topic = topic
    message.channel, message.sent_at, message.sent_on, message.evidence = channel, sent_at, _local(sent_at), evidence
    _deliver(message, arrived, Act.SEND)
    message.save()
    _attach(actor, message, attachments, now=now)
    hooks.sent(message)  # issue 16: the node's outbox, in this transaction
    record(actor, "message.send", obj=message, person_id=message.person_id,
           fields={"kind": kind, "topic": topic, "receiver": receiver.code, "route": message.route, "channel": channel, "due": str(message.due_on or "")})
    return message


@transaction.atomic
def open_draft(*, actor, kind: str, topic: str, receiver: Division, person: Person | None, subject: str, body: str, send_due_on: datetime.date,
               rules_on: datetime.date, rule_set: str = "", case_type: str = "", case_id=None, now: datetime.datetime) -> Message:
    """A message a case obliges the actor's place to send by `send_due_on` (B2, B5, B6): it waits
    in the outbox as "to send" and goes overdue like any other deadline."""
    sender = _acting_place(actor)
    if receiver.level not in PLACE_LEVELS:
        raise Invalid({"receiver": ["函件只在乡镇（街道）或县级之间往来 / messages go between townships or counties"]})
    message = _new(actor, sender, receiver, kind=kind, person=person, subject=subject, body=body, rules_on=rules_on, case_type=case_type, case_id=case_id, now=now)
    if topic not in Topic.values:
        raise Invalid({"topic": [f"未知主题 {topic[:30]} / no such topic"]})
    message.topic = topic
    message.rule_set, message.send_due_on, message.due_on, message.state = rule_set, send_due_on, send_due_on, next_state(None, Act.DRAFT)
    message.save()
    record(actor, "message.draft", obj=message, person_id=message.person_id, fields={"kind": kind, "receiver": receiver.code, "due": str(send_due_on)})
    return message


def _message_pk(message_id) -> int:
    try:
        pk = int(getattr(message_id, "pk", message_id))
    except (TypeError, ValueError):
        raise NotFound("函件不存在 / no such message") from None
    if not 0 < pk < 2**63:
        raise NotFound("函件不存在 / no such message")
    return pk


def own_message(*, actor, message_id, side: str) -> Message:
    """A message the actor's place sent (side="sender"), received (side="receiver") or either,
    locked. One the actor cannot see at all is NotFound; one the actor sees (from the other end or
    from above) but may not act on is a clear error naming who may."""
    require(actor, Action.HANDLE_EXCHANGE)
    message = Message.objects.select_for_update().filter(pk=_message_pk(message_id)).first()
    if message is None or not (actor.in_scope(message.sender_id) or (message.sent_at is not None and actor.in_scope(message.receiver_id))):
        raise NotFound("函件不存在或不在您的管辖范围内 / no such message in your scope")
    ends = (message.sender_id, message.receiver_id) if side == "either" else (getattr(message, f"{side}_id"),)
    if actor.division_id not in ends:
        # Seen from above (a county over its townships) or from the other end: not the actor's to act on.
        if side == "either":
            raise Invalid({"message": ["只有收发双方可以办理此操作 / only the sender or the receiver may do this"]})
        who = "发件单位" if side == "sender" else "收件单位"
        raise Invalid({"message": [f"只有{who}可以办理此操作；此函件不是发给（或来自）您的单位 / only the {side} may do this: this message is not addressed to (or from) your division"]})
    return message


@transaction.atomic
def dispatch(*, actor, message_id, data: dict, now: datetime.datetime, attachments=()) -> Message:
    """Send a draft the system opened (B2, B5, B6) by the channel the clerk chose."""
    message = own_message(actor=actor, message_id=message_id, side="sender")
    next_state(message.state, Act.DISPATCH)
    if message.sent_at is not None:
        raise Invalid({"message": ["此函件已发出 / this message has been sent already"]})
    channel, sent_at, arrived, evidence = arrival_of(data, now=now)
    _not_before_case(sent_at, message.rules_on)
    message.channel, message.sent_at, message.sent_on, message.evidence = channel, sent_at, _local(sent_at), evidence
    message.overdue_on = None
    _deliver(message, arrived, Act.DISPATCH)
    message.save()
    _attach(actor, message, attachments, now=now)
    hooks.sent(message)
    record(actor, "message.send", obj=message, person_id=message.person_id,
           fields={"kind": message.kind, "receiver": message.receiver_id, "channel": channel, "late": bool(message.send_due_on and message.sent_on > message.send_due_on)})
    return message


@transaction.atomic
def record_arrival(*, actor, message_id, data: dict, now: datetime.datetime, attachments=()) -> Message:
    """X5: a registered letter arrives at its signing date, recorded by either end with the
    signed receipt as evidence; the receiver's clock starts then."""
    message = own_message(actor=actor, message_id=message_id, side="either")
    if message.sent_at is None:
        raise Invalid({"message": ["此函件尚未发出 / this message has not been sent"]})
    next_state(message.state, Act.ARRIVE)
    if message.arrived_at is not None:
        raise Invalid({"arrived_at": ["此函件的送达时间已记录 / this message's arrival is recorded already"]})
    errors: dict[str, list[str]] = {}
    arrived = fields.moment(data, "arrived_at", errors, now=now, required=True, missing="请填写挂号信签收日期 / the registered-mail signing date")
    if arrived is not None and arrived < message.sent_at:
        fields.add(errors, "arrived_at", "送达时间不能早于发出时间 / it cannot arrive before it was sent")
    evidence = fields.text(data, "evidence", errors, max_length=EVIDENCE_MAX)
    if errors:
        raise Invalid(errors)
    if evidence:
        message.evidence = f"{message.evidence}; {evidence}"[:EVIDENCE_MAX] if message.evidence else evidence
    _deliver(message, arrived, Act.ARRIVE)
    message.save()
    _attach(actor, message, attachments, now=now, evidence=True)
    record(actor, "message.arrival", obj=message, person_id=message.person_id, fields={"arrived_on": str(message.arrived_on), "due": str(message.due_on or "")})
    return message


@transaction.atomic
def acknowledge(*, actor, message_id, now: datetime.datetime) -> Message:
    """The receiver signs for a message (签收). One that needs no answer is then closed."""
    message = own_message(actor=actor, message_id=message_id, side="receiver")
    if message.state == State.DRAFT or message.arrived_at is None:
        raise Invalid({"message": ["此函件尚未送达 / this message has not arrived"]})
    if message.received_at is not None:
        return message
    state = message.state
    message.state = next_state(state, Act.ACKNOWLEDGE if message.expects_reply else Act.ACKNOWLEDGE_NOTICE)
    message.received_at = now
    if message.state == State.CLOSED and state != State.CLOSED:
        message.closed_at = now  # a notice signed for is done with
    message.save()
    record(actor, "message.receive", obj=message, person_id=message.person_id, fields={"state": message.state})
    return message


@transaction.atomic
def reply(*, actor, message_id, data: dict, now: datetime.datetime, attachments=()) -> Message:
    """X3, B3, F2: the receiver answers; the answer is a message back to the sender and closes the
    request. A second answer, or an answer from another place, is refused."""
    request = own_message(actor=actor, message_id=message_id, side="receiver")
    if request.kind == Kind.REPLY:
        raise Invalid({"message": ["反馈不需再反馈 / a reply is not answered"]})
    if request.kind in DECIDED_KINDS:
        raise Invalid({"message": ["此函件以“确认”或“提出异议”答复 / this message is answered by accepting or disputing it"]})
    answerable(request, Act.REPLY)
    if not request.expects_reply:
        raise Invalid({"message": ["此类函件只需签收，无需反馈；如需联系请另行发函 / this message is signed for, not answered: write a new message if needed"]})
    errors: dict[str, list[str]] = {}
    body = fields.text(data, "body", errors, max_length=BODY_MAX, required=True, multiline=True)
    subject = fields.text(data, "subject", errors, max_length=SUBJECT_MAX)
    arrival = fields.checked(errors, arrival_of, data, now=now)
    if errors:
        raise Invalid(errors)
    channel, sent_at, arrived, evidence = arrival
    if sent_at < request.arrived_at:
        raise Invalid({"sent_at": ["反馈不能早于来函送达 / the answer cannot precede the request's arrival"]})
    answer = answer_with(actor=actor, request=request, act=Act.REPLY, subject=subject, body=body,
                         sent=(channel, sent_at, arrived, evidence), now=now, attachments=attachments)
    record(actor, "message.reply", obj=request, person_id=request.person_id,
           fields={"reply": answer.pk, "on_time": bool(request.reply_due_on is None or request.answered_on <= request.reply_due_on)})
    return answer


def answerable(request: Message, act: str):
    """The request may be answered now by `act` (reply, accept, dispute): once, not closed, and
    after it arrived."""
    if hasattr(request, "reply"):
        raise Invalid({"message": ["此函件已反馈，不能重复反馈 / this message has been answered already"]})
    next_state(request.state, act)
    if request.arrived_at is None:
        raise Invalid({"message": ["此函件尚未送达 / this message has not arrived"]})


def answer_with(*, actor, request: Message, act: str, subject: str, body: str, sent, now: datetime.datetime, attachments=()) -> Message:
    """X3: the answer to `request` is a message back to its sender (kind reply); the request moves
    by `act` (reply, accept, dispute) to answered. `sent`: (channel, sent_at, arrived_at, evidence).

    An answer is judged on time at its sending (answered_on: the day it was posted, faxed, phoned
    or sent, 作出回复), not at its arrival at the asking place: the letter's posting is on its
    receipt. The asking place's figures (T3 as sender) and the answering place's (as receiver)
    read this same date, so both ends agree."""
    channel, sent_at, arrived, evidence = sent
    # B2: the answer to a copy a county forwarded goes to the place that asked.
    to = request.forwarded_from.sender if request.forwarded_from_id else request.sender
    answer = _new(actor, request.receiver, to, kind=Kind.REPLY, person=request.person, subject=subject or f"反馈：{request.subject}"[:SUBJECT_MAX],
                  body=body, rules_on=request.rules_on, case_type=request.case_type, case_id=request.case_id, now=now)
    answer.in_reply_to, answer.topic = request, request.topic
    answer.channel, answer.sent_at, answer.sent_on, answer.evidence = channel, sent_at, _local(sent_at), evidence
    _deliver(answer, arrived, Act.SEND)
    answer.save()
    _attach(actor, answer, attachments, now=now)  # before the outbox hook: the scans travel with the answer (issue 16)
    hooks.sent(answer)
    request.state, request.answered_at, request.answered_on, request.due_on = next_state(request.state, act), sent_at, _local(sent_at), None
    request.received_at = request.received_at or now
    request.save()
    return answer


@transaction.atomic
def close(*, actor, message_id, reason: str, now: datetime.datetime) -> Message:
    """The sender withdraws a message that is no longer needed (a case was decided or withdrawn).
    Withdrawn before its deadline it is owed no more; withdrawn after it, the deadline was missed
    all the same (X3): overdue_on is kept (or set, if the tick had not run) and T3 counts it
    overdue for the receiver (or, for a draft, for its sender)."""
    message = own_message(actor=actor, message_id=message_id, side="sender")
    errors: dict[str, list[str]] = {}
    reason = fields.text({"reason": reason}, "reason", errors, max_length=CLOSE_REASON_MAX, required=True, missing="请说明办结原因 / give the reason")
    if errors:
        raise Invalid(errors)
    withdraw(message, reason=reason, on=_local(now), actor=actor, now=now)
    hooks.withdrawn(message)  # issue 16: a receiver on another node closes its copy too
    record(actor, "message.close", obj=message, person_id=message.person_id, reason=reason)
    return message


def withdraw(message: Message, *, reason: str, on: datetime.date, actor, now: datetime.datetime) -> None:
    """The one writer of a withdrawal, on the sender's message (close) or, issue 16, on the
    receiving node's copy (exchange.remote.withdrawn_by_sender, `on` the sender's day)."""
    due = message.due_on
    message.state, message.closed_at, message.close_reason, message.due_on = next_state(message.state, Act.CLOSE), now, reason, None
    message.withdrawn_on = on
    if due is not None and on > due and message.overdue_on is None:
        # X3: withdrawn after its deadline: the miss is kept (the tick had not marked it yet).
        message.overdue_on = on
    message.save()
    # Closing an arrival claim or a proposed family link withdraws it (the claimant's own act).
    settle_claims(message, ClaimAct.WITHDRAW, actor=actor, now=now, answer=reason)


@transaction.atomic
def forward(*, actor, message_id, data: dict, now: datetime.datetime) -> Message:
    """B2: a request (or notice) addressed to a county because the asking place knew only the
    county passes, through that county, to the township (乡镇、街道) it concerns. The county's part
    ends here (the request is forwarded: for T3 it was handled on this day, on time if by its
    answer-by date); the copy goes to the township by the system with its own clock (the answer
    period of its kind from its arrival, X4); the township's answer goes to the place that asked.
    The forwarding is recorded on both (forwarded_from). `data`: receiver (township code), note."""
    message = own_message(actor=actor, message_id=message_id, side="receiver")
    if actor.division.level != Level.COUNTY:
        raise Invalid({"message": ["只有收函的县级单位可以转交所属乡镇 / only a county that received it forwards it to a township"]})
    if message.kind not in FORWARDABLE_KINDS:
        raise Invalid({"message": ["此类函件不能转交 / this type of message is not forwarded"]})
    next_state(message.state, Act.FORWARD)
    if message.arrived_at is None:
        raise Invalid({"message": ["此函件尚未送达 / this message has not arrived"]})
    errors: dict[str, list[str]] = {}
    township = _place(data, "receiver", errors)
    note = fields.text(data, "note", errors, max_length=CLOSE_REASON_MAX)
    if township is not None and (township.level != Level.TOWNSHIP or not actor.division.contains(township.code)):
        fields.add(errors, "receiver", f"应转交本县（{actor.division.name}）所属的乡镇（街道） / forward it to a township of {actor.division.name}")
    if errors:
        raise Invalid(errors)
    copy = _new(actor, actor.division, township, kind=message.kind, person=message.person, subject=f"转交：{message.subject}"[:SUBJECT_MAX],
                body=(f"{note}\n\n" if note else "") + f"（{actor.division.name}转交，原函由{message.sender.name}于 {_local(message.sent_at)} 发出，编号 {message.pk}）\n\n{message.body}",
                rules_on=message.rules_on, case_type=message.case_type, case_id=message.case_id, now=now)
    copy.topic, copy.rule_set, copy.forwarded_from = message.topic, message.rule_set, message
    copy.channel, copy.sent_at, copy.sent_on = Channel.SYSTEM, now, _local(now)
    _deliver(copy, now, Act.SEND)
    copy.save()
    hooks.sent(copy)
    for scan in Attachment.objects.filter(message=message).order_by("id"):
        # The township reads the papers of the request it answers.
        Attachment.objects.create(message=copy, name=scan.name, content_type=scan.content_type, size=scan.size, sha256=scan.sha256, data=scan.data,
                                  is_evidence=scan.is_evidence, uploaded_at=now, uploaded_by=actor)
    message.state, message.due_on = next_state(message.state, Act.FORWARD), None
    message.received_at = message.received_at or now
    if message.expects_reply:
        message.answered_at, message.answered_on = now, _local(now)
    message.close_reason = f"转交{township.name}（函件 {copy.pk}）"[:CLOSE_REASON_MAX]
    message.save()
    record(actor, "message.forward", obj=message, person_id=message.person_id,
           fields={"kind": message.kind, "receiver": township.code, "reply": copy.pk, "due": str(copy.due_on or ""),
                   "on_time": bool(message.reply_due_on is None or message.answered_on <= message.reply_due_on)})
    return copy


def settle_claims(message: Message, act: str, *, actor, now: datetime.datetime, answer: str = "", residence=None) -> int:
    """Move the pending arrival claim or family proposal of `message` by the claim table; a
    conditional UPDATE, so that two hands (the receiver and the tick) cannot both settle it.
    Returns the number of rows moved (0: it was settled already)."""
    if message.kind not in DECIDED_KINDS:
        return 0
    model = ArrivalClaim if message.kind == Kind.ARRIVAL_CLAIM else FamilyProposal
    values = {"state": next_claim_state(ClaimState.PENDING, act), "answer": answer[:200], "decided_at": now,
              "decided_by": actor if getattr(actor, "pk", None) else None}
    if residence is not None:
        values["residence"] = residence
    return model.objects.filter(message=message, state=ClaimState.PENDING).update(**values)


def tick(on: datetime.date, *, actor=None) -> int:
    """`liudong exchange tick --on DATE` (run daily): what was due before `on` and is still waiting
    becomes overdue (X3). Idempotent: one UPDATE over the (state, due_on) index. (The command then
    lets unanswered arrival claims lapse: exchange.claims.lapse.)"""
    with transaction.atomic():
        count = Message.objects.filter(state__in=sources(Act.EXPIRE), due_on__lt=on).update(state=next_state(State.SENT, Act.EXPIRE), overdue_on=on)
        record(actor, "exchange.tick", object_type="message", fields={"on": str(on), "count": count})
    return count
