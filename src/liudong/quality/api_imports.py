"""Imports from other systems (issue 15 part 4):

    GET  /import-mappings                              → {"count","results":[mapping]} (yours and your divisions' above)
    POST /import-mappings {"source","mapping","values"?} → 201 the mapping ({field: the file's column header},
                                                          values: {field: {the source's value: ours}})
    PUT  /import-mappings/{id} {"source","mapping","values"?} → the mapping (your division's own)
    POST /imports {"file_name","data","mapping_id"?,"mapping"?,"good_rows_only"?} → 201 the batch, or 202 the
                                                          background job of a file of more than MAX_ROWS rows
    GET  /imports?limit=&offset=                       → {"count","results":[batch]}
    GET  /imports/{id}                                 → the batch, with its refused rows and held rows
    POST /imports/{id}/rollback                        → the batch, "state": "rolled_back"
    POST /import-holds/{id}/decide {"decision": "existing"|"new", "person_id"?} → the held row

A file is sent as base64 (as /reconciliations takes one) and imported at once, as the import page
does, up to people.imports.files.MAX_ROWS rows; a longer one (up to MAX_JOB_ROWS) is kept and
imported by a background job (202 with the job: GET /exports/{id} for its progress; when it is
done, GET /imports?job={id} gives the batch it wrote (its "job_id"), and the job's file is the report). A file whose bad rows stop it (without
good_rows_only) is a 422 naming every bad row; nothing is written. Checks are in
quality.services_imports: 403 without the import's rights, 404 for "absent or not yours", 422 with
bilingual field errors, nothing written on an error.
"""
import base64
import binascii
import datetime
import io

from ninja import Field, Router, Schema, Status

from liudong import fields
from liudong.api_schemas import ERRORS, Text
from liudong.clock import today  # the edge's one reading of the clock (invariant 4)
from liudong.clock import now as clock_now
from liudong.errors import Invalid
from liudong.jobs.api import ExportJobOut, job_out

from . import services_imports as imports
from . import services_outside
from .models import ImportBatch

router = Router(tags=["quality"])


class MappingIn(Schema):
    source: str = Text("来源系统名称 / the source system's name", imports.SOURCE_MAX, required=True, example="公安人口信息系统")
    mapping: dict = Field(..., description=f"{{字段: 文件列名}} / {{field: the file's column header}}; fields: {', '.join(imports.MAPPABLE)}",
                          examples=[{"id_number": "公民身份号码", "name": "姓名", "hukou_division": "户籍地行政区划"}])
    values: dict = Field({}, description=f"取值映射 {{字段: {{来源取值: 本系统取值}}}}，未列出的取值使该行被拒 / value mappings "
                                         f"{{field: {{the source's value: ours}}}}; a value not listed refuses its row; fields: {', '.join(imports.VALUE_FIELDS)}",
                         examples=[{"sex": {"1": "男", "2": "女"}, "education": {"A": "20", "B": "30"}}])


class MappingOut(Schema):
    id: int
    source: str
    division: str = Field(description="所属区划 / owner division")
    mapping: dict
    values: dict = Field(description="取值映射 / value mappings {field: {the source's value: ours}}")
    saved_on: datetime.date


class MappingPage(Schema):
    count: int
    results: list[MappingOut]


class ImportIn(Schema):
    file_name: str | None = Text("文件名 / file name", 200)
    data: str = Field(..., description="文件内容（.xlsx 或 .csv），Base64 / the file (.xlsx or .csv), base64")
    mapping_id: int | None = Field(None, description="已保存的列映射 / a saved column mapping")
    mapping: dict | None = Field(None, description="本次使用的列映射（不保存） / a mapping for this file only (not saved)")
    good_rows_only: bool = Field(False, description="只导入无误的行 / import the good rows, refuse the bad ones")


class RefusedRowOut(Schema):
    row: int
    messages: list[str]


class HoldOut(Schema):
    id: int
    batch_id: int
    row: int = Field(description="文件中的行号 / the row number in the file")
    state: str = Field(description="open | existing | new | withdrawn")
    person_ids: list[int] = Field(description="疑似同一人的已登记人员 / registered people it may be")
    person_id: int | None = Field(description="处理结果 / the person it became")
    data: dict = Field(description="该行内容 / the row as read")
    decided_on: datetime.date | None


class BatchOut(Schema):
    id: int
    state: str = Field(description="done | rolled_back")
    source: str
    file_name: str
    imported_on: datetime.date
    rollback_due_on: datetime.date = Field(description="可整体撤销的最后一天 / the last day it can be rolled back")
    rows: int
    created: int = Field(description="新建人员 / new people")
    matched: int = Field(description="按证件号码匹配 / matched by document")
    held: int = Field(description="待定（疑似重复） / uncertain, held for a clerk")
    refused: int = Field(description="拒绝的行 / refused rows")
    residences: int
    refused_rows: list[RefusedRowOut]
    holds: list[HoldOut]
    rolled_back_on: datetime.date | None
    rollback_report: dict
    job_id: int | None = Field(description="导入该批次的后台任务 / the background job that imported it")


class BatchPage(Schema):
    count: int
    results: list[BatchOut]


class HoldDecisionIn(Schema):
    decision: str = Text("existing（即该已登记人员） | new（新人员） / existing (that registered person) | new (a new person)", 10, enum=["existing", "new"], required=True)
    person_id: int | None = Field(None, description="decision=existing 时：哪一位 / with existing: which of person_ids")


def mapping_out(m) -> dict:
    return {"id": m.pk, "source": m.source, "division": m.division, "mapping": m.mapping, "values": m.values or {}, "saved_on": m.saved_on}


def hold_out(h) -> dict:
    return {"id": h.pk, "batch_id": h.batch_id, "row": h.row_number, "state": h.state, "person_ids": h.candidates, "person_id": h.person_id,
            "data": h.data, "decided_on": h.decided_on}


def batch_out(b, *, on: datetime.date, holds: bool = True) -> dict:
    return {"id": b.pk, "state": b.state, "source": b.source, "file_name": b.file_name, "imported_on": b.imported_on,
            "rollback_due_on": b.imported_on + datetime.timedelta(days=imports.window_days(b, on)), "rows": b.rows, "created": b.created,
            "matched": b.matched, "held": b.held, "refused": b.refused, "residences": b.residences,
            "refused_rows": [{"row": n, "messages": m} for n, m in b.refused_rows], "holds": [hold_out(h) for h in b.holds.all()] if holds else [],
            "rolled_back_on": b.rolled_back_on, "rollback_report": b.rollback_report, "job_id": b.job}


def _id(raw: int):
    return raw if 0 < raw < 2**63 else None


@router.get("/import-mappings", response={200: MappingPage, **ERRORS}, summary="导入列映射 / saved column mappings of people imports")
def list_mappings(request):
    imports._require(request.auth)
    qs = imports.usable_mappings(actor=request.auth)
    return {"count": qs.count(), "results": [mapping_out(m) for m in qs]}


@router.post("/import-mappings", response={201: MappingOut, **ERRORS}, summary="保存来源的列映射 / save a source's column mapping")
def create_mapping(request, payload: MappingIn):
    return Status(201, mapping_out(imports.save_mapping(actor=request.auth, data=payload.model_dump(), today=today())))


@router.put("/import-mappings/{mapping_id}", response={200: MappingOut, **ERRORS}, summary="修改列映射 / edit a column mapping")
def edit_mapping(request, mapping_id: int, payload: MappingIn):
    return mapping_out(imports.save_mapping(actor=request.auth, data=payload.model_dump(), today=today(), mapping_id=_id(mapping_id) or 0))


@router.post("/imports", response={201: BatchOut, 202: ExportJobOut, **ERRORS},
             summary="导入人员文件（按证件与同音姓名匹配；长文件在后台导入） / import a file of people, matched by document and same-sound name (a long one in the background)")
def start_import(request, payload: ImportIn):
    imports._require(request.auth)  # the role first: a refused role learns nothing of the body
    try:
        raw = base64.b64decode("".join(payload.data.split()), validate=True)
    except (binascii.Error, ValueError):
        raise Invalid({"data": ["不是有效的 Base64 / not valid base64"]}) from None
    on = today()
    fileobj = io.BytesIO(raw)
    if imports.needs_job(fileobj):
        job = imports.queue_import(actor=request.auth, fileobj=fileobj, name=payload.file_name or "", today=on, now=clock_now(),
                                   good_rows_only=payload.good_rows_only, mapping_id=payload.mapping_id)
        return Status(202, job_out(job))
    result = imports.import_file(actor=request.auth, fileobj=fileobj, name=payload.file_name or "", today=on,
                                 good_rows_only=payload.good_rows_only, mapping_id=payload.mapping_id, mapping=payload.mapping)
    if result.batch_id is None:
        messages = [m for n in result.bad_rows for m in result.row_messages(n)]
        raise Invalid({"rows": messages[:1000] + [f"未导入任何行（共 {result.rows} 行，{result.bad} 行有错） / nothing was imported ({result.rows} rows, {result.bad} bad)"]})
    return Status(201, batch_out(ImportBatch.objects.get(pk=result.batch_id), on=on))


@router.get("/imports", response={200: BatchPage, **ERRORS}, summary="导入批次 / import batches of your area")
def list_batches(request, limit: int = 50, offset: int = 0, job: int | None = None):
    imports._require(request.auth)
    errors: dict = {}
    fields.window(limit, offset, errors)
    if errors:
        raise Invalid(errors)
    qs = imports.batches(actor=request.auth)
    if job is not None:
        qs = qs.filter(job=job)
    on = today()
    return {"count": qs.count(), "results": [batch_out(b, on=on, holds=False) for b in qs[offset: offset + limit]]}


@router.get("/imports/{batch_id}", response={200: BatchOut, **ERRORS}, summary="导入批次 / an import batch")
def get_batch(request, batch_id: int):
    return batch_out(imports.batch_of(actor=request.auth, batch_id=_id(batch_id)), on=today())


@router.post("/imports/{batch_id}/rollback", response={200: BatchOut, **ERRORS}, summary="整批撤销 / roll the whole batch back")
def rollback(request, batch_id: int):
    on = today()
    return batch_out(imports.rollback(actor=request.auth, batch_id=_id(batch_id), today=on), on=on)


@router.post("/import-holds/{hold_id}/decide", response={200: HoldOut, **ERRORS}, summary="处理待定行 / take a held row as the registered person or as a new one")
def decide(request, hold_id: int, payload: HoldDecisionIn):
    # A candidate outside the caller's area is claimed, not refused (as POST /duplicates/held/{id}/decide).
    return hold_out(services_outside.take_held_row(actor=request.auth, hold_id=_id(hold_id), decision=payload.decision, person_id=payload.person_id,
                                                   today=today(), now=clock_now())["hold"])
