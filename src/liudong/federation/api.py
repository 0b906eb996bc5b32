"""Issue 16: the hub's national watch list through the API (GET /api/v1/nodes/watch): the same
data as the page (federation.watch), routing only."""
import datetime

from ninja import Field, Router, Schema

from liudong.api_schemas import ERRORS
from liudong.clock import today  # the edge's one reading of the calendar (invariant 4)

from . import watch

router = Router(tags=["nodes"])


class PairOut(Schema):
    sender_province: str
    sender_name: str
    receiver_province: str
    receiver_name: str
    sent: int
    arrived: int
    expected: int = Field(description="需反馈（期限内撤回的不计） / expecting an answer (less those withdrawn in time)")
    answered: int
    on_time: int
    overdue: int = Field(description="已送达、超过应反馈日期仍未反馈（含超期后撤回） / arrived, answer-by date passed, unanswered (withdrawn after it included: X3)")
    reply_rate: float | None
    on_time_rate: float | None


class OverdueOut(Schema):
    global_id: str
    kind: str
    sender: str
    sender_name: str
    receiver: str
    receiver_name: str
    arrived_at: datetime.datetime
    due_on: datetime.date
    days_over: int


class WatchOut(Schema):
    today: datetime.date
    pairs: list[PairOut] = Field(description="按发收双方省份 / by the sender's and the receiver's province")
    overdue: list[OverdueOut] = Field(description=f"超期未反馈，最早到期在前，至多 {watch.LIMIT} 条 / overdue, oldest deadline first, at most {watch.LIMIT}")


@router.get("/nodes/watch", response={200: WatchOut, **ERRORS}, summary="全国超期督办 / national watch list (the hub)")
def national_watch(request):
    """At the hub (LIUDONG_NODE=000000000000): the state events of messages crossing nodes."""
    return watch.watch(actor=request.auth, today=today())
