"""Issue 15 part 4: a people file longer than the request takes (more than
people.imports.files.MAX_ROWS rows) imported as a background job, on liudong.jobs' queue like the
duplicate scan (quality/exports.py). Registered by QualityConfig.ready.

`services_imports.queue_import` keeps the uploaded file (upload_dir) and asks for the job; the
worker runs `services_imports.import_file` on it as the one who asked, with the job's limits (up to
files.MAX_JOB_ROWS rows): every check, the matching, the batch, all or nothing as on the page. The
job's bar moves while the file is read and the rows are checked; the import's own writes are one
transaction, which also writes the job's progress just before it commits, so a job cancelled (or
taken over by another worker) meanwhile writes nothing. The job's file is the import's report
(.xlsx: the counts, the refused rows with their reasons); the batch, when rows were written, names
the job (ImportBatch.job) and the job's page (views_imports.job_page) turns into the batch's.

Rights: whoever may import (REGISTER_PERSON and RECORD_RESIDENCE) and use the mapping chosen;
checked when asked, when the worker starts, and for each read of the job (jobs.services.may_read).
"""
import datetime
import re

from openpyxl import Workbook

from liudong.errors import Invalid
from liudong.jobs import kinds

from . import services_imports as imports

TITLE = "人员导入"
STORED = re.compile(r"^[0-9a-f]{32}\.(csv|xlsx)$")


def _prepare(actor, params: dict) -> kinds.Prepared:
    imports._require(actor)
    stored = str(params.get("stored") or "")
    if not STORED.match(stored):
        raise Invalid({"file": ["上传的文件无效 / no such uploaded file"]})
    mapping_id = params.get("mapping_id")
    if mapping_id is not None:
        imports.mapping_of(actor=actor, mapping_id=mapping_id)
    name = str(params.get("file_name") or "")[:200]
    return kinds.Prepared(params={"stored": stored, "file_name": name, "good_rows_only": bool(params.get("good_rows_only")),
                                  "mapping_id": mapping_id, "source": str(params.get("source") or "")[:imports.SOURCE_MAX]},
                          title=f"{TITLE} {name}".strip()[:200])


def _build(actor, params: dict, fmt: str, path, progress, generated_on: datetime.date) -> kinds.Built:
    source = imports.upload_dir() / params["stored"]
    if not source.exists():
        raise Invalid({"file": ["上传的文件已不在，请重新上传 / the uploaded file is gone: upload it again"]})
    try:
        with open(source, "rb") as fh:
            result = imports.import_file(actor=actor, fileobj=fh, name=params["file_name"], today=generated_on, good_rows_only=params["good_rows_only"],
                                         mapping_id=params["mapping_id"], source=params["source"], background=True, progress=progress,
                                         job=getattr(progress, "job_id", None))
    finally:
        source.unlink(missing_ok=True)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("导入结果")
    sheet.append(["文件", params["file_name"]])
    sheet.append(["是否写入", "是 / written" if result.written else "否：有错误行，未导入任何行 / no: bad rows stopped the file"])
    sheet.append(["导入批次", result.batch_id or ""])
    for label, value in (("数据行", result.rows), ("新建人员", result.created), ("按证件匹配", result.matched), ("待定", result.held),
                         ("居住登记", result.residences), ("有错的行", result.bad)):
        sheet.append([label, value])
    sheet.append([])
    sheet.append(["行号", "原因"])
    for n in result.bad_rows:
        sheet.append([n, "；".join(result.row_messages(n))])
    book.save(path)
    return kinds.Built(rows=result.rows, person_ids=[], audit_action="import.job_report", audit_object=("import_batch", str(result.batch_id or "")),
                       audit_fields={"file": params["file_name"], "written": result.written, "rows": result.rows, "bad": result.bad})


def file_name(params: dict, fmt: str) -> tuple[str, str]:
    return f"import-report.{fmt}", f"{TITLE}结果_{params.get('file_name') or ''}.{fmt}"


KIND = kinds.register(kinds.ExportKind(code=imports.JOB_KIND, label=TITLE, formats=("xlsx",), prepare=_prepare, build=_build, file_name=file_name))
