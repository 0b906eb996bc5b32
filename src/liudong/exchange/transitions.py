"""The state machines of the exchange (style 13): one table per workflow, (state, act) -> next
state, consulted by every service that changes a state (exchange.services, exchange.claims and
the daily tick). A pair missing from a table is an act the state does not allow; the refusal says
why in the words of REFUSALS. The README prints both tables (`liudong exchange states`).

Conditions that are not states (the message has arrived, it expects an answer, it is of a kind
answered by accepting or disputing) stay with the service that knows them.
"""
from django.db import models

from liudong.errors import Invalid

from .models import ClaimState, State


class Act(models.TextChoices):
    DRAFT = "draft", "开具待发函件 open a draft (a case obliges the place to send)"
    SEND = "send", "发函 write and send"
    DISPATCH = "dispatch", "发出待发函件 send a draft"
    ARRIVE = "arrive", "登记挂号信送达 record a letter's arrival"
    ACKNOWLEDGE = "acknowledge", "签收需反馈的函件 sign for a request"
    ACKNOWLEDGE_NOTICE = "acknowledge_notice", "签收无需反馈的函件 sign for a notice"
    REPLY = "reply", "反馈 answer"
    ACCEPT = "accept", "确认 accept (an arrival claim, a family link)"
    DISPUTE = "dispute", "提出异议 dispute"
    FORWARD = "forward", "转交所属乡镇 forward to a township (the county that received it, B2)"
    CLOSE = "close", "办结（撤回） close (the sender withdraws)"
    EXPIRE = "expire", "超期（每日检查） overdue (the daily tick)"
    LAPSE = "lapse", "期满视为确认（每日检查） accepted by silence (the daily tick)"


S, A = State, Act
NEW = None  # the state of a message not yet written

# One row per allowed act. A message opened by a case waits as a draft; every other message is
# sent when written. Signing for a message that expects no answer closes it. An answer (a reply,
# an acceptance, a dispute) may come late, from the overdue state. Overdue is entered only by the
# daily tick; a lapse (an arrival claim nobody answered in time, accepted by silence) closes the
# overdue message without an answer, so T3 counts it as a missed deadline, not a withdrawal. A
# county that received a request for one of its townships forwards it (B2): the county's part is
# done, and the copy to the township runs on its own clock. A withdrawal after the deadline keeps
# the miss (T3 counts it overdue).
TRANSITIONS: dict[tuple[str | None, str], str] = {
    (NEW, A.DRAFT): S.DRAFT,
    (NEW, A.SEND): S.SENT,
    (S.DRAFT, A.DISPATCH): S.SENT,
    (S.OVERDUE, A.DISPATCH): S.SENT,          # a draft past its send-by date, sent late
    (S.SENT, A.ARRIVE): S.SENT,               # a registered letter signed for: the clock starts
    (S.SENT, A.ACKNOWLEDGE): S.RECEIVED,
    (S.OVERDUE, A.ACKNOWLEDGE): S.OVERDUE,
    (S.CLOSED, A.ACKNOWLEDGE): S.CLOSED,      # withdrawn before it was signed for: receipt noted
    (S.SENT, A.ACKNOWLEDGE_NOTICE): S.CLOSED,
    (S.CLOSED, A.ACKNOWLEDGE_NOTICE): S.CLOSED,
    (S.SENT, A.REPLY): S.ANSWERED,
    (S.RECEIVED, A.REPLY): S.ANSWERED,
    (S.OVERDUE, A.REPLY): S.ANSWERED,
    (S.SENT, A.ACCEPT): S.ANSWERED,
    (S.RECEIVED, A.ACCEPT): S.ANSWERED,
    (S.OVERDUE, A.ACCEPT): S.ANSWERED,
    (S.SENT, A.DISPUTE): S.ANSWERED,
    (S.RECEIVED, A.DISPUTE): S.ANSWERED,
    (S.OVERDUE, A.DISPUTE): S.ANSWERED,
    (S.SENT, A.FORWARD): S.FORWARDED,
    (S.RECEIVED, A.FORWARD): S.FORWARDED,
    (S.OVERDUE, A.FORWARD): S.FORWARDED,
    (S.DRAFT, A.CLOSE): S.CLOSED,
    (S.SENT, A.CLOSE): S.CLOSED,
    (S.RECEIVED, A.CLOSE): S.CLOSED,
    (S.OVERDUE, A.CLOSE): S.CLOSED,
    (S.DRAFT, A.EXPIRE): S.OVERDUE,
    (S.SENT, A.EXPIRE): S.OVERDUE,
    (S.RECEIVED, A.EXPIRE): S.OVERDUE,
    (S.OVERDUE, A.LAPSE): S.CLOSED,
}

# Why an act is refused in a state (the first entry that matches: the state, then any state).
REFUSALS: dict[tuple[str | None, str | None], str] = {
    (S.CLOSED, A.CLOSE): "此函件已办结 / this message is closed already",
    (S.CLOSED, None): "此函件已办结 / this message is closed",
    (S.ANSWERED, A.CLOSE): "此函件已办结 / this message is closed already",
    (S.ANSWERED, None): "此函件已反馈，不能重复反馈 / this message has been answered already",
    (S.FORWARDED, None): "此函件已转交乡镇办理 / this message has been forwarded to a township",
    (S.DRAFT, None): "此函件尚未发出 / this message has not been sent",
    (None, A.DISPATCH): "此函件已发出 / this message has been sent already",
    (None, A.ARRIVE): "此函件的送达时间已记录 / this message's arrival is recorded already",
    (None, None): "此函件当前状态不允许此操作 / this message's state does not allow this",
}


def allowed(state: str | None, act: str) -> bool:
    return (state, act) in TRANSITIONS


def next_state(state: str | None, act: str, field: str = "message") -> str:
    """The state after `act`, or Invalid naming why the state refuses it."""
    try:
        return TRANSITIONS[(state, act)]
    except KeyError:
        for key in ((state, act), (state, None), (None, act), (None, None)):
            if key in REFUSALS:
                raise Invalid({field: [REFUSALS[key]]}) from None
        raise  # pragma: no cover - (None, None) is always there


def sources(act: str) -> tuple[str, ...]:
    """Every state from which `act` is allowed (the tick's UPDATE filters on them)."""
    return tuple(state for (state, a) in TRANSITIONS if a == act and state is not None)


# ------------------------------------------------------------------ arrival claims, family links


class ClaimAct(models.TextChoices):
    RECORD = "record", "直接登记（现居住地在本辖区） recorded at once (her place is the claimant's)"
    SUBMIT = "submit", "提交，通知原居住地 submitted to her place"
    ACCEPT = "accept", "原居住地确认 her place accepts"
    DISPUTE = "dispute", "原居住地提出异议 her place disputes"
    LAPSE = "lapse", "期满未答复，视为确认 accepted by silence"
    WITHDRAW = "withdraw", "申报方撤回 the claimant withdraws"
    VOID = "void", "记录已变化，未能生效 her record changed meanwhile: not applied"


C, CA = ClaimState, ClaimAct
# An arrival claim (people: hole 1) or a proposed family link (hole 3). The place that receives it
# answers on its message (Act.ACCEPT / Act.DISPUTE above); the claim follows.
CLAIM_TRANSITIONS: dict[tuple[str | None, str], str] = {
    (NEW, CA.RECORD): C.RECORDED,
    (NEW, CA.SUBMIT): C.PENDING,
    (C.PENDING, CA.ACCEPT): C.ACCEPTED,
    (C.PENDING, CA.DISPUTE): C.DISPUTED,
    (C.PENDING, CA.LAPSE): C.ACCEPTED,
    (C.PENDING, CA.WITHDRAW): C.WITHDRAWN,
    (C.PENDING, CA.VOID): C.VOID,
}


def next_claim_state(state: str | None, act: str, field: str = "claim") -> str:
    try:
        return CLAIM_TRANSITIONS[(state, act)]
    except KeyError:
        raise Invalid({field: [f"此申报已处理（{ClaimState(state).label}） / this claim is settled already ({state})"]}) from None


def claim_sources(act: str) -> tuple[str, ...]:
    return tuple(state for (state, a) in CLAIM_TRANSITIONS if a == act and state is not None)


def table_markdown() -> str:
    """Both tables as Markdown for the README (`liudong exchange states`): one row per act and
    next state, with the states it is allowed from."""
    def name(choices, value):
        return "(new)" if value is None else f"`{value}` {choices(value).label.split(' ')[0]}"

    def rows(table, acts, states):
        grouped: dict[tuple[str, str], list] = {}
        for (state, act), nxt in table.items():
            grouped.setdefault((act, nxt), []).append(state)
        out = ["| act | from | to |", "| --- | --- | --- |"]
        out += [f"| {name(acts, act)} | {', '.join(name(states, s) for s in froms)} | {name(states, nxt)} |" for (act, nxt), froms in grouped.items()]
        return "\n".join(out)

    return ("Messages (`exchange.transitions.TRANSITIONS`):\n\n" + rows(TRANSITIONS, Act, State)
            + "\n\nArrival claims and family links (`CLAIM_TRANSITIONS`):\n\n" + rows(CLAIM_TRANSITIONS, ClaimAct, ClaimState))
