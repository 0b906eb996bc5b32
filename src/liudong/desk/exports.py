"""Q8: the query register printed by date range as an export job (liudong.jobs), as registers/exports.py
does for the inflow and outflow registers: a year of a busy desk (50,000 requests, some 2,000 pages)
is drawn in the background with a progress bar instead of holding a web request for tens of seconds.
Found by JobsConfig.ready (autodiscovery of `exports` modules).

The job is made as the officer who asked, with the rights she has when the worker runs it: the
query desk's role (TAKE_QUERIES) and the same desk (the register is the desk's own, Q7: the desk
that took a request keeps it). Whoever passes the same check may fetch the file, i.e. the officers
of that desk; to everyone else the job does not exist (404). The file lists the requests (requester,
reason, documents, the subjects' names and sex, the result), never an answer's personal data (Q4).
"""
import datetime

from liudong import fields
from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.errors import Invalid, NotFound
from liudong.jobs import kinds

from . import documents

KIND = "query_register"
TITLE = documents.RegisterSheet.title
MAX_PERIOD_DAYS = 366 * 5  # a register is printed a year at a time; five years is past any retention


def period(data, *, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """Q8: the date range of a printed register (both days included), every field error at once."""
    errors: dict = {}
    start = fields.date(data, "start", errors, required=True, today=today)
    end = fields.date(data, "end", errors, required=True, today=today)
    if start and end:
        if start > end:
            fields.add(errors, "end", "结束日期早于开始日期 / the end is before the start")
        elif (end - start).days > MAX_PERIOD_DAYS:
            fields.add(errors, "end", "期间最长 5 年 / a period is at most 5 years")
    if errors:
        raise Invalid(errors)
    return start, end


def _prepare(actor, params: dict) -> kinds.Prepared:
    require(actor, Action.TAKE_QUERIES)
    division = str(params.get("division") or actor.division_id)
    if division != actor.division_id:
        raise NotFound("导出任务不存在或不属于您 / no such export job of yours")  # another desk's register (invariant 2)
    start, end = period(params)
    sheet = documents.RegisterSheet(actor.division, start, end)
    return kinds.Prepared(params={"division": division, "start": start.isoformat(), "end": end.isoformat()}, title=sheet.heading)


def _build(actor, params: dict, fmt: str, path, progress, generated_on) -> kinds.Built:
    start, end = period(params)
    rows = documents.register_rows(actor=actor, start=start, end=end, today=generated_on, progress=progress)
    documents.draw_register(documents.RegisterSheet(actor.division, start, end), rows, generated_on=generated_on, out=path, progress=progress)
    return kinds.Built(rows=len(rows), person_ids=sorted({p for r in rows for p in r["person_ids"]}), audit_action="inquiry.print.register",
                       audit_object=("inquiry", f"register:{actor.division_id}"), audit_fields={"start": start.isoformat(), "end": end.isoformat()})


def _file_name(params: dict, fmt: str) -> tuple[str, str]:
    return f"query-register-{params['start']}-{params['end']}.{fmt}", f"{TITLE}_{params['start']}_{params['end']}.{fmt}"


kinds.register(kinds.ExportKind(code=KIND, label=TITLE, formats=("pdf",), prepare=_prepare, build=_build, file_name=_file_name))
