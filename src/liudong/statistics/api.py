"""Issue 14 API: the monthly reports (T1, T2) as the issue writes the contract.

GET /reports/{division}/{period} gives the stored `figures` and today's `live` ones (for divisions
above the township, `live` is as of the last scheduled run: `live_at` says when); POST submit,
approve and return act on it. 422 with the reason for a step in the wrong state (a child not
approved, already approved), a bad period (malformed, in the future, not ended) or a missing
reason; 403 for a role or level that may not act; 404 for a division outside the actor's scope;
nothing is written on an error."""
import datetime

from ninja import Field, Router, Schema

from liudong.api_schemas import ERRORS, DateText, Text
from liudong.clock import now  # the edge's one reading of the clock (invariant 4)

from . import queries, reviewed, services

router = Router(tags=["statistics"])

FIGURES_DOC = "名称→数字（statistics.figures.FIGURES 的定义；策略值缺失时为 null） / name -> number (definitions in statistics.figures.FIGURES; null where a policy value is missing)"


class ReportChildOut(Schema):
    division: str
    name: str
    state: str = Field(description="open | submitted | approved | returned")
    submitted_at: datetime.datetime | None
    first_submitted_on: datetime.date | None = Field(description="首次报送日期（按时率据此计算） / the first submission's day (the on-time rate reads it)")
    due_on: datetime.date | None
    on_time: bool
    return_reason: str


class ReportRatesOut(Schema):
    children: int
    submitted: int
    on_time: int
    approved: int
    reporting_rate: float | None = Field(description="已报送（含已审核）的下级 / 下级数 / children submitted or approved / children")
    on_time_rate: float | None = Field(description="按期首次报送的下级 / 下级数 / children first submitted by the due day / children")
    approved_rate: float | None


class ReviewedShareOut(Schema):
    counted: int = Field(description="期末计入的记录（居住期间；留守儿童、空巢老人为人员） / records counted at the period's end (residence periods; persons for the R5 figures)")
    passed: int = Field(description="其中已通过审核或不需审核的 / of them, those that passed review or were never in the chain")
    share: float | None = Field(description="passed / counted (0-1; null when none counted)")


class ReportOut(Schema):
    division: str
    period: str = Field(description="YYYY-MM")
    state: str = Field(description="open | submitted | approved | returned")
    figures: dict[str, int | None] = Field(description="已存数字（月结时计算，报送时重算，审核后冻结） / the stored figures (computed when the month closed, "
                                                       "again when submitted, frozen once approved); empty before the month closed. " + FIGURES_DOC)
    live: dict[str, int | None] = Field(description="实时数字（截至期末，按今天的登记数据；乡镇以上为最近一次定时计算） / today's figures as of the period's end "
                                                    "(above the township: as of the last scheduled run, live_at)")
    live_at: datetime.datetime | None
    difference: dict[str, int | None] = Field(description="live - figures")
    children: list[ReportChildOut]
    rates: ReportRatesOut
    due_on: datetime.date | None = Field(description="应报送日期（策略 statistics.due_day.<level>） / the day it is due")
    submitted_at: datetime.datetime | None
    approved_at: datetime.datetime | None
    return_reason: str = Field(description="退回原因（上级退回时） / the reason of the last return")
    reviewed: dict[str, ReviewedShareOut] = Field(description="R6：inflow、outflow、left_behind_children、empty_nest_elderly 的审核通过占比（乡镇及以下按请求计算，"
                                                              "以上为月结和每晚计算的结果；statistics.reviewed.DEFINITION） / R6: the reviewed share of inflow, outflow and "
                                                              "the R5 figures (townships and villages: counted on request; above: stored by the month close and the "
                                                              "nightly refresh, as of live_at): " + reviewed.DEFINITION.split(" / ")[1])
    retired: bool = Field(False, description="已撤销：不在最新版区划代码中（报表仍可查看和报送） / retired: not in the newest edition of the code list (its reports still open)")
    edition: str = Field("", description="区划所在的（最后）版本 / the (last) edition of the code list that has the division")


class ReportReturnIn(Schema):
    reason: str = Text("退回原因 / the reason for the return", services.REASON_MAX, required=True)


def report_out(request, division, period):
    return queries.report(actor=request.auth, division_code=division, period=period, now=now(), years=False)


@router.get("/reports/{division}/{period}", response={200: ReportOut, **ERRORS}, summary="统计月报 / a division's monthly report (T1, T2)")
def get_report(request, division: str, period: str):
    return report_out(request, division, period)


@router.post("/reports/{division}/{period}/submit", response={200: ReportOut, **ERRORS}, summary="报送 / submit the report (T1)")
def submit_report(request, division: str, period: str):
    services.submit(actor=request.auth, division_code=division, period=period, now=now())
    return report_out(request, division, period)


@router.post("/reports/{division}/{period}/approve", response={200: ReportOut, **ERRORS}, summary="审核通过 / approve a child's report (T1)")
def approve_report(request, division: str, period: str):
    services.approve(actor=request.auth, division_code=division, period=period, now=now())
    return report_out(request, division, period)


@router.post("/reports/{division}/{period}/return", response={200: ReportOut, **ERRORS}, summary="退回 / return a child's report with a reason (T1)")
def return_report(request, division: str, period: str, payload: ReportReturnIn):
    services.return_report(actor=request.auth, division_code=division, period=period, reason=payload.reason, now=now())
    return report_out(request, division, period)


class IndicatorOut(Schema):
    name: str
    label: str
    value: float | None = Field(description="指标值（0-1；null 为未评估） / the value (0-1; null: not assessed)")
    threshold: float | None
    weight: int
    veto: bool = Field(description="一票否决项 / failing it fails the whole assessment")
    pass_: bool | None = Field(None, alias="pass", description="达标 / passed; null: not assessed")
    basis: dict = Field(description="所依据的数字 / the figures it rests on")


class AssessmentSideOut(Schema):
    expected: int
    answered: int
    on_time: int
    overdue: int
    reply_rate: float | None
    on_time_rate: float | None


class AssessmentProvinceOut(Schema):
    province: str = Field(description="对方省份代码 / the other side's province code")
    name: str
    as_receiver: AssessmentSideOut = Field(description="该省来函，本地反馈（该省对本地的评价） / that province's requests, answered here (its view of this division)")
    as_sender: AssessmentSideOut = Field(description="本地去函，该省反馈（本地对该省的评价） / this division's requests, answered by that province")


class AssessmentOut(Schema):
    division: str
    year: int = Field(description="计划生育统计年度（上年10月1日至当年9月30日） / the statistical year (1 October - 30 September)")
    start: datetime.date
    end: datetime.date
    to: datetime.date = Field(description="数字截至 / figures up to")
    indicators: list[IndicatorOut]
    score: float | None = Field(description="得分（已评估指标的权重中达标的百分比） / the score: passed weight / assessed weight, in percent")
    pass_score: float
    vetoed: bool
    passed: bool | None
    total: float | None = Field(description="= score")
    by_province: list[AssessmentProvinceOut] = Field(description="T3 两个方向、按对方省份 / both ways, by the other side's province")


@router.get("/assessments/{division}/{year}", response={200: AssessmentOut, **ERRORS}, by_alias=True,
            summary="双向考核 / the yearly two-way assessment of a township or county (T3)")
def get_assessment(request, division: str, year: str):
    from . import assessment

    data = assessment.assess(actor=request.auth, division_code=division, year=year, now=now())
    return dict(data, total=data["score"], indicators=[dict(i, **{"pass": i["pass"]}) for i in data["indicators"]])


class BulletinOut(Schema):
    id: int
    division: str
    period: str = Field(description="YYYY-MM")
    figures: dict = Field(description="staff_active, records_entered, messages_sent, messages_answered, messages_overdue, reply_rate, on_time_rate, "
                                      "reports_children, reports_on_time, reports_on_time_rate, best, worst")
    created_at: datetime.datetime
    messages_sent: int = Field(description="发给下级的通报函件数 / bulletin messages sent to the level below")


class BulletinPage(Schema):
    count: int
    results: list[BulletinOut]


def bulletin_out(b) -> dict:
    from . import periods

    return {"id": b.pk, "division": b.division_id, "period": periods.label(b.period), "figures": b.figures, "created_at": b.created_at, "messages_sent": b.messages_sent}


@router.get("/bulletins", response={200: BulletinPage, **ERRORS}, summary="工作通报列表 / the bulletins (T4)")
def list_bulletins(request, division: str | None = None, limit: int = 50, offset: int = 0):
    from . import bulletins

    limit, offset = max(1, min(limit, 200)), max(0, offset)
    qs = bulletins.bulletins(actor=request.auth, division_code=division)
    return {"count": qs.count(), "results": [bulletin_out(b) for b in qs[offset: offset + limit]]}


@router.get("/bulletins/{bulletin_id}.pdf", response={200: None, **ERRORS}, summary="工作通报 PDF / one bulletin as PDF (T4)")
def bulletin_pdf(request, bulletin_id: int):
    from liudong.content_types import PDF_TYPE, content_disposition, download

    from . import bulletins

    b = bulletins.bulletin(actor=request.auth, bulletin_id=bulletin_id)
    return download(bulletins.pdf(b), PDF_TYPE, content_disposition(f"bulletin-{b.pk}.pdf", f"bulletin-{b.pk}.pdf"))


@router.get("/bulletins/{bulletin_id}", response={200: BulletinOut, **ERRORS}, summary="工作通报 / one bulletin (T4)")
def get_bulletin(request, bulletin_id: int):
    from . import bulletins

    return bulletin_out(bulletins.bulletin(actor=request.auth, bulletin_id=bulletin_id))


# ---------------------------------------------------------------- part 11: submission tasks

class SubmissionTaskIn(Schema):
    division: str = Text("乡镇代码（本县的乡镇） / the township (of your county)", 12, required=True)
    period: str = Text("month | quarter | year（统计年度） / month, quarter or the statistical year", required=True, enum=["month", "quarter", "year"])
    messages: int = Field(..., description="每期提交信息任务数（不能为负） / messages to submit a period (not negative)")
    kinds: list[str] = Field(default_factory=list, description="计入的函件种类（空为全部） / kinds that count (empty: every kind a township writes)")
    reply_target: float | None = Field(None, description="反馈率目标 0-1（默认 1，即 100%） / the reply-rate target, 0-1 (default 1 = 100%)")
    due_day: int | None = Field(None, description="截止日：期间最后一个月的某日（1-31，按县定时间；不填即期末），之后发出的不计入任务 / the day of the "
                                                "period's last month by which the messages are due (1-31; empty: the period's last day); later sends do not count")
    valid_from: str = DateText("起始日期：该周期的第一天（月初、季初或10月1日），不早于本期 / a period's first day, not before the current period", required=True)
    note: str | None = Text("依据（文号） / note (reference)", 200)


class SubmissionTaskOut(Schema):
    id: int
    division: str = Field(description="乡镇 / the township")
    name: str
    valid_from: datetime.date
    period: str = Field(description="month | quarter | year")
    messages: int
    kinds: list[str]
    reply_target: float
    due_day: int | None = Field(description="截止日（期间最后一个月的某日；空即期末） / due day of the period's last month (null: its last day)")
    note: str
    set_at: datetime.datetime
    set_by: str


class SubmissionTaskPage(Schema):
    count: int
    results: list[SubmissionTaskOut]


class TaskProgressRowOut(Schema):
    division: str
    name: str
    task: SubmissionTaskOut | None = Field(description="本月第一天生效的任务 / the task in force on the month's first day")
    start: datetime.date = Field(description="任务期（月、季度或统计年度） / the task's period holding the month")
    end: datetime.date
    to: datetime.date = Field(description="数字截至 / counted up to")
    deadline: datetime.date | None = Field(description="本期任务截止日（按县定时间） / the day the period's messages are due (the county's time)")
    messages_sent: int | None = Field(description="截止日前（含）发出的 / sent by the deadline")
    messages_late: int | None = Field(description="截止日后、期内发出的（不计入任务） / sent after the deadline within the period (not counted)")
    messages_task: int | None
    task_rate: float | None = Field(description="messages_sent / messages_task")
    task_met: bool | None
    reply: AssessmentSideOut = Field(description="本期收到的应反馈来函 / the requests received in the window (exchange.timeliness, as receiver)")
    reply_target: float | None
    reply_met: bool | None


class TaskProgressOut(Schema):
    division: str
    name: str
    period: str = Field(description="YYYY-MM")
    townships: list[TaskProgressRowOut]
    with_task: int
    task_met: int
    reply_met: int


@router.get("/submission-tasks", response={200: SubmissionTaskPage, **ERRORS}, summary="提交信息任务记录 / the townships' submission tasks, with their history (part 11)")
def list_submission_tasks(request, division: str | None = None, limit: int = 50, offset: int = 0):
    from liudong import fields
    from liudong.errors import Invalid

    from . import queries_submission

    errors: dict = {}
    fields.window(limit, offset, errors)
    if errors:
        raise Invalid(errors)
    qs = queries_submission.tasks(actor=request.auth, division_code=division or request.auth.division_id)
    return {"count": qs.count(), "results": [queries_submission.task_out(t) for t in qs[offset: offset + limit]]}


@router.post("/submission-tasks", response={201: SubmissionTaskOut, **ERRORS}, summary="设定乡镇提交信息任务 / a county sets a township's submission task (part 11)")
def create_submission_task(request, payload: SubmissionTaskIn):
    from liudong.clock import today

    from . import queries_submission, services_submission

    task = services_submission.set_task(actor=request.auth, data=payload.dict(), now=now(), today=today())
    return 201, queries_submission.task_out(task)


@router.get("/submission-progress/{division}/{period}", response={200: TaskProgressOut, **ERRORS},
            summary="提交信息任务完成情况 / a township's (or a county's townships') progress against the submission tasks (part 11)")
def get_submission_progress(request, division: str, period: str):
    from . import queries_submission

    return queries_submission.progress(actor=request.auth, division_code=division, period=period, now=now())
