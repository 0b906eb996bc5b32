"""Issue 14 API: the monthly reports (T1, T2) as the issue writes the contract.

GET /reports/{division}/{period} gives the stored `figures` and today's `live` ones (for divisions
above the township, `live` is as of the last scheduled run: `live_at` says when); POST submit,
approve and return act on it. 422 with the reason for a step in the wrong state (a child not
approved, already approved), a bad period (malformed, in the future, not ended) or a missing
reason; 403 for a role or level that may not act; 404 for a division outside the actor's scope;
nothing is written on an error."""
import datetime

from ninja import Field, Router, Schema

from liudong.api_schemas import ERRORS, Text
from liudong.clock import now  # the edge's one reading of the clock (invariant 4)

from . import queries, services

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
