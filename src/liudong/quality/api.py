"""Duplicates API (R8, issue 15):

    POST /duplicates/scan {"division"}              → 201 the scan's background job (liudong.jobs)
    GET  /duplicates?division=&status=&source=&limit=&offset= → {"count","results":[{"id","source","a","b","score","state"}]}
         (source "import": a held import row, a null, its candidates; after the scan's pairs)
    POST /duplicates/held/{id}/decide {"decision","person_id"?} → the held row (outside: an arrival claim)
    POST /duplicates/outside/{id}/claim                → the to-do's arrival claim
    POST /duplicates/{id}/merge {"keep", "open_residence"?, "take"?} → 201 {"merge_id","person_id"}
    POST /duplicates/{id}/dismiss                    → the candidate, "state": "dismissed"
    GET  /merges/{id}                                 → the merge, with what it moved and kept
    POST /merges/{id}/undo                            → the merge, "state": "undone", and its report

Every check is in quality.services / queries: 403 without the right, 404 for "absent or not
yours", 422 with bilingual field errors, nothing written on an error.
"""
import datetime

from ninja import Field, Router, Schema, Status

from liudong import fields
from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.api_schemas import ERRORS, Blank, Text
from liudong.clock import now, today  # the edge's one reading of the clock (invariant 4)
from liudong.divisions.queries import parse_division
from liudong.errors import Invalid
from liudong.jobs import services as jobs
from liudong.jobs.api import ExportJobOut, job_out

from . import exports, queries, services, services_outside
from .choices import CandidateState

router = Router(tags=["quality"])


class ScanIn(Schema):
    division: str | None = Text("查重区划代码，默认本人所属区划 / the division to scan (default: yours)", 12, example="440305001000")


class CandidateOut(Schema):
    id: int = Field(description="scan: 疑似重复编号 / the candidate's id; import: 待定行编号 / the held row's id")
    source: str = Field("scan", description="scan（查重扫描）| import（导入待定行，a 为空） / scan, or import: a held import row (a is null)")
    a: int | None = Field(description="人员编号；导入待定行为空 / person id; null for a held import row")
    b: int = Field(description="人员编号（导入待定行：第一个候选人） / person id (a held row: its first candidate)")
    score: float | None = Field(description="0-1；导入待定行为空 / null for a held import row")
    state: str = Field(description="open | merged | dismissed")
    found_on: datetime.date
    candidates: list[int] | None = Field(None, description="导入待定行可能对应的已登记人员 / a held row: the registered people it may be")
    batch: int | None = Field(None, description="导入批次 / a held row's import batch")
    row: int | None = Field(None, description="导入文件的行号 / a held row's row in its file")


class CandidatePage(Schema):
    count: int
    results: list[CandidateOut]


class MergeIn(Schema):
    keep: int = Field(..., description="保留的人员编号（a 或 b） / the person id that stays (a or b)")
    open_residence: int | None = Field(None, description="两条记录都有未结束居住登记时，保留哪一条 / when both have an open residence, the one that stays open")
    take: list[str] | None = Field(None, description=f"从被合并记录取用的字段 / fields to take from the merged-away record: {', '.join(services.TAKEABLE)}")


class MergedOut(Schema):
    merge_id: int
    person_id: int = Field(description="保留的人员编号 / the surviving record")


class MergeOut(Schema):
    id: int
    state: str = Field(description="done | undone")
    person_id: int = Field(description="保留的人员编号 / the surviving record")
    merged_id: int = Field(description="被合并的人员编号 / the merged-away record")
    candidate_id: int | None
    merged_on: datetime.date
    moved: int = Field(description="移到保留记录的关联记录数 / rows pointed at the survivor")
    kept: list[list] = Field(description="留在被合并记录上的关联记录 [表, 编号, 字段] / rows left on the merged-away record")
    fields: dict = Field(description="字段来源 / provenance of each field taken: {field: {from, value, was}}")
    undone_on: datetime.date | None
    undo_report: dict


def candidate_out(c) -> dict:
    return {"id": c.pk, "source": "scan", "a": c.a_id, "b": c.b_id, "score": c.score, "state": c.state, "found_on": c.found_on}


def held_out(h) -> dict:
    return {"id": h.pk, "source": "import", "a": None, "b": h.candidates[0], "score": None, "state": CandidateState.OPEN, "found_on": h.batch.imported_on,
            "candidates": h.candidates, "batch": h.batch_id, "row": h.row_number}


SOURCES = ("scan", "import")


class HeldDecisionIn(Schema):
    decision: str = Field(..., description="existing（作为该已登记人员）| new（作为新人员） / existing: as the registered person; new: as a new person")
    person_id: int | None = Field(None, description="decision=existing 时：候选人之一；其在辖区外时向其所在地提交到达申报 / with existing: one of the candidates; outside your area her arrival is claimed from her place")


class HeldOut(Schema):
    id: int
    state: str = Field(description="open | existing | new | withdrawn（到达申报待答复时仍为 open / open while a claim waits)")
    person_id: int | None
    claim_id: int | None = Field(None, description="向其所在地提交的到达申报 / the arrival claim sent to her place")
    claim_state: str | None = None


class OutsideOut(Schema):
    id: int
    person_id: int | None = Field(description="辖区内的记录 / the record in your area")
    claim_id: int | None
    claim_state: str | None


def merge_out(m) -> dict:
    return {"id": m.pk, "state": m.state, "person_id": m.survivor_id, "merged_id": m.merged_id, "candidate_id": m.candidate_id,
            "merged_on": m.merged_on, "moved": len(m.moved), "kept": m.kept, "fields": m.fields, "undone_on": m.undone_on,
            "undo_report": m.undo_report}


@router.post("/duplicates/scan", response={201: ExportJobOut, **ERRORS}, summary="查找疑似重复人员（后台任务） / scan a division for duplicates (a background job)")
def scan(request, payload: ScanIn):
    job = jobs.request_export(actor=request.auth, kind=exports.KIND, format="xlsx", params={"division": payload.division}, today=today(), now=now())
    return Status(201, job_out(job))


@router.get("/duplicates", response={200: CandidatePage, **ERRORS}, summary="疑似重复人员 / duplicate candidates")
def list_candidates(request, division: Blank(str) = None, status: Blank(str) = None, source: Blank(str) = None, limit: int = 50, offset: int = 0):
    actor = request.auth
    require(actor, Action.MERGE_PEOPLE)
    errors: dict = {}
    fields.window(limit, offset, errors)
    place = parse_division({"division": division or actor.division_id}, "division", errors, actor=actor)
    state = status or CandidateState.OPEN
    if state not in CandidateState.values:
        fields.add(errors, "status", f"应为 {' | '.join(CandidateState.values)} 之一 / must be one of {', '.join(CandidateState.values)}")
    if source and source not in SOURCES:
        fields.add(errors, "source", "应为 scan 或 import / must be scan or import")
    if errors:
        raise Invalid(errors)
    # The scan's pairs first (best first), then the held import rows (oldest batch first; open
    # only: a decided row is its batch's history, GET /imports/{id}).
    qs = queries.candidates(actor=actor, division=place, state=state) if source in (None, "", "scan") else queries.Candidate.objects.none()
    held = queries.held_rows(actor=actor, division=place) if source in (None, "", "import") and state == CandidateState.OPEN else queries.ImportHold.objects.none()
    n = qs.count()
    results = [candidate_out(c) for c in qs[offset: offset + limit]]
    if len(results) < limit:
        start = max(0, offset - n)
        results += [held_out(h) for h in held[start: start + limit - len(results)]]
    return {"count": n + held.count(), "results": results}


@router.post("/duplicates/held/{hold_id}/decide", response={200: HeldOut, **ERRORS}, summary="处理导入待定行（辖区外则申报到达） / take a held import row as the registered person or a new one (outside your area: claim her arrival)")
def decide_held(request, hold_id: int, payload: HeldDecisionIn):
    done = services_outside.take_held_row(actor=request.auth, hold_id=hold_id if 0 < hold_id < 2**63 else None, decision=payload.decision,
                                          person_id=payload.person_id, today=today(), now=now())
    h, c = done["hold"], done["claim"]
    return {"id": h.pk, "state": h.state, "person_id": h.person_id, "claim_id": getattr(c, "pk", None), "claim_state": getattr(c, "state", None)}


@router.post("/duplicates/outside/{twin_id}/claim", response={200: OutsideOut, **ERRORS}, summary="申报区外重复人员的到达 / claim the arrival of a record whose sure twin lives outside your area")
def claim_outside(request, twin_id: int):
    t = services_outside.claim_from_todo(actor=request.auth, twin_id=twin_id if 0 < twin_id < 2**63 else None, today=today(), now=now())
    return {"id": t.pk, "person_id": t.inside_id, "claim_id": t.claim_id, "claim_state": t.claim.state}


@router.post("/duplicates/{candidate_id}/merge", response={201: MergedOut, **ERRORS}, summary="合并两条记录 / merge the two records")
def merge(request, candidate_id: int, payload: MergeIn):
    m = services.merge_candidate(actor=request.auth, candidate_id=candidate_id if 0 < candidate_id < 2**63 else None, keep=payload.keep,
                                 open_residence=payload.open_residence, take=payload.take, today=today())
    return Status(201, {"merge_id": m.pk, "person_id": m.survivor_id})


@router.post("/duplicates/{candidate_id}/dismiss", response={200: CandidateOut, **ERRORS}, summary="不是同一人 / not the same person")
def dismiss(request, candidate_id: int):
    return candidate_out(services.dismiss_candidate(actor=request.auth, candidate_id=candidate_id if 0 < candidate_id < 2**63 else None, today=today()))


@router.get("/merges/{merge_id}", response={200: MergeOut, **ERRORS}, summary="合并记录 / a merge")
def get_merge(request, merge_id: int):
    return merge_out(queries.merge_of(actor=request.auth, merge_id=merge_id if 0 < merge_id < 2**63 else None))


@router.post("/merges/{merge_id}/undo", response={200: MergeOut, **ERRORS}, summary="撤销合并 / undo a merge")
def undo(request, merge_id: int):
    return merge_out(services.undo_merge(actor=request.auth, merge_id=merge_id if 0 < merge_id < 2**63 else None, today=today()))


# ---------------------------------------------------------------- R6: the review chain

class ReviewOut(Schema):
    id: int
    object: str = Field(description="person | arrival | move | return")
    person_id: int | None
    step: str = Field(description="等待的环节 / the step awaited: group_leader | police | township (empty when returned or approved)")
    status: str = Field(description="pending | returned | approved")
    reason: str | None = Field(None, description="退回原因 / why it was returned")


class ReviewPage(Schema):
    count: int
    results: list[ReviewOut]


class SignIn(Schema):
    decision: str = Text("approve | return", enum=["approve", "return"], required=True)
    reason: str | None = Text("退回原因（退回时必填） / why it is returned (required for a return)", 200)


def review_out(r) -> dict:
    out = {"id": r.pk, "object": r.object_type, "person_id": r.person_id, "step": r.step, "status": r.state}
    if r.reason and r.state == "returned":
        out["reason"] = r.reason
    return out


@router.get("/reviews", response={200: ReviewPage, **ERRORS}, exclude_unset=True, summary="待审核表单 / forms in the review chain (R6)")
def list_reviews(request, status: Blank(str) = None, division: Blank(str) = None, limit: int = 50, offset: int = 0):
    from . import queries_reviews
    from .choices import ReviewState

    actor = request.auth
    require(actor, Action.VIEW_PERSON)
    errors: dict = {}
    fields.window(limit, offset, errors)
    place = parse_division({"division": division or actor.division_id}, "division", errors, actor=actor)
    if status and status not in ReviewState.values:
        fields.add(errors, "status", f"应为 {' | '.join(ReviewState.values)} 之一 / must be one of {', '.join(ReviewState.values)}")
    if errors:
        raise Invalid(errors)
    qs = queries_reviews.reviews(actor=actor, division=place, on=today(), state=status or "")
    return {"count": qs.count(), "results": [review_out(r) for r in qs[offset: offset + limit]]}


@router.post("/reviews/{review_id}/sign", response={200: ReviewOut, **ERRORS}, exclude_unset=True, summary="签字或退回 / sign or return a form (R6)")
def sign_review(request, review_id: int, payload: SignIn):
    from . import services_reviews

    r = services_reviews.sign(actor=request.auth, review_id=review_id if 0 < review_id < 2**63 else None, decision=payload.decision,
                              reason=payload.reason or "", today=today(), now=now())
    return review_out(r)


@router.post("/reviews/{review_id}/resubmit", response={200: ReviewOut, **ERRORS}, exclude_unset=True, summary="更正后重新提交 / resubmit a returned form (R6)")
def resubmit_review(request, review_id: int):
    from . import services_reviews

    return review_out(services_reviews.resubmit(actor=request.auth, review_id=review_id if 0 < review_id < 2**63 else None, today=today()))


# ---------------------------------------------------------------- R7: back-checks

class DrawIn(Schema):
    division: str | None = Text("区划代码，默认本人所属区划 / division (default: yours)", 12)
    period: str = Text("月份 YYYY-MM / the month", 7, required=True, example="2026-10")
    seed: int | None = Field(None, description="随机种子；同一种子抽出同样的记录 / the seed: the same seed draws the same items")


class BackcheckItemOut(Schema):
    id: int
    person_id: int
    kind: str = Field(description="sample | rental_group | spot")
    collector_id: int | None
    village: str
    housing_id: int | None
    period: str
    result: str | None = Field(None, description="correct | corrected")
    fields: list[str] | None = None
    checked_on: datetime.date | None = None


class DrawOut(Schema):
    id: int
    division: str
    period: str
    seed: int
    sample_percent: int
    items: list[BackcheckItemOut]


class ResultIn(Schema):
    result: str = Text("correct | corrected", enum=["correct", "corrected"], required=True)
    fields: list[str] | None = Field(None, description="有误并已更正的字段 / the fields found wrong and corrected")
    checked_on: str = Field(..., description="复核日期 YYYY-MM-DD / the day of the re-visit")
    note: str | None = Text("说明 / note", 200)


class SpotIn(ResultIn):
    person_id: int = Field(..., description="人员编号 / person id")


class RateOut(Schema):
    who: str = Field(description="信息员账号或村居代码 / the collector's account or the village code")
    period: str
    checked: int
    corrected: int
    rate: float


def item_out(i) -> dict:
    out = {"id": i.pk, "person_id": i.person_id, "kind": i.kind, "collector_id": i.collector_id, "village": i.village, "housing_id": i.housing_id, "period": i.period}
    if i.result:
        out.update(result=i.result, fields=i.corrected_fields, checked_on=i.checked_on)
    return out


@router.post("/backchecks/draw", response={201: DrawOut, **ERRORS}, exclude_unset=True, summary="抽取本月复核记录 / draw a month's back-checks (R7)")
def draw_backchecks(request, payload: DrawIn):
    from . import services_backchecks

    data = payload.model_dump()
    data["division"] = data.get("division") or request.auth.division_id
    d = services_backchecks.draw(actor=request.auth, data=data, today=today())
    return Status(201, {"id": d.pk, "division": d.division, "period": d.period, "seed": d.seed, "sample_percent": d.sample_percent,
                        "items": [item_out(i) for i in d.items.order_by("id")]})


@router.post("/backchecks/spot", response={201: BackcheckItemOut, **ERRORS}, exclude_unset=True, summary="突击抽查 / an unannounced spot check (R7)")
def spot(request, payload: SpotIn):
    from . import services_backchecks

    return Status(201, item_out(services_backchecks.spot_check(actor=request.auth, data=payload.model_dump(), today=today())))


@router.post("/backchecks/{backcheck_id}/result", response={200: BackcheckItemOut, **ERRORS}, exclude_unset=True, summary="复核结果 / the result of a back-check (R7)")
def backcheck_result(request, backcheck_id: int, payload: ResultIn):
    from . import services_backchecks

    item = services_backchecks.record_result(actor=request.auth, item_id=backcheck_id if 0 < backcheck_id < 2**63 else None, data=payload.model_dump(), today=today())
    return item_out(item)


@router.get("/backchecks/rates", response={200: list[RateOut], **ERRORS}, summary="差错率 / error rate per collector or village by month (R7)")
def backcheck_rates(request, division: Blank(str) = None, by: Blank(str) = None):
    from . import services_backchecks

    require(request.auth, Action.RUN_BACKCHECKS)
    errors: dict = {}
    place = parse_division({"division": division or request.auth.division_id}, "division", errors, actor=request.auth)
    if by not in (None, "collector", "village"):
        fields.add(errors, "by", "应为 collector 或 village / must be collector or village")
    if errors:
        raise Invalid(errors)
    return services_backchecks.error_rates(actor=request.auth, division=place, by=by or "collector")


# ---------------------------------------------------------------- R9: reconciliation of births

class ReconIn(Schema):
    division: str = Text("乡镇区划代码 / the township", 12, required=True)
    period: str = Text("月份 YYYY-MM / the month", 7, required=True)
    source: str = Text("immunisation | police", enum=["immunisation", "police"], required=True)
    file_name: str | None = Text("文件名 / file name", 200)
    data: str = Field(..., description="文件内容（.xlsx 或 .csv），Base64 / the file (.xlsx or .csv), base64")
    mapping: dict | None = Field(None, description='列映射，保存后同一来源沿用 / column mapping, saved for the source: {"name","sex","birth_date","mother_name","id_number"} → header')


class ReconItemOut(Schema):
    id: int
    side: str = Field(description="source_only（名单有、系统无）| registry_only（系统有、名单无）")
    person_id: int | None
    row: int | None
    name: str
    sex: str
    birth_date: datetime.date | None
    resolved_on: datetime.date | None
    todo: str = Field(description="待办 / what the clerk does")
    href: str = Field(description="处理的页面 / where it is resolved")


class ReconOut(Schema):
    id: int
    division: str
    period: str
    source: str
    rows: int
    items: list[ReconItemOut]


def recon_item_out(i) -> dict:
    if i.side == "source_only":
        todo, href = "核实后登记该新生儿 / verify and register the child", "/people/new/"
    else:
        todo, href = "向卫生院或派出所核实该出生 / verify this birth with the clinic or the police", f"/people/{i.person_id}/"
    return {"id": i.pk, "side": i.side, "person_id": i.person_id, "row": i.row_number, "name": i.name, "sex": i.sex, "birth_date": i.birth_date,
            "resolved_on": i.resolved_on, "todo": todo, "href": href}


@router.post("/reconciliations", response={201: ReconOut, **ERRORS}, summary="出生信息核对 / reconcile a source's births with the registry (R9)")
def reconcile(request, payload: ReconIn):
    import base64
    import binascii

    from . import services_recon

    require(request.auth, Action.HANDLE_CASES)  # the role first: a refused role learns nothing of the body
    try:
        raw = base64.b64decode("".join(payload.data.split()), validate=True)
    except (binascii.Error, ValueError):
        raise Invalid({"data": ["不是有效的 Base64 / not valid base64"]}) from None
    run = services_recon.reconcile(actor=request.auth, data=payload.model_dump(exclude={"data"}), fileobj=services_recon.file_from_bytes(raw, payload.file_name or ""),
                                   file_name=payload.file_name or "", today=today())
    return Status(201, {"id": run.pk, "division": run.division, "period": run.period, "source": run.source, "rows": run.rows,
                        "items": [recon_item_out(i) for i in run.items.all()]})


@router.post("/reconciliations/items/{todo_id}/resolve", response={200: ReconItemOut, **ERRORS}, summary="核对事项已处理 / mark a to-do done (R9)")
def resolve(request, todo_id: int):
    from . import services_recon

    return recon_item_out(services_recon.resolve_item(actor=request.auth, item_id=todo_id if 0 < todo_id < 2**63 else None, today=today()))
