"""C1: a township's certificates of a year printed in one PDF (booklets, WeasyPrint), as an export
job (liudong.jobs) with progress. Found by JobsConfig.ready (autodiscovery of `exports` modules).

Made as the one who asked, with the rights she has when the worker runs it (VIEW_CERTIFICATES,
the division in her scope); fetched by whoever may make the same batch. The file is logged with
every woman in it (invariant 3); each download again by liudong.jobs.
"""
from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.codes import Level
from liudong.divisions.queries import in_range, parse_division
from liudong.errors import Invalid
from liudong.jobs import kinds

BATCH_MAX = 5000
BATCH_CHUNK = 50


def _request(actor, params: dict):
    require(actor, Action.VIEW_CERTIFICATES)
    errors: dict = {}
    division = parse_division(params, "division", errors, actor=actor)
    year = params.get("year")
    try:
        year = int(year)
        if not 2009 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        errors["year"] = ["年份应为 2009 至 2100 的整数 / the year must be a whole number from 2009 to 2100"]
    if division is not None and division.level != Level.TOWNSHIP and "division" not in errors:
        errors["division"] = ["请选择发证乡镇（街道） / choose the issuing township"]
    if errors:
        raise Invalid(errors)
    return division, year


def _certificates_of(actor, division, year: int):
    from .queries import _visible

    return _visible(actor).filter(in_range("township_id", division.code), year=year).select_related("person", "township").order_by("sequence")


def _prepare(actor, params: dict) -> kinds.Prepared:
    division, year = _request(actor, params)
    return kinds.Prepared(params={"division": division.code, "year": year}, title=f"{division.name} {year}年 婚育证明（批量打印）")


def _build(actor, params: dict, fmt: str, path, progress, generated_on) -> kinds.Built:
    from . import documents

    division, year = _request(actor, params)
    certs = list(_certificates_of(actor, division, year)[: BATCH_MAX + 1])
    if len(certs) > BATCH_MAX:
        raise Invalid({"year": [f"一次最多打印 {BATCH_MAX} 份 / at most {BATCH_MAX} certificates in one file"]})
    progress(0, len(certs), stage="read")
    path.write_bytes(documents.certificates_pdf(certs, printed_on=generated_on, progress=progress))
    progress(len(certs), len(certs))
    return kinds.Built(rows=len(certs), person_ids=[c.person_id for c in certs], audit_action="certificate.batch_print",
                       audit_object=("certificate_batch", f"{division.code}:{year}"), audit_fields={"division": division.code, "year": year})


def _file_name(params: dict, fmt: str) -> tuple[str, str]:
    from liudong.divisions.models import Division

    name = Division.objects.filter(code=params["division"]).values_list("name", flat=True).first() or params["division"]
    return f"certificates-{params['division']}-{params['year']}.pdf", f"{name}_{params['year']}年婚育证明.pdf"


kinds.register(kinds.ExportKind(code="certificates_batch", label="婚育证明批量打印", formats=("pdf",), prepare=_prepare, build=_build, file_name=_file_name))
