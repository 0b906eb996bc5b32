"""Certificate pages. The public verification page (opened from the QR code on a certificate)
answers without log-in and shows only the certificate's validity and a masked name (刘*); its
token is `secrets.token_urlsafe(32)` (256 bits, never derived from the id or number), and each
client address may open it a limited number of times a minute (the client address as the log-in
reads it, accounts.login.client_address), so tokens cannot be enumerated."""
import datetime
import re

from django.db.models import F
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from liudong.accounts.login import client_address
from liudong.clock import now, today  # the edge's one reading of the clock (invariant 4)

from .models import Certificate, PublicCheckThrottle, State

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
PUBLIC_CHECKS_PER_MINUTE = 30
PUBLIC_STATES = {
    State.VALID: "valid", State.EXPIRED: "expired", State.LONG_TERM: "long_term", State.REVOKED: "revoked",
    State.REPLACED: "replaced", State.SURRENDERED: "replaced",
}


def masked(name: str) -> str:
    """刘小红 -> 刘**: the family name only."""
    name = (name or "").strip()
    return name[:1] + "*" * max(1, len(name) - 1) if name else "*"


def _allowed(address: str, moment: datetime.datetime) -> bool:
    """One counter row per address and minute: INSERT … ON CONFLICT DO NOTHING, then an atomic
    increment, on both databases."""
    window = moment.replace(second=0, microsecond=0)
    PublicCheckThrottle.objects.bulk_create([PublicCheckThrottle(address=address, window_start=window, hits=0)], ignore_conflicts=True)
    PublicCheckThrottle.objects.filter(address=address, window_start=window).update(hits=F("hits") + 1)
    hits = PublicCheckThrottle.objects.filter(address=address, window_start=window).values_list("hits", flat=True).first() or 0
    return hits <= PUBLIC_CHECKS_PER_MINUTE


@require_safe
def public_check(request, token):
    if not _allowed(client_address(request), now()):
        response = render(request, "certificates/public_check.html", {"limited": True}, status=429)
        response["Retry-After"] = "60"
        return response
    cert = Certificate.objects.filter(token=token).only("name", "status", "ended_on", "valid_until", "long_term_from", "long_term_to").first() if TOKEN_RE.match(token or "") else None
    if cert is None:
        raise Http404("no such certificate")
    day = today()
    state = PUBLIC_STATES[cert.state_on(day)]
    response = render(request, "certificates/public_check.html", {"state": state, "name": masked(cert.name), "on": day})
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# ---------------------------------------------------------------- staff pages

from django.http import HttpResponse  # noqa: E402

from liudong.accounts.choices import Action  # noqa: E402
from liudong.accounts.views_support import paginate, staff_view  # noqa: E402
from liudong.content_types import PDF_TYPE  # noqa: E402
from liudong.errors import Invalid  # noqa: E402

from . import documents, queries, services  # noqa: E402
from .models import EntryKind, Result  # noqa: E402

KIND_CHOICES = ("missing", "expired", "overdue")


@staff_view(Action.VIEW_CERTIFICATES)
@require_safe
def due_page(request):
    """C6, part 8 四: the lists of inflow women of childbearing age of a village, township or county
    with no certificate, an expired one or an overdue verification, as of a day."""
    g = request.GET
    kind = (g.get("kind") or "overdue").strip()
    division = (g.get("division") or "").strip() or request.user.division_id
    on_raw = (g.get("on") or "").strip()
    errors, page, due, certs = {}, None, None, {}
    day = today()
    if on_raw:
        from liudong import fields

        parsed = fields.date({"on": on_raw}, "on", errors)
        day = parsed or day
    if not errors:
        try:
            due = queries.due(actor=request.user, division=division, kind=kind, on=day)
        except Invalid as e:
            errors = e.errors
    if due is not None:
        page = paginate(request, due.rows)
        certs = queries.current_certificates([r.person_id for r in page], day)
        for w in page:
            w.cert = certs.get(w.person_id)
            w.cert_state = w.cert.get_state_display_on(day) if w.cert else ""
            w.next_due = services.next_verification_due_on(w.cert, day) if w.cert else None
        queries.log_list(actor=request.user, rows=list(page), what="certificate.due_list", criteria={"division": division, "kind": kind, "on": str(day)})
    return render(request, "certificates/due.html", {"kind": kind, "kinds": KIND_CHOICES, "division": division, "on": day, "errors": errors,
                                                      "due": due, "page": page})


@staff_view(Action.VIEW_CERTIFICATES)
@require_safe
def detail_page(request, pk):
    cert = queries.get_certificate(actor=request.user, certificate_id=pk)
    day = today()
    entries = list(queries.entries_of(cert))
    kinds = dict(EntryKind.choices)
    for e in entries:
        e.kind_label = kinds.get(e.kind, e.kind)
    verifications = list(queries.verifications_of(cert))
    results = dict(Result.choices)
    for v in verifications:
        v.result_label = results.get(v.result, v.result)
    return render(request, "certificates/detail.html", {
        "cert": cert, "state": cert.get_state_display_on(day), "state_code": cert.state_on(day), "valid_until": cert.valid_until_on(day),
        "next_due": services.next_verification_due_on(cert, day), "entries": entries, "verifications": verifications,
    })


@staff_view(Action.VIEW_CERTIFICATES)
@require_safe
def pdf_page(request, pk):
    data, disposition = documents.certificate_pdf(actor=request.user, certificate_id=pk, printed_on=today())
    response = HttpResponse(data, content_type=PDF_TYPE)
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "no-store"
    return response
