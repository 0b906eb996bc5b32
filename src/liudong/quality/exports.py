"""R8: the scan of a division for duplicates, as a background job (liudong.jobs; found by
JobsConfig.ready). It reads the division's people with progress, runs quality.dedup, keeps the
pairs as candidates for review (quality.services.store_candidates), turns a sure twin outside the
caller's scope into an arrival claim (quality.services_outside) and leaves the list as .xlsx (the
pairs inside the division only: nothing of a record outside the caller's scope).

Whoever may merge people in that division may start it and fetch its file (MERGE_PEOPLE, the
division in her scope, checked again when the worker runs it)."""
import datetime

from openpyxl import Workbook

from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.divisions.queries import parse_division
from liudong.errors import Invalid
from liudong.jobs import kinds
from liudong.people.models import Person

from . import dedup, queries, services, services_outside

KIND = "duplicate_scan"
TITLE = "疑似重复人员"


def _prepare(actor, params: dict) -> kinds.Prepared:
    require(actor, Action.MERGE_PEOPLE)
    data = {"division": params.get("division") or getattr(actor, "division_id", "")}
    errors: dict = {}
    division = parse_division(data, "division", errors, actor=actor)
    if errors:
        raise Invalid(errors)
    return kinds.Prepared(params={"division": division.code}, title=f"{division.name} {TITLE}查找")


def _build(actor, params: dict, fmt: str, path, progress, generated_on: datetime.date) -> kinds.Built:
    code = params["division"]
    rows = queries.rows_of(code, progress=progress)
    found = dedup.find_duplicates(rows, progress=lambda done, total: progress(done, total))
    services.store_candidates(actor=actor, division=code, found=found, today=generated_on)
    # A sure twin outside the caller's scope: an arrival claim, never a silent merge (services_outside).
    now = getattr(progress, "now", None)
    if now is not None:
        services_outside.claim_outside_twins(actor=actor, division=code, today=generated_on, now=now())
    progress(len(found), len(found) or 1, force=True)
    names = {}
    ids = sorted({a for a, _, _ in found} | {b for _, b, _ in found})
    for start in range(0, len(ids), 5000):
        names.update(Person.objects.filter(pk__in=ids[start:start + 5000]).values_list("pk", "name"))
    book = Workbook(write_only=True)
    sheet = book.create_sheet(TITLE)
    sheet.append(["人员甲编号", "人员甲姓名", "人员乙编号", "人员乙姓名", "相似度"])
    for a, b, s in found:
        sheet.append([a, names.get(a, ""), b, names.get(b, ""), s])
    book.save(path)
    return kinds.Built(rows=len(found), person_ids=ids, audit_action="duplicates.scan_file", audit_object=("division", code),
                       audit_fields={"division": code, "people": len(rows)})


def file_name(params: dict, fmt: str) -> tuple[str, str]:
    return f"duplicates-{params['division']}.{fmt}", f"{params['division']}_{TITLE}.{fmt}"


kinds.register(kinds.ExportKind(code=KIND, label=f"{TITLE}查找", formats=("xlsx",), prepare=_prepare, build=_build, file_name=file_name))
