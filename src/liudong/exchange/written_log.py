"""Part 11 (书面形式保存回复和提交的信息情况), X3: the written log of a township's (or county's)
submissions and replies for a period, on a page and printed (PDF, WeasyPrint like the registers).

One place and one period [start, end]: the messages the place sent (its submissions 提交 and its
answers 回复, by sending date) and the messages it received (by arrival date, X5), each with its
dates, channel, state and answer. It is a view of the exchange rows, not a copy: printed again, it
shows the state of things on the day it is printed, which the print carries.

Reads follow the exchange pages: VIEW_EXCHANGE, a place in the actor's subtree (404 otherwise),
and a message's subject only for those who may read its content (queries.shows_content; a city or
province officer sees the type instead). The persons a log names are logged with every showing and
printing (invariant 3).
"""
import datetime

from django.template.loader import render_to_string

from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.content_types import content_disposition
from liudong.divisions.queries import DivisionNames, PlacePeriod, parse_scoped_period
from liudong.errors import Invalid

from .models import Kind, Message, State
from .queries import shows_content
from .services import PLACE_LEVELS

# WeasyPrint lays out some 50-100 rows a second: a month or a quarter of a busy township prints
# in seconds; a longer period is printed in parts.
MAX_ROWS = 2000
MAX_PERIOD_DAYS = 366


class LogRequest(PlacePeriod):
    """The place and period of a written log."""

    @property
    def title(self) -> str:
        return "函件提交和回复登记"

    @property
    def heading(self) -> str:
        return f"{self.division.name} {self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"


def parse(*, actor, division=None, start, end) -> LogRequest:
    """Role (Denied), every bad field at once (Invalid), a place out of the actor's subtree NotFound."""
    require(actor, Action.VIEW_EXCHANGE)
    return parse_scoped_period(
        actor=actor, given={"division": division, "start": start, "end": end}, kind=LogRequest,
        longer=lambda first, last: (last - first).days >= MAX_PERIOD_DAYS, too_long="期间最长一年 / a period is at most a year",
        levels=PLACE_LEVELS, wrong_level="函件登记按乡镇（街道）或县级单位打印 / the log is kept by a township or a county")


def _label(choice_label) -> str:
    return str(choice_label).split(" ")[0]


KIND_ZH = {k.value: _label(k.label) for k in Kind}
STATE_ZH = {s.value: _label(s.label) for s in State}


def _row(actor, m: Message, place: str, today: datetime.date) -> dict:
    """One line of the log, as printed: the counterpart, what it was, when it went and came, how
    it stands."""
    outgoing = m.sender_id == place
    other = m.receiver if outgoing else m.sender
    content = shows_content(actor=actor, message=m)
    state = STATE_ZH.get(m.state, m.state)
    late = m.state == State.OVERDUE or (m.state in (State.DRAFT, State.SENT, State.RECEIVED) and m.due_on is not None and m.due_on < today)
    if late and m.state != State.OVERDUE:
        state += "（已超期）"
    if m.state == State.CLOSED and m.close_reason:
        state += f"（{m.close_reason}）"
    answer = ""
    if m.answered_on:
        on_time = m.reply_due_on is None or m.answered_on <= m.reply_due_on
        answer = f"{m.answered_on:%Y-%m-%d}" + ("" if on_time else "（逾期）")
    return {
        "id": m.pk, "kind": KIND_ZH.get(m.kind, m.kind), "topic": _label(m.get_topic_display()) if m.topic else "", "reply_to": m.in_reply_to_id,
        "counterpart": other.name, "counterpart_code": other.code,
        "person": m.person.name if m.person_id else "", "person_id": m.person_id,
        "subject": m.subject if content else KIND_ZH.get(m.kind, m.kind),
        "channel": _label(m.get_channel_display()) if m.channel else "",
        "sent_at": m.sent_at, "arrived_at": m.arrived_at, "reply_due_on": m.reply_due_on, "answer": answer,
        "evidence": m.evidence if content else "", "state": state, "late": late,
    }


def entries(*, actor, req: LogRequest, today: datetime.date) -> dict:
    """The lines of the log: sent (by sending date) and received (by arrival date)."""
    code = req.division.code
    base = Message.objects.select_related("sender", "receiver", "person")
    sent_q = base.filter(sender_id=code, sent_on__gte=req.start, sent_on__lte=req.end)
    received_q = base.filter(receiver_id=code, arrived_on__gte=req.start, arrived_on__lte=req.end)
    count = sent_q.count() + received_q.count()
    if count > MAX_ROWS:
        raise Invalid({"end": [f"期间内有 {count} 件函件，一次最多 {MAX_ROWS} 件，请缩短期间分次打印 / "
                               f"{count} messages in the period, at most {MAX_ROWS} at a time: print a shorter period"]})
    sent = [_row(actor, m, code, today) for m in sent_q.order_by("sent_at", "id")]
    received = [_row(actor, m, code, today) for m in received_q.order_by("arrived_at", "id")]
    return {
        "sent": sent, "received": received,
        "submitted": sum(1 for r in sent if not r["reply_to"]), "replies": sum(1 for r in sent if r["reply_to"]),
        "count": len(sent) + len(received),
    }


def _audit(actor, action: str, req: LogRequest, log: dict, **extra):
    rows = log["sent"] + log["received"]
    record(actor, action, object_type="message", fields={
        "kind": "exchange_log", "division": req.division.code, "start": req.start.isoformat(), "end": req.end.isoformat(),
        "count": len(rows), "shown": [r["id"] for r in rows], "person_ids": sorted({r["person_id"] for r in rows if r["person_id"]}), **extra,
    })


def show(*, actor, division=None, start, end, today: datetime.date) -> tuple[LogRequest, dict]:
    """The log as a page; the showing is logged with the persons in it (invariant 3)."""
    req = parse(actor=actor, division=division, start=start, end=end)
    log = entries(actor=actor, req=req, today=today)
    _audit(actor, "exchange.log_view", req, log)
    return req, log


def pdf_html(req: LogRequest, log: dict, *, printed_on: datetime.date) -> str:
    return render_to_string("exchange/written_log_pdf.html", {
        "req": req, "log": log, "printed_on": printed_on, "division_full": DivisionNames([req.division.code]).full(req.division.code),
    })


def print_pdf(*, actor, division=None, start, end, printed_on: datetime.date) -> tuple[bytes, str]:
    """The printed log (PDF bytes, Content-Disposition); the printing is logged (invariant 3)."""
    from weasyprint import HTML  # imported here: loading Pango takes a moment, and only printing needs it

    req = parse(actor=actor, division=division, start=start, end=end)
    log = entries(actor=actor, req=req, today=printed_on)
    data = HTML(string=pdf_html(req, log, printed_on=printed_on)).write_pdf()
    _audit(actor, "exchange.log_print", req, log, format="pdf", bytes=len(data))
    period = f"{req.start.isoformat()}_{req.end.isoformat()}"
    name = f"{req.division.name}_{req.title}_{period}.pdf"
    disposition = content_disposition(name, f"exchange-log-{req.division.code}-{period}.pdf", inline=True)
    return data, disposition
