"""Technical services API (S1-S6): checks with their report slips, the due list, distributions,
the catalogue, distribution points, the institutions (public) and the hukou side's records (S3).

Every domain check is made once in technical.services (writes) and technical.queries (reads), so
pages and API give the same bilingual field errors (invariant 7). Police and the query desk are
403 everywhere but the public list of institutions; every read of a person is logged.
"""
import datetime

from ninja import Field, Router, Schema, Status

from liudong.api_schemas import ERRORS, DateText, DetailOut, ErrorsOut, Text
from liudong.clock import now, today  # the edge's one reading of the clock (invariant 4)
from liudong.errors import Invalid

from . import queries, services
from .models import Check, CheckItem, ConfirmationKind, Distribution, Method, PointKind, Product, Result

router = Router(tags=["technical services"])

ITEMS_DOC = "pregnancy（孕情） | iud（环情） | screening（妇女病普查）"


def _page(rows, limit: int, offset: int):
    errors = {}
    if not 1 <= limit <= 500:
        errors["limit"] = ["每页1到500条 / 1 to 500 a page"]
    if not 0 <= offset <= 1_000_000_000:
        errors["offset"] = ["应在0到10亿之间 / between 0 and 1,000,000,000"]
    if errors:
        raise Invalid(errors)
    return rows[offset: offset + limit]


# ---------------------------------------------------------------- checks (S2)

class ServiceCheckIn(Schema):
    person_id: int = Field(..., description="妇女的人员编号 / the woman's person id")
    checked_on: str = DateText("检查日期 / the day of the check", required=True, example="2026-11-20")
    items: list[str] = Field(..., description=f"检查项目 / what was checked: {ITEMS_DOC}")
    result: str = Text("检查结果 / the result", required=True, enum=list(Result.values))
    institution_id: int | None = Field(None, description="检查机构（本省公布的技术服务机构，S6） / the qualified institution (S6)")
    method: str | None = Text("现用避孕方法 / the method in use", enum=list(Method.values))
    notes: str | None = Text("备注 / notes", 2000)


class ServiceCheckOut(Schema):
    id: int
    person_id: int
    origin: str = Field(description="residence（现居住地检查） | mailed（外出寄回的报告单，S3）")
    division: str = Field(description="登记的乡镇 / the township that recorded it")
    village: str
    checked_on: datetime.date
    items: list[str]
    result: str
    method: str | None
    institution_id: int | None
    institution_name: str | None
    notes: str
    report_number: str | None = Field(description="避孕节育情况报告单编号 / the report slip's number (S2)")
    hukou_place: str | None = Field(description="报告单通报的户籍地 / where the report went")
    message_id: int | None = Field(description="发往户籍地的 contraception_report 函件 / the message to her hukou township")
    message_state: str | None = Field(description="函件状态：sent 已发送，closed 对方已签收归档 / the message's state: closed once filed")
    received_on: datetime.date | None
    recorded_at: datetime.datetime


class ServiceCheckPage(Schema):
    count: int
    results: list[ServiceCheckOut]


def check_out(c: Check) -> dict:
    return {"id": c.id, "person_id": c.person_id, "origin": c.origin, "division": c.division_id, "village": c.village, "checked_on": c.checked_on,
            "items": c.items, "result": c.result, "method": c.method or None, "institution_id": c.institution_id,
            "institution_name": c.institution.name if c.institution_id else (c.institution_text or None), "notes": c.notes,
            "report_number": c.report_number or None, "hukou_place": c.hukou_place_id, "message_id": c.message_id,
            "message_state": c.message.state if c.message_id else None, "received_on": c.received_on, "recorded_at": c.recorded_at}


@router.post("/checks", response={201: ServiceCheckOut, **ERRORS}, summary="登记孕情环情检查并出具报告单 / record a check and issue the report slip (S2)")
def create_check(request, payload: ServiceCheckIn):
    check = services.record_check(actor=request.auth, data=payload.model_dump(), now=now())
    return Status(201, check_out(queries.get_check(actor=request.auth, check_id=check.pk, log=False)))


class CheckDueOut(Schema):
    person_id: int
    name: str
    village: str
    age: int
    category: str = Field(description="key（重点对象） | ordinary（一般对象：40岁以上上环） | screening")
    window_start: datetime.date
    window_end: datetime.date
    last_checked_on: datetime.date | None
    state: str = Field(description="due（本期应查） | overdue（已逾期）")


class CheckScheduleOut(Schema):
    county: str
    county_name: str
    in_force: bool = Field(description="false：该县没有生效的检查频次，本期不排定 / no frequency in force: nothing scheduled")
    ordinary_per_year: int | None
    key_per_year: int | None
    screening_per_year: int | None
    ordinary_min_age: int | None
    women: int
    note: str
    sources: dict[str, str]


class CheckDuePage(Schema):
    count: int
    period_start: datetime.date
    period_end: datetime.date
    schedules: list[CheckScheduleOut]
    results: list[CheckDueOut]


def schedule_out(s) -> dict:
    v = s.values
    return {"county": s.county, "county_name": s.county_name, "in_force": s.in_force, "ordinary_per_year": v.get("services.checks_per_year.ordinary"),
            "key_per_year": v.get("services.checks_per_year.key"), "screening_per_year": v.get("services.screening_per_year"),
            "ordinary_min_age": v.get("services.ordinary_min_age"), "women": s.women, "note": s.note, "sources": s.sources}


@router.get("/checks/due", response={200: CheckDuePage, **ERRORS}, summary="本期应查、逾期名单 / who is due or overdue (S4)")
def checks_due(request, division: str | None = None, period: str | None = None, item: str = "checks", limit: int = 100, offset: int = 0):
    """period: YYYY | YYYY-H1 | YYYY-Q4 | YYYY-MM (default: this quarter); item: checks | screening."""
    due = queries.due_list(actor=request.auth, division_code=division, period=period, item=item, today=today())
    shown = _page(due.rows, limit, offset)  # one query for this page; the count is another (DueRows)
    queries.log_due(actor=request.auth, due=due, shown=shown)
    return {"count": due.count, "period_start": due.start, "period_end": due.end, "schedules": [schedule_out(s) for s in due.schedules],
            "results": [r.__dict__ for r in shown]}


@router.get("/checks", response={200: ServiceCheckPage, **ERRORS}, summary="一名妇女的检查记录 / a woman's checks (S2, S3)")
def list_checks(request, person_id: int | None = None, limit: int = 100, offset: int = 0):
    _, rows = queries.checks_of(actor=request.auth, person_id=person_id)
    return {"count": len(rows), "results": [check_out(c) for c in _page(rows, limit, offset)]}


# ---------------------------------------------------------------- the hukou side (S3)

class MailedReportIn(Schema):
    person_id: int
    checked_on: str = DateText("检查日期 / the day of the check", required=True)
    received_on: str = DateText("收到寄回报告单的日期 / the day the report came back", required=True)
    items: list[str] = Field(..., description=ITEMS_DOC)
    result: str = Text("检查结果 / the result", required=True, enum=list(Result.values))
    method: str | None = Text("避孕方法 / the method", enum=list(Method.values))
    institution_text: str | None = Text("检查机构 / where it was done", 120)
    notes: str | None = Text("备注 / notes", 2000)


@router.post("/mailed-reports", response={201: ServiceCheckOut, **ERRORS}, summary="登记寄回的检查报告单 / record a report mailed back (S3)")
def create_mailed_report(request, payload: MailedReportIn):
    check = services.record_mailed_report(actor=request.auth, data=payload.model_dump(), now=now())
    return Status(201, check_out(queries.get_check(actor=request.auth, check_id=check.pk, log=False)))


class AdviceIn(Schema):
    person_id: int
    advised_on: str = DateText("指导日期 / the day of the advice", required=True)
    method: str = Text("她选择的避孕方法 / the method she chose", required=True, enum=list(Method.values))
    told_to_attend_checks: bool = Field(False, description="已告知按时参加现居住地的孕情、环情检查 / told to attend the checks where she will live")
    notes: str | None = Text("备注 / notes", 2000)


class AdviceOut(Schema):
    id: int
    person_id: int
    division: str
    advised_on: datetime.date
    method: str
    told_to_attend_checks: bool
    notes: str


@router.post("/departure-advice", response={201: AdviceOut, **ERRORS}, summary="外出前避孕节育指导 / advice before she leaves (S3)")
def create_advice(request, payload: AdviceIn):
    a = services.record_departure_advice(actor=request.auth, data=payload.model_dump(), now=now())
    return Status(201, {"id": a.id, "person_id": a.person_id, "division": a.division_id, "advised_on": a.advised_on, "method": a.method,
                        "told_to_attend_checks": a.told_to_attend_checks, "notes": a.notes})


class ReturneeVisitIn(Schema):
    person_id: int
    visited_on: str = DateText("随访日期 / the day of the visit", required=True)
    notes: str | None = Text("随访情况 / notes", 2000)


class ReturneeOut(Schema):
    person_id: int
    name: str
    returned_on: datetime.date
    division: str
    visited_on: datetime.date | None = None


class ReturneePage(Schema):
    count: int
    results: list[ReturneeOut]


@router.get("/returnees", response={200: ReturneePage, **ERRORS}, summary="待随访的返乡人员 / returnees awaiting a follow-up visit (S3)")
def list_returnees(request):
    rows = queries.returnees_due(actor=request.auth, today=today())
    return {"count": len(rows), "results": [{"person_id": r.person_id, "name": r.person.name, "returned_on": r.arrived_on, "division": r.division_id} for r in rows]}


@router.post("/returnee-visits", response={201: ReturneeOut, **ERRORS}, summary="登记返乡随访 / record a returnee's follow-up visit (S3)")
def create_returnee_visit(request, payload: ReturneeVisitIn):
    v = services.record_returnee_visit(actor=request.auth, data=payload.model_dump(), now=now())
    return Status(201, {"person_id": v.person_id, "name": v.person.name, "returned_on": v.residence.arrived_on, "division": v.residence.division_id, "visited_on": v.visited_on})


# ---------------------------------------------------------------- distributions (S5)

class ConfirmationFileIn(Schema):
    name: str = Text("文件名 / file name", 200, required=True, example="签名.png")
    content_type: str = Text("类型 / type", required=True, enum=["image/png", "image/jpeg", "application/pdf", "image/tiff"])
    data: str = Field(..., description="Base64，解码后不超过 2 MB / base64, at most 2 MB decoded")


class DistributionIn(Schema):
    person_id: int = Field(..., description="领取人 / the recipient")
    distributed_on: str = DateText("发放日期 / handed out on", required=True)
    product: str = Text("药具 / product", required=True, enum=list(Product.values))
    quantity: int = Field(..., description="数量 / quantity (1-1000)")
    point_id: int | None = Field(None, description="发放点 / distribution point")
    confirmation_kind: str | None = Text("领取人确认方式 / how the recipient confirmed", enum=list(ConfirmationKind.values))
    confirmation: ConfirmationFileIn | None = Field(None, description="手写签名图片（PNG/JPEG）或签字名单扫描件 / the drawn signature or the scanned signed list")
    confirmation_id: int | None = Field(None, description="沿用已上传的签字名单 / a signed list uploaded with an earlier row")
    notes: str | None = Text("备注 / notes", 200)


class DistributionOut(Schema):
    id: int
    person_id: int
    name: str
    village: str
    point_id: int | None
    distributed_on: datetime.date
    product: str
    quantity: int
    confirmation_id: int
    confirmation_kind: str
    notes: str


class DistributionPage(Schema):
    count: int
    results: list[DistributionOut]


def distribution_out(d: Distribution) -> dict:
    return {"id": d.id, "person_id": d.person_id, "name": d.person.name, "village": d.village_id, "point_id": d.point_id, "distributed_on": d.distributed_on,
            "product": d.product, "quantity": d.quantity, "confirmation_id": d.confirmation_id, "confirmation_kind": d.confirmation.kind, "notes": d.notes}


@router.post("/distributions", response={201: DistributionOut, **ERRORS}, summary="登记避孕药具发放（须领取人签字） / record a distribution, confirmed by the recipient (S5)")
def create_distribution(request, payload: DistributionIn):
    data = payload.model_dump()
    upload = data.pop("confirmation", None)
    row = services.record_distribution(actor=request.auth, data=data, now=now(), confirmation_file=upload)
    return Status(201, distribution_out(Distribution.objects.select_related("person", "confirmation").get(pk=row.pk)))


@router.get("/distributions", response={200: DistributionPage, **ERRORS}, summary="避孕药具发放登记 / distributions of your area (S5)")
def list_distributions(request, division: str | None = None, month: str | None = None, person_id: int | None = None, limit: int = 100, offset: int = 0):
    """month: YYYY-MM (or any period: YYYY, YYYY-Q4)."""
    _, _, qs = queries.distributions(actor=request.auth, division_code=division, month=month, person_id=person_id)
    count = qs.count()
    rows = list(_page(qs, limit, offset))
    queries.log_distributions(actor=request.auth, rows=rows)
    return {"count": count, "results": [distribution_out(d) for d in rows]}


class TotalOut(Schema):
    village: str
    month: str
    product: str
    quantity: int
    recipients: int


class TotalPage(Schema):
    count: int
    results: list[TotalOut]


@router.get("/distributions/totals", response={200: TotalPage, **ERRORS}, summary="按村、按月合计 / totals per village and month (S5)")
def distribution_totals(request, year: int | None = None, division: str | None = None):
    _, rows = queries.distribution_totals(actor=request.auth, division_code=division, year=year)
    return {"count": len(rows), "results": rows}


# ---------------------------------------------------------------- catalogue, points, institutions (S1, S6)

class ServiceItemOut(Schema):
    code: str
    name: str
    name_en: str
    category: str
    exams: str
    source: str


class ServiceItemPage(Schema):
    count: int
    results: list[ServiceItemOut]


@router.get("/service-items", response={200: ServiceItemPage, **ERRORS}, summary="免费技术服务项目 / the free service items (S1)")
def list_service_items(request):
    rows = queries.service_items(actor=request.auth)
    return {"count": len(rows), "results": [{"code": i.code, "name": i.name, "name_en": i.name_en, "category": i.category, "exams": i.exams, "source": i.source} for i in rows]}


class PointIn(Schema):
    kind: str = Text("类型 / kind", required=True, enum=list(PointKind.values))
    name: str = Text("名称 / name", 100, required=True)
    address: str = Text("地址 / address", 200, required=True)
    village: str | None = Text("所在村（居）代码 / village code", 12)
    opened_on: str = DateText("设立日期 / opened on", required=True)


class PointOut(Schema):
    id: int
    township: str
    village: str | None
    kind: str
    name: str
    address: str
    opened_on: datetime.date


class PointPage(Schema):
    count: int
    results: list[PointOut]


def point_out(p) -> dict:
    return {"id": p.id, "township": p.township_id, "village": p.village_id, "kind": p.kind, "name": p.name, "address": p.address, "opened_on": p.opened_on}


@router.get("/distribution-points", response={200: PointPage, **ERRORS}, summary="避孕药具发放点、自动售货机 / distribution points and machines (S1)")
def list_points(request, division: str | None = None):
    rows = list(queries.points(actor=request.auth, division_code=division))
    return {"count": len(rows), "results": [point_out(p) for p in rows]}


@router.post("/distribution-points", response={201: PointOut, **ERRORS}, summary="设置发放点 / set up a distribution point (S1)")
def create_point(request, payload: PointIn):
    return Status(201, point_out(services.add_distribution_point(actor=request.auth, data=payload.model_dump(), now=now())))


class InstitutionIn(Schema):
    name: str = Text("名称 / name", 120, required=True)
    address: str = Text("地址 / address", 200, required=True)
    phone: str = Text("联系电话 / phone", 20, required=True)
    division: str | None = Text("所在地区划代码 / where it is", 12)
    published_on: str | None = DateText("公布日期 / published on")


class InstitutionOut(Schema):
    id: int
    province: str
    province_name: str
    name: str
    address: str
    phone: str
    published_on: datetime.date


class InstitutionPage(Schema):
    count: int
    results: list[InstitutionOut]


def institution_out(i) -> dict:
    return {"id": i.id, "province": i.province_id, "province_name": i.province.name, "name": i.name, "address": i.address, "phone": i.phone, "published_on": i.published_on}


@router.get("/institutions", auth=None, response={200: InstitutionPage, 422: ErrorsOut}, summary="技术服务机构（公开） / qualified institutions, public (S6)")
def list_institutions(request, province: str | None = None):
    """Public, without a token: what each province publishes (name, address, phone)."""
    code = None
    if province not in (None, ""):
        from liudong import fields

        errors: dict[str, list[str]] = {}
        code = fields.division_code({"province": province}, "province", errors)
        if code is not None and code[2:] != "0" * 10:
            errors["province"] = ["请填写省级代码（如 440000000000 或 44） / give a province code (e.g. 440000000000 or 44)"]
        if errors:
            raise Invalid(errors)
    rows = list(queries.institutions(code, today()))
    return {"count": len(rows), "results": [institution_out(i) for i in rows]}


@router.post("/institutions", response={201: InstitutionOut, **ERRORS}, summary="公布技术服务机构 / publish an institution (S6, a province)")
def create_institution(request, payload: InstitutionIn):
    found = services.publish_institution(actor=request.auth, data=payload.model_dump(), now=now())
    return Status(201, institution_out(found))


__all__ = ["router", "CheckItem", "DetailOut"]
