"""Printed documents (C1-C6, R3): the certificate booklet (A6, ReportLab: booklet.py) with the QR
code of its public check page (segno); the status proof, the certificate register and the cards
(WeasyPrint with Noto CJK, laid out with CSS). Printing names the woman, so it is logged with her
person id (invariant 3). A batch of certificates is one PDF, made by an export job (exports.py)."""
import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from liudong.accounts.audit import record
from liudong.content_types import content_disposition
from liudong.divisions.queries import DivisionNames

from . import queries, rules
from .booklet import cn
from .models import Certificate, EntryKind, Result, State

STATE_LABELS = {s.value: str(s.label).split(" ")[0] for s in State}
KIND_LABELS = {k.value: str(k.label).split(" ")[0] for k in EntryKind}
RESULT_LABELS = {r.value: str(r.label).split(" ")[0] for r in Result}


def public_url(cert: Certificate) -> str:
    return settings.PUBLIC_BASE_URL + reverse("certificate_public", args=[cert.token])



def _item(cert: Certificate, printed_on: datetime.date, names: DivisionNames) -> dict:
    entries = list(queries.entries_of(cert))
    for e in entries:
        e.kind_label = KIND_LABELS.get(e.kind, e.kind)
    verifications = list(queries.verifications_of(cert))
    for v in verifications:
        v.result_label = RESULT_LABELS.get(v.result, v.result)
    if cert.long_term_on(printed_on):
        valid = f"长期有效（自 {cn(cert.long_term_from)}）"
    elif cert.valid_until:
        valid = f"{cn(cert.valid_until)}"
    else:
        valid = "撤销前有效"
    return {"cert": cert, "issuer": names.full(cert.township_id), "age": rules.age_on(cert.birth_date, cert.issued_on), "url": public_url(cert),
            "valid_text": valid, "state_label": STATE_LABELS[cert.state_on(printed_on)], "entries": entries, "verifications": verifications}


def certificates_pdf(certs, *, printed_on: datetime.date, progress=None) -> bytes:
    """Certificates as booklets (two A6 pages each), drawn by ReportLab (booklet.py)."""
    from . import booklet

    certs = list(certs)
    names = DivisionNames(list({c.township_id for c in certs}))
    return booklet.render([_item(c, printed_on, names) for c in certs], printed_on, progress=progress)


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango takes a moment, and only printing needs it

    return HTML(string=html).write_pdf()


def certificate_pdf(*, actor, certificate_id, printed_on: datetime.date) -> tuple[bytes, str]:
    """One certificate as a booklet PDF: (bytes, Content-Disposition). Still printable after the
    2021 repeal (P1)."""
    cert = queries.get_certificate(actor=actor, certificate_id=certificate_id, log=False)
    data = certificates_pdf([cert], printed_on=printed_on)
    record(actor, "certificate.print", obj=cert, person_id=cert.person_id, fields={"number": cert.number, "format": "pdf", "bytes": len(data)})
    disposition = content_disposition(f"婚育证明_{cert.number}.pdf", f"certificate-{cert.pk}.pdf", inline=True)
    return data, disposition


def status_proof_pdf(*, actor, proof_id) -> tuple[bytes, str]:
    """3-八-1: the proof of marital and childbearing status as an A4 PDF."""
    proof = queries.get_status_proof(actor=actor, proof_id=proof_id)
    names = DivisionNames([proof.township_id, proof.person.hukou_division_id] + ([proof.receiver_id] if proof.receiver_id else []))
    html = render_to_string("certificates/status_proof_pdf.html", {
        "proof": proof, "person": proof.person, "issuer": names.full(proof.township_id),
        "receiver": names.full(proof.receiver_id) if proof.receiver_id else "",
        "hukou": _hukou_address(names.full(proof.person.hukou_division_id), proof.person.hukou_address or ""),
    })
    data = render_pdf(html)
    record(actor, "certificate.status_proof_print", obj=proof, person_id=proof.person_id, fields={"number": proof.number, "bytes": len(data)})
    return data, content_disposition(f"婚育情况证明_{proof.number}.pdf", f"status-proof-{proof.pk}.pdf", inline=True)


def table_pdf(*, actor, table, action: str, object_id: str) -> bytes:
    """R3: the certificate register or a card as an A4 landscape PDF, logged with every person in it."""
    data = render_pdf(render_to_string("certificates/table_pdf.html", {"table": table}))
    record(actor, action, object_type="certificate_register", object_id=object_id, fields={"title": table.title, "shown": table.person_ids, "bytes": len(data)})
    return data


def _hukou_address(place: str, address: str) -> str:
    """The hukou address as printed: the division's full name, then the address, unless the address
    already begins with that name (the demo's and most imports' addresses do)."""
    return address if place and address.startswith(place) else place + address
