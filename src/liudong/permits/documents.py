"""Issue 13: the printed documents, in Chinese (WeasyPrint, Noto CJK, A4 / card size):
the application (居住证申领登记表), the decision (签发决定 or 不予签发告知), the permit (居住证) with a QR
code (segno) to the public check page, and the registration voucher (居住登记凭证). Printing names
the person, so it is logged with her id (invariant 3)."""
import segno
from django.template.loader import render_to_string

from liudong.accounts.audit import record
from liudong.content_types import content_disposition
from liudong.divisions.queries import DivisionNames
from liudong.errors import NotFound
from liudong.policy.rule_sets import RULE_SETS
from liudong.policy.services import PolicyMissing, value

from . import queries, services
from .models import PermitState

TITLES = {"application": "居住证申领登记表", "decision": "居住证签发决定书", "card": "居住证"}


def masked_name(name: str) -> str:
    """刘洋 -> 刘*, 欧阳娜娜 -> 欧***: the family name's first character only."""
    return (name[:1] + "*" * max(len(name) - 1, 1)) if name else "*"


def _source(rule_set: str) -> str:
    rs = RULE_SETS.get(rule_set)
    return rs.source if rs else rule_set


def _html(template: str, ctx: dict) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango takes a moment, and only printing needs it

    return HTML(string=render_to_string(template, ctx)).write_pdf()


def permit_document(*, actor, permit_id, kind: str, printed_on, check_url: str | None = None) -> tuple[bytes, str]:
    permit = queries.permit(actor=actor, permit_id=permit_id, via=f"print.{kind}")
    if kind == "decision" and permit.state == PermitState.PENDING:
        raise NotFound("尚未作出决定 / not decided yet")
    if kind == "card" and permit.state not in (PermitState.GRANTED, PermitState.SUSPENDED):
        raise NotFound("居住证未签发或已终止 / the permit was not issued or has ended")
    names = DivisionNames([permit.division_id, permit.station_id, permit.city_id, permit.person.hukou_division_id])
    ctx = {
        "permit": permit, "person": permit.person, "printed_on": printed_on, "source": _source(permit.rule_set),
        "residence_full": names.full(permit.division_id), "station_full": names.full(permit.station_id),
        "hukou_full": names.full(permit.person.hukou_division_id), "basis": permit.get_basis_display().split(" ")[0],
        "years": services.residence_years(permit, printed_on), "state": services.state_on(permit, printed_on),
        "attachments": permit.attachments.all(), "endorsements": permit.endorsements.all(), "items": permit.items or {},
        "decision_days": (permit.decision_due_on - permit.applied_on).days,
    }
    if kind == "card":
        ctx["qr"] = segno.make(check_url, error="m").svg_data_uri(scale=3, border=2)
        ctx["check_url"] = check_url
    data = _html(f"permits/{kind}_pdf.html", ctx)
    record(actor, f"residence_permit.print_{kind}", obj=permit, person_id=permit.person_id, fields={"bytes": len(data)})
    name = f"{TITLES[kind]}_{permit.pk}.pdf"
    return data, content_disposition(name, f"residence-permit-{kind}-{permit.pk}.pdf", inline=True)


def registration_voucher(*, actor, registration_id, printed_on) -> tuple[bytes, str]:
    reg = queries.registration(actor=actor, registration_id=registration_id)
    if reg.state != "completed":
        raise NotFound("居住登记尚未办结，不能出具凭证 / the registration is not completed: there is no voucher yet")
    names = DivisionNames([reg.division_id, reg.station_code, reg.person.hukou_division_id])
    try:
        change_days = value("residence_registration.address_change_days", reg.division_id, reg.rules_on)
    except PolicyMissing:
        change_days = None
    data = _html("permits/voucher_pdf.html", {
        "reg": reg, "person": reg.person, "printed_on": printed_on, "source": _source(reg.rule_set), "division_full": names.full(reg.division_id),
        "station_full": names.full(reg.station_code), "station_name": names.name(reg.station_code), "hukou_full": names.full(reg.person.hukou_division_id), "residence": reg.residence,
        "change_days": change_days,
    })
    record(actor, "residence_registration.print_voucher", obj=reg, person_id=reg.person_id, fields={"bytes": len(data)})
    return data, content_disposition(f"居住登记凭证_{reg.pk}.pdf", f"residence-registration-{reg.pk}.pdf", inline=True)
