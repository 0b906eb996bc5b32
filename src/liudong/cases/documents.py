"""B4: the refusal letter (不予登记告知书), printed for the applicant as a PDF in Chinese (WeasyPrint,
Noto CJK, A4) with the written reasons, the rule set and its source, and how to appeal. Printing
names the applicant, so it is logged with her person id (invariant 3)."""
from urllib.parse import quote

from django.template.loader import render_to_string

from liudong.accounts.services import record
from liudong.errors import NotFound
from liudong.registers.queries import DivisionNames

from . import queries
from .helpers import rule_set_source
from .models import BIRTH, BirthState

PDF_TYPE = "application/pdf"


def refusal_html(case, *, printed_on) -> str:
    names = DivisionNames([case.division_id])
    county = case.division.parent if case.division.parent_id else None
    return render_to_string("cases/refusal_letter_pdf.html", {
        "case": case, "woman": case.woman, "husband": case.husband,
        "township_full": names.full(case.division_id), "township": case.division.name,
        "county": county.name if county else "", "rule_set": case.rule_set, "source": rule_set_source(case.rule_set, chinese_only=True),
        "reasons": [line.strip() for line in case.reasons.splitlines() if line.strip()], "printed_on": printed_on,
    })


def refusal_letter(actor, case_id, *, printed_on) -> tuple[bytes, str]:
    """The letter of a refused registration of the actor's subtree: (PDF bytes, Content-Disposition)."""
    from weasyprint import HTML  # imported here: loading Pango takes a moment, and only printing needs it

    case = queries.get_birth_registration(actor, case_id, log=False)
    if case.state != BirthState.REFUSED:
        raise NotFound("本案未作不予登记决定，没有告知书 / this case was not refused: there is no refusal letter")
    data = HTML(string=refusal_html(case, printed_on=printed_on)).write_pdf()
    record(actor, "birth.refusal_letter", obj=case, person_id=case.woman_id, fields={"kind": BIRTH, "shown": queries.PERSON_FIELDS_SHOWN, "format": "pdf", "bytes": len(data)})
    name = f"不予登记告知书_{case.number}.pdf"
    disposition = f"inline; filename=\"refusal-{case.pk}.pdf\"; filename*=UTF-8''{quote(name, safe='')}"
    return data, disposition
