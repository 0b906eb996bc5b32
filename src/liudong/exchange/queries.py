"""X1-X3: every read of messages a page or the API needs, already scoped to the actor
(invariant 2), and the audit of those that name a person (invariant 3).

The boxes are index range scans (models.Message.Meta.indexes): the inbox on (receiver, state,
due_on), the outbox on (sender, state, due_on), the watch list on (state, due_on). A page is 50
rows ordered by due_on, id (LIMIT/OFFSET); the bucket counts are one aggregate over the same range.
"""
import datetime
import math
from dataclasses import dataclass, field

from django.db.models import Count, F, Q

from liudong import fields
from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.divisions.models import Division
from liudong.divisions.queries import DivisionNames, in_range
from liudong.errors import Invalid, NotFound
from liudong.people.models import Person
from liudong.people.scope import persons as persons_in_scope
from liudong.policy.calendar import CalendarNotLoaded, working_calendar
from liudong.policy.services import PolicyMissing, value_row

from .models import OPEN_STATES, RUNNING_STATES, Attachment, Kind, Message, State
from .services import PLACE_LEVELS

PER_PAGE = 50
MAX_PAGE = 100_000
BOXES = ("inbox", "outbox", "watch")
DUES = ("today", "week", "overdue")
# Issue 9 item 6: an inbox holds what needs an answer (a request, a claim to accept or dispute)
# and what needs only signing for (签收: a notice, a report, an answer to one's own request).
PARTS = ("answer", "sign")
# What waits in an inbox: everything open that was sent (a draft is the sender's alone).
INBOX_STATES = tuple(s for s in OPEN_STATES if s != State.DRAFT)
# The person fields a message shows to its two ends: they are the content of the message.
PERSON_FIELDS = ["name", "id_number", "sex", "birth_date", "hukou"]


def week_end(today: datetime.date) -> datetime.date:
    """The Sunday of today's week (a week runs Monday to Sunday)."""
    return today + datetime.timedelta(days=6 - today.weekday())


def _late_q(today: datetime.date) -> Q:
    """Overdue: marked by the daily tick, or past its date while the tick has not yet run."""
    return Q(state=State.OVERDUE) | Q(state__in=RUNNING_STATES, due_on__lt=today)


def _due_q(due: str | None, today: datetime.date) -> Q:
    if due == "today":
        return Q(due_on=today)
    if due == "week":
        return Q(due_on__gte=today, due_on__lte=week_end(today))
    if due == "overdue":
        return _late_q(today)
    return Q()


def default_box(*, actor) -> str:
    """A township or county works from its inbox; the levels above watch deadlines."""
    return "inbox" if actor.division.level in PLACE_LEVELS else "watch"


@dataclass
class Box:
    box: str
    due: str | None
    rows: list
    count: int
    counts: dict
    page: int
    pages: int
    per_page: int = PER_PAGE
    today: datetime.date | None = None
    week_end: datetime.date | None = None
    page_range: list = field(default_factory=list)
    part: str | None = None
    parts: dict = field(default_factory=dict)


def _part_q(part: str | None) -> Q:
    """`answer`: a message that expects an answer (a reply, or accepting or disputing it); `sign`:
    one that only needs signing for, closed once signed (services.acknowledge)."""
    answer = Q(reply_due_on__isnull=False) & ~Q(kind=Kind.REPLY)
    if part == "answer":
        return answer
    if part == "sign":
        return ~answer
    return Q()


def default_part(counts: dict) -> str:
    """The inbox opens on what needs an answer, or on what needs signing for when nothing does."""
    return "answer" if counts.get("answer") or not counts.get("sign") else "sign"


def _base(actor, box: str, today: datetime.date):
    division = actor.division_id
    if box == "inbox":
        # sent_at: a draft past its send-by date is overdue but has not gone anywhere yet.
        return Message.objects.filter(receiver_id=division, state__in=INBOX_STATES, sent_at__isnull=False)
    if box == "outbox":
        return Message.objects.filter(sender_id=division, state__in=OPEN_STATES)
    # watch: "an overdue item stays visible at both ends and one level up" - the ends see it in
    # their own boxes; here the actor sees those of the places below it.
    # Marked by the daily tick: one state, so the (state, due_on) index gives the order.
    # A draft past its send-by date is watched on its sender's side only.
    below = (in_range("sender_id", division) & ~Q(sender_id=division)) | (in_range("receiver_id", division) & ~Q(receiver_id=division) & Q(sent_at__isnull=False))
    return Message.objects.filter(below, state=State.OVERDUE)


def _check(box, due, page, per_page):
    errors = {}
    if box not in BOXES:
        errors["box"] = [f"应为 {', '.join(BOXES)} 之一 / must be one of {', '.join(BOXES)}"]
    if due not in (None, "", *DUES):
        errors["due"] = [f"应为 {', '.join(DUES)} 之一 / must be one of {', '.join(DUES)}"]
    if not isinstance(page, int) or not 1 <= page <= MAX_PAGE:
        errors["page"] = [f"页码应在1到{MAX_PAGE}之间 / a page number is between 1 and {MAX_PAGE}"]
    if not isinstance(per_page, int) or not 1 <= per_page <= 200:
        errors["per_page"] = ["每页1到200条 / 1 to 200 a page"]
    if errors:
        raise Invalid(errors)


def box_page(*, actor, box: str, today: datetime.date, due: str | None = None, page: int = 1, per_page: int = PER_PAGE,
             part: str | None = None) -> Box:
    """One page of the actor's inbox, outbox or watch list, with the counts of its buckets: due
    today, due this week (today to Sunday), overdue. In the inbox, `part` keeps to what needs an
    answer or what only needs signing for ("answer", "sign"; `parts` counts both). The order is
    the deadline, then the newest first (issue 9 item 6). The persons named on the page are logged."""
    require(actor, Action.VIEW_EXCHANGE)
    _check(box, due, page, per_page)
    if part not in (None, "", "auto", *PARTS):
        raise Invalid({"part": [f"应为 {', '.join(PARTS)} 之一 / must be one of {', '.join(PARTS)}"]})
    due = due or None
    base = _base(actor, box, today)
    parts = {}
    if box == "inbox":
        parts = base.aggregate(answer=Count("pk", filter=_part_q("answer")), sign=Count("pk", filter=_part_q("sign")))
        if part == "auto":
            part = default_part(parts)
        base = base.filter(_part_q(part or None))
    else:
        part = None
    if box == "watch":
        due = None  # everything on the watch list is overdue
        n = base.count()
        counts = {"all": n, "today": 0, "week": 0, "overdue": n}
    else:
        counts = base.aggregate(
            all=Count("pk"),
            today=Count("pk", filter=_due_q("today", today)),
            week=Count("pk", filter=_due_q("week", today)),
            overdue=Count("pk", filter=_due_q("overdue", today)),
        )
    count = counts[due] if due else counts["all"]
    pages = max(math.ceil(count / per_page), 1)
    page = min(page, pages)
    offset = (page - 1) * per_page
    rows = list(
        base.filter(_due_q(due, today)).select_related("sender", "receiver", "person")
        .order_by(F("due_on").asc(nulls_last=True), F("arrived_at").desc(nulls_last=True), "-id")[offset: offset + per_page]
    )
    annotate_days(rows, today)
    for m in rows:
        withhold_content(actor=actor, message=m)
    person_ids = sorted({m.person_id for m in rows if m.person_id})
    if person_ids:
        record(actor, "message.list", object_type="message", fields={"box": box, "due": due or "", "part": part or "", "shown": [m.pk for m in rows], "person_ids": person_ids})
    return Box(box=box, due=due, rows=rows, count=count, counts=counts, page=page, pages=pages, per_page=per_page, today=today, week_end=week_end(today),
               page_range=list(range(max(page - 3, 1), min(page + 3, pages) + 1)), part=part or None, parts=parts)


def inbox(*, actor, today: datetime.date, due: str | None = None, page: int = 1, per_page: int = PER_PAGE, part: str | None = None) -> Box:
    """Messages to the actor's place, open (sent, received, overdue)."""
    return box_page(actor=actor, box="inbox", today=today, due=due, page=page, per_page=per_page, part=part)


def outbox(*, actor, today: datetime.date, due: str | None = None, page: int = 1, per_page: int = PER_PAGE) -> Box:
    """Messages from the actor's place still open, drafts (to send) included."""
    return box_page(actor=actor, box="outbox", today=today, due=due, page=page, per_page=per_page)


def watch(*, actor, today: datetime.date, page: int = 1, per_page: int = PER_PAGE) -> Box:
    """Overdue messages sent or received by the places below the actor's division."""
    return box_page(actor=actor, box="watch", today=today, page=page, per_page=per_page)


def annotate_days(messages, today: datetime.date):
    """Each open message gets `late` (past its date), `days`: working days left (0 = due today)
    or, when late, working days overdue, and `days_left`: the same with a minus sign when late;
    None where the calendar does not reach."""
    cal = working_calendar()
    for m in messages:
        m.late, m.days, m.days_left = False, None, None
        if m.due_on is None or m.state not in OPEN_STATES:
            continue
        m.late = m.state == State.OVERDUE or m.due_on < today
        try:
            n = cal.working_days_between(today, m.due_on)
        except CalendarNotLoaded:
            continue
        m.days_left = n
        m.days = abs(n)


# ---------------------------------------------------------------- one message


def _visible(actor, message: Message) -> bool:
    """Both ends and the levels above them; a draft (even one past its send-by date) only on the
    sender's side."""
    if actor.in_scope(message.sender_id):
        return True
    return message.sent_at is not None and actor.in_scope(message.receiver_id)


def _message_pk(message_id) -> int:
    try:
        pk = int(message_id)
    except (TypeError, ValueError):
        raise NotFound("函件不存在 / no such message") from None
    if not 0 < pk < 2**63:
        raise NotFound("函件不存在 / no such message")
    return pk


def _find(actor, message_id) -> Message:
    require(actor, Action.VIEW_EXCHANGE)
    message = (
        Message.objects.select_related("sender", "receiver", "person", "person__hukou_division", "person__residence_division", "in_reply_to")
        .filter(pk=_message_pk(message_id)).first()
    )
    if message is None or not _visible(actor, message):
        raise NotFound("函件不存在或不在您的管辖范围内 / no such message in your scope")
    return message


def is_end(*, actor, message: Message) -> bool:
    return actor.division_id in (message.sender_id, message.receiver_id)


def withhold_content(*, actor, message: Message | None) -> Message | None:
    """For a viewer who may not read the content (see shows_content), the in-memory message keeps
    parties, type and dates; its subject (which may name a birth or a levy), text and case link are
    replaced. Only for display: a withheld instance is never saved."""
    if message is not None and not shows_content(actor=actor, message=message):
        message.subject, message.body = message.get_kind_display(), ""
        message.case_type, message.case_id = "", None
        message.content_withheld = True
    return message


def shows_content(*, actor, message: Message) -> bool:
    """Invariant 2: a message's text and scans may tell of contraception, births or health. Its two
    ends read them, and a level above only with a role that sees sensitive fields (the county);
    a city, province or nation officer supervising deadlines sees who, what type and when."""
    return is_end(actor=actor, message=message) or actor.can(Action.VIEW_SENSITIVE)


def get_message(*, actor, message_id, purpose: str = "view") -> Message:
    """Open one message (404 outside the actor's scope). The subject person's name, ID number, sex
    and birth date are the content of the message and shown to its two ends; a level above sees
    the name. The opening is logged with the person and the fields shown (invariant 3)."""
    message = _find(actor, message_id)
    fields = {"kind": message.kind}
    if message.person_id:
        fields["shown"] = (PERSON_FIELDS if is_end(actor=actor, message=message) else ["name"]) + (["body"] if shows_content(actor=actor, message=message) else [])
    record(actor, f"message.{purpose}", obj=message, person_id=message.person_id, fields=fields)
    return withhold_content(actor=actor, message=message)


def reply_of(message: Message) -> Message | None:
    return Message.objects.select_related("sender", "receiver").filter(in_reply_to=message).first()


def forwarded_copy(message: Message) -> Message | None:
    """B2: the copy a county forwarded to its township, shown on the request."""
    if message.state != State.FORWARDED:
        return None
    return Message.objects.select_related("receiver").filter(forwarded_from=message).first()


def attachments_of(message: Message):
    return list(Attachment.objects.filter(message=message).defer("data").order_by("id"))


def get_attachment(*, actor, message_id, attachment_id) -> tuple[Message, Attachment]:
    """A scan of a message the actor may open; the download is logged (invariant 3)."""
    message = _find(actor, message_id)
    if not shows_content(actor=actor, message=message):
        raise NotFound("附件不存在 / no such attachment")
    try:
        aid = int(attachment_id)
    except (TypeError, ValueError):
        raise NotFound("附件不存在 / no such attachment") from None
    attachment = Attachment.objects.filter(message=message, pk=aid).first() if 0 < aid < 2**63 else None
    if attachment is None:
        raise NotFound("附件不存在 / no such attachment")
    record(actor, "message.attachment", obj=message, person_id=message.person_id, fields={"shown": ["attachment"], "attachment": attachment.pk, "kind": message.kind})
    return message, attachment


def route_of(message: Message) -> list[tuple[str, str]]:
    """X2: the divisions the message passed through, as (code, name)."""
    codes = [c for c in (message.route or "").split(">") if c]
    names = dict(Division.objects.filter(code__in=codes).values_list("code", "name"))
    return [(c, names.get(c, c)) for c in codes]


@dataclass
class Basis:
    """Why the deadline in force is what it is: the policy value (P1) and the calendar (X4)."""

    kind: str                    # "reply": the receiver's answer; "send": a draft's send-by date
    due_on: datetime.date | None
    days: int | None = None
    rule_set: str = ""
    source: str = ""
    valid_from: datetime.date | None = None
    counted_from: datetime.date | None = None


def deadline_basis(message: Message) -> Basis | None:
    if message.sent_at is None:
        if message.send_due_on is None:
            return None
        return Basis(kind="send", due_on=message.send_due_on, rule_set=message.rule_set)
    try:
        row = value_row(f"exchange.reply_days.{message.kind}", message.receiver_id, message.rules_on)
    except PolicyMissing:
        return Basis(kind="reply", due_on=message.reply_due_on, rule_set=message.rule_set)
    return Basis(kind="reply", due_on=message.reply_due_on, days=row.value, rule_set=row.rule_set or message.rule_set, source=row.source,
                 valid_from=row.valid_from, counted_from=message.arrived_on)


def person_for_message(*, actor, person_id) -> Person | None:
    """The person a new message will name (the compose page's `?person=`), if in the actor's
    scope; the name shown is logged (invariant 3)."""
    require(actor, Action.HANDLE_EXCHANGE)
    try:
        pid = int(str(person_id).strip())
    except (TypeError, ValueError):
        return None
    if not 0 < pid < 2**63:
        return None
    person = persons_in_scope(actor, history=True).select_related("hukou_division", "residence_division").filter(pk=pid).first()
    if person is not None:
        record(actor, "message.person", obj=person, person_id=person.pk, fields={"shown": ["name", "hukou", "residence"]})
    return person


def place_for(code: str) -> Division | None:
    """A township or county by its code (the receiver typed on the compose page), for showing its
    name back, read as the service reads it (a 9- or 6-digit code is padded, J1); None when there is none."""
    code = fields.division_code({"receiver": code}, "receiver", {})
    return Division.objects.filter(code=code, level__in=PLACE_LEVELS).first() if code else None


def place_name(code) -> str:
    """The full name of a division by its code (the hukou place a message from another node
    carried), or the code itself where this node does not know it."""
    code = str(code or "")
    return (DivisionNames([code]).full(code) if code else "") or code


def counterpart_for(*, actor, person: Person) -> Division | None:
    """Where a message about this person usually goes: from her residence side to her hukou
    township, from her hukou side to the township where she lives."""
    def township(division):
        if division is None:
            return None
        code = division.code[:9] + "000"
        return Division.objects.filter(code=code, level__in=PLACE_LEVELS).first()

    if person.residence_division_id and actor.in_scope(person.residence_division_id):
        return township(person.hukou_division)
    if actor.in_scope(person.hukou_division_id):
        return township(person.residence_division)
    return None
