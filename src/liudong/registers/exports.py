"""R3: the inflow and outflow registers as export jobs (liudong.jobs): a register of any size, made
in the background with progress, as .xlsx or PDF. Found by JobsConfig.ready (autodiscovery of
`exports` modules).

The job is made as the one who asked, with the rights she has when the worker runs it
(EXPORT_REGISTERS, the division in her scope, invariant 2). Its file may be fetched by whoever
may export the same register of the same division and period (the same check). Made files are
logged as the register exports made at once are ("register.export_xlsx" / "register.print_pdf",
with every person in them, invariant 3); each download is logged again by liudong.jobs.
"""
from liudong.accounts.choices import Action
from liudong.errors import Invalid
from liudong.jobs import kinds

from . import documents, pdf, queries

KIND_OF = {"inflow_register": "inflow", "outflow_register": "outflow"}
LIMITS = {"xlsx": documents.XLSX_MAX_ROWS, "pdf": documents.PDF_MAX_ROWS}


def _request(actor, code: str, params: dict) -> queries.RegisterRequest:
    return queries.parse(actor=actor, action=Action.EXPORT_REGISTERS, kind=KIND_OF[code], division=params.get("division"),
                         start=params.get("start"), end=params.get("end"))


def _prepare(code):
    def prepare(actor, params: dict) -> kinds.Prepared:
        req = _request(actor, code, params)
        return kinds.Prepared(params={"division": req.division.code, "start": req.start.isoformat(), "end": req.end.isoformat()}, title=req.heading)
    return prepare


def _build(code):
    def build(actor, params: dict, fmt: str, path, progress, generated_on) -> kinds.Built:
        req = _request(actor, code, params)
        count = queries.residences(req).count()
        if count > LIMITS[fmt]:
            zh, en = ("请导出 Excel，或缩小区划或期间", "export .xlsx, or choose a smaller division or a shorter period") if fmt == "pdf" else ("请缩小区划或期间", "choose a smaller division or a shorter period")
            raise Invalid({"division": [f"该登记册有 {count} 条，{fmt.upper()} 最多 {LIMITS[fmt]} 条，{zh} / the register has {count} rows, at most {LIMITS[fmt]} fit a {fmt.upper()}: {en}"]})
        rows = queries.all_rows(req, progress=progress)
        if fmt == "xlsx":
            documents.build_xlsx(req, rows, generated_on=generated_on, out=path, progress=progress)
            action = "register.export_xlsx"
        else:
            pdf.build_pdf(req, rows, generated_on=generated_on, out=path, progress=progress)
            action = "register.print_pdf"
        return kinds.Built(
            rows=len(rows), person_ids=queries.person_ids(rows), audit_action=action,
            audit_object=("register", f"{req.kind}:{req.division.code}"), audit_fields={**req.params(), "columns": [c.key for c in req.columns]},
        )
    return build


def _file_name(code):
    def file_name(params: dict, fmt: str) -> tuple[str, str]:
        period = f"{params['start']}_{params['end']}"
        from liudong.divisions.models import Division

        name = Division.objects.filter(code=params["division"]).values_list("name", flat=True).first() or params["division"]
        kind = KIND_OF[code]
        return f"register-{kind}-{params['division']}-{period}.{fmt}", f"{name}_{queries.TITLES[kind]}_{period}.{fmt}"
    return file_name


for _code, _kind in KIND_OF.items():
    kinds.register(kinds.ExportKind(
        code=_code, label=queries.TITLES[_kind], formats=("xlsx", "pdf"),
        prepare=_prepare(_code), build=_build(_code), file_name=_file_name(_code),
    ))
