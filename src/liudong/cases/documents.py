"""B4: the refusal letter (不予登记告知书), printed for the applicant as a PDF in Chinese (WeasyPrint,
Noto CJK, A4) with the written reasons, the rule set and its source, and how to appeal. Printing
names the applicant, so it is logged with her person id (invariant 3).

The limits for administrative review and lawsuit are policy values (P1: remedies.review_days,
remedies.lawsuit_months) in force at the township on the day of the decision: a lawsuit could be
brought within 3 months before 2015-05-01 and within 6 months from then (行政诉讼法 as amended)."""

from django.template.loader import render_to_string

from liudong.accounts.audit import record
from liudong.content_types import content_disposition
from liudong.divisions.queries import DivisionNames
from liudong.errors import NotFound
from liudong.policy.services import value_row

from . import queries
from .helpers import rule_set_source
from .models import BIRTH, BirthState



DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1-99 as written in a Chinese official letter (六十日, 三个月); other numbers as digits."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    return (f"{DIGITS[tens] if tens > 1 else ''}十" if tens else "") + (DIGITS[ones] if ones else "")


def remedy_limits(case) -> dict:
    """B4: the review and lawsuit limits in force where and when the case was decided (P1)."""
    review = value_row("remedies.review_days", case.division_id, case.decided_on)
    lawsuit = value_row("remedies.lawsuit_months", case.division_id, case.decided_on)
    return {"review_days": review.value, "review": f"{chinese_number(review.value)}日", "review_source": review.source,
            "lawsuit_months": lawsuit.value, "lawsuit": f"{chinese_number(lawsuit.value)}个月", "lawsuit_source": lawsuit.source}


def refusal_html(case, *, printed_on) -> str:
    names = DivisionNames([case.division_id])
    county = case.division.parent if case.division.parent_id else None
    return render_to_string("cases/refusal_letter_pdf.html", {
        "case": case, "woman": case.woman, "husband": case.husband,
        "township_full": names.full(case.division_id), "township": case.division.name,
        "county": county.name if county else "", "rule_set": case.rule_set, "source": rule_set_source(case.rule_set, chinese_only=True),
        "reasons": [line.strip() for line in case.reasons.splitlines() if line.strip()], "printed_on": printed_on,
        "limits": remedy_limits(case),
    })


def refusal_letter(*, actor, case_id, printed_on) -> tuple[bytes, str]:
    """The letter of a refused registration of the actor's subtree: (PDF bytes, Content-Disposition)."""
    from weasyprint import HTML  # imported here: loading Pango takes a moment, and only printing needs it

    case = queries.get_birth_registration(actor=actor, pk=case_id, log=False)
    if case.state != BirthState.REFUSED:
        raise NotFound("本案未作不予登记决定，没有告知书 / this case was not refused: there is no refusal letter")
    data = HTML(string=refusal_html(case, printed_on=printed_on)).write_pdf()
    record(actor, "birth.refusal_letter", obj=case, person_id=case.woman_id, fields={"kind": BIRTH, "shown": queries.PERSON_FIELDS_SHOWN, "format": "pdf", "bytes": len(data)})
    name = f"不予登记告知书_{case.number}.pdf"
    disposition = content_disposition(name, f"refusal-{case.pk}.pdf", inline=True)
    return data, disposition
