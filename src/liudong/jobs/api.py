"""Export jobs through the API: ask for a large file, watch its progress, fetch it, or cancel it.

    POST /exports {"kind": "inflow_register", "format": "pdf", "parameters": {"division", "start", "end"}}
      → 201 the job, "state": "queued"
    GET  /exports                     your jobs, newest first ({"count", "results"})
    GET  /exports/{id}                 the job: "state" queued | running | done | failed | cancelled | expired, "progress" 0-100
    GET  /exports/{id}/file            the file, once "state" is "done" (logged with the persons in it)
    POST /exports/{id}/cancel          stop your queued or running job

A job is made as the one who asked; its file may be fetched by whoever may make the same export in
the same scope; to anyone else it is a 404 (liudong.jobs.services).
"""
import datetime

from django.http import FileResponse
from ninja import Field, Router, Schema, Status

from liudong import fields
from liudong.api_schemas import ERRORS
from liudong.api_schemas import file_response as file_response_doc
from liudong.clock import now, today  # the edge's reading of the clock (invariant 4)
from liudong.errors import Invalid, NotFound

from . import kinds, services
from .models import ExportJob

router = Router(tags=["exports"])

MAX_ID = 10**18


class ExportJobIn(Schema):
    kind: str = Field(..., description="导出类型 / what to export: inflow_register | outflow_register")
    format: str = Field(..., description="pdf | xlsx")
    parameters: dict = Field(default_factory=dict, description='该类型的参数；登记册：{"division": "440305001000", "start": "2026-01-01", "end": "2026-11-28"}（区划默认本人所属区划） / the kind\'s parameters; a register: division (default: yours), start, end')


class ExportJobOut(Schema):
    id: int
    kind: str
    format: str
    parameters: dict
    title: str
    owner_id: int
    state: str = Field(description="queued 排队中 | running 正在生成 | done 已完成 | failed 失败 | cancelled 已取消 | expired 已过保存期限")
    progress: int = Field(description="0-100；运行中至少每 2 秒更新 / 0-100, updated at least every 2 s while running")
    rows_done: int
    rows_total: int | None
    message: str = Field(description="失败或取消的原因 / why it failed or stopped")
    requested_on: datetime.date = Field(description="申请日期，即文件的制表日期 / the day asked, the file's date")
    requested_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    file_name: str | None
    file_size: int | None
    file_url: str | None = Field(description="完成后的下载地址 / where to fetch the file once done")
    delete_due_on: datetime.date | None = Field(description="文件删除日期（保存期限 export_retention_days） / the day the file is deleted")


class ExportJobPage(Schema):
    count: int
    results: list[ExportJobOut]


def job_out(job: ExportJob) -> dict:
    done = job.state == "done"
    return {
        "id": job.pk, "kind": job.kind, "format": job.format, "parameters": job.params, "title": job.title, "owner_id": job.owner_id,
        "state": job.state, "progress": job.progress, "rows_done": job.rows_done, "rows_total": job.rows_total, "message": job.message,
        "requested_on": job.requested_on, "requested_at": job.requested_at, "started_at": job.started_at, "finished_at": job.finished_at,
        "file_name": job.file_name if done else None, "file_size": job.file_size if done else None,
        "file_url": f"/api/v1/exports/{job.pk}/file" if done else None, "delete_due_on": services.delete_due_on(job),
    }


def _id(job_id: int) -> int:
    if not 1 <= job_id <= MAX_ID:
        raise NotFound(services.NOT_FOUND)
    return job_id


@router.post("/exports", response={201: ExportJobOut, **ERRORS}, summary="申请后台导出 / ask for an export made in the background")
def create_export(request, payload: ExportJobIn):
    job = services.request_export(actor=request.auth, kind=payload.kind, format=payload.format, params=payload.parameters, today=today(), now=now())
    return Status(201, job_out(job))


@router.get("/exports", response={200: ExportJobPage, **ERRORS}, summary="我的导出任务 / your export jobs")
def list_exports(request, limit: int = 50, offset: int = 0):
    errors = {}
    fields.window(limit, offset, errors)
    if errors:
        raise Invalid(errors)
    qs = services.jobs_of(actor=request.auth).select_related("owner")
    return {"count": qs.count(), "results": [job_out(j) for j in qs[offset: offset + limit]]}


@router.get("/exports/{job_id}", response={200: ExportJobOut, **ERRORS}, summary="导出任务与进度 / an export job and its progress")
def get_export(request, job_id: int):
    return job_out(services.job_for(actor=request.auth, job_id=_id(job_id)))


@router.get("/exports/{job_id}/file", response={401: ERRORS[401], 403: ERRORS[403], 404: ERRORS[404], 422: ERRORS[422]},
            openapi_extra=file_response_doc("文件 / the file", *kinds.FORMATS.values()),
            summary="下载导出文件 / fetch the finished file (logged)")
def export_file(request, job_id: int):
    job, path = services.open_file(actor=request.auth, job_id=_id(job_id))
    return file_response(job, path)


@router.post("/exports/{job_id}/cancel", response={200: ExportJobOut, **ERRORS}, summary="取消导出任务 / cancel your queued or running job")
def cancel_export(request, job_id: int):
    return job_out(services.cancel_export(actor=request.auth, job_id=_id(job_id), now=now()))


def file_response(job: ExportJob, path) -> FileResponse:
    """The file under its Chinese name (RFC 6266 filename*, with an ASCII fallback); a PDF opens in
    the browser to be printed, a spreadsheet is downloaded; never kept in shared caches."""
    from urllib.parse import quote

    kind = kinds.get(job.kind)
    ascii_name, name = kind.file_name(job.params, job.format) if kind else (f"export-{job.pk}.{job.format}", job.file_name)
    response = FileResponse(open(path, "rb"), content_type=job.content_type or kinds.FORMATS.get(job.format, "application/octet-stream"))
    disposition = "inline" if job.format == "pdf" else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
    response["Cache-Control"] = "no-store"
    return response
