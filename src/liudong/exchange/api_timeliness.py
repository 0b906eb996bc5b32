"""T3: the timeliness figures through the API (GET /api/v1/exchange/timeliness). The same figures
as the page (see liudong.exchange.timeliness for what each counts): role-checked (403), scoped
(404 outside the actor's subtree), bad input 422 with every field's error."""
import datetime

from ninja import Field, Router, Schema

from liudong.clock import today  # the edge's one reading of the calendar (invariant 4)
from liudong.api_schemas import ERRORS, QueryDate

from . import timeliness

router = Router(tags=["timeliness"])


class AnswersOut(Schema):
    withdrawn: int = Field(description="期限内由发函方撤回、未反馈 / withdrawn by the sender, unanswered, by the deadline (left out of the rates)")
    expected: int = Field(description="应反馈 = 总数 - 撤回 / answers owed")
    answered: int
    on_time: int = Field(description="期限内反馈（反馈日期 <= 应反馈日期） / answered on or before the answer-by date")
    late: int = Field(description="逾期反馈 / answered after the answer-by date")
    overdue_open: int = Field(description="超期未反馈（期限早于今天） / unanswered, the deadline before today")
    overdue_withdrawn: int = Field(description="超期后才撤回（仍计超期） / withdrawn only after the deadline had passed: still a miss (X3)")
    overdue: int = Field(description="late + overdue_open + overdue_withdrawn")
    pending: int = Field(description="未反馈、未到期 / unanswered, deadline today or later")
    reply_rate: float | None = Field(description="answered / expected; null when expected is 0")
    on_time_rate: float | None = Field(description="on_time / expected; null when expected is 0")


class ReceiverOut(AnswersOut):
    received: int = Field(description="期间内送达、需反馈的来函 / requests that arrived in the period")


class DutyOut(Schema):
    to_send: int = Field(description="应发日期在期间内的待发函件 / messages due to be sent in the period")
    sent_on_time: int
    sent_late: int
    unsent_overdue: int
    unsent_pending: int
    withdrawn: int
    on_time_rate: float | None = Field(description="sent_on_time / (to_send - withdrawn)")


class SenderOut(AnswersOut):
    sent: int = Field(description="期间内发出的函件（不含反馈） / messages sent in the period, replies excluded")
    awaiting_arrival: int = Field(description="尚未送达（挂号信） / registered letters not yet signed for")
    requests: int = Field(description="其中需对方反馈 / of them, those that expect an answer")
    duty: DutyOut


class GroupOut(Schema):
    code: str
    name: str
    own: bool = Field(description="本级（区划本身，不是下级） / the division's own office")
    as_receiver: ReceiverOut
    as_sender: SenderOut


class TimelinessOut(Schema):
    division: str
    division_name: str
    level: int
    start: datetime.date
    end: datetime.date
    today: datetime.date = Field(description="超期的判断日 / overdue is judged as of this day")
    as_receiver: ReceiverOut
    as_sender: SenderOut
    by_division: list[GroupOut] = Field(description="下一级区划 / one level down")
    by_counterpart_province: list[GroupOut] = Field(description="按对方省份 / by the other side's province")
    by_topic: list[GroupOut] = Field(description="按主题（第三篇三：婚姻、生育、生殖保健服务、避孕节育、持证、缴纳社会抚养费） / by topic (X1); code is the topic")


@router.get("/exchange/timeliness", response={200: TimelinessOut, **ERRORS}, summary="双向考核及时率 / T3 timeliness figures")
def timeliness_figures(request, division: str = "", start: QueryDate = None, end: QueryDate = None):
    """T3 for a division (default: yours) and a period (default: this year to today)."""
    on = today()
    return timeliness.figures(actor=request.auth, division_code=division, start=start or on.replace(month=1, day=1), end=end or on, today=on)
