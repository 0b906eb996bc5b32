"""Certificate pages. The public verification page (opened from the QR code on a certificate)
answers without log-in and shows only the certificate's validity and a masked name (刘*); its
token is `secrets.token_urlsafe(32)` (256 bits, never derived from the id or number), and each
client address may open it a limited number of times a minute (the client address as the log-in
reads it, accounts.login.client_address), so tokens cannot be enumerated; the counters are
liudong.limits.hit's, shared by every server process."""
import re

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from liudong.clock import today  # the edge's one reading of the clock (invariant 4)

from .models import Certificate, State

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


@require_safe
def public_check(request, token):
    if over_limit(request, "certificate", PUBLIC_CHECKS_PER_MINUTE):
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
from liudong.accounts.views_support import over_limit, paginate, staff_view  # noqa: E402
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
    # 上门: the township's queue of door-to-door applications waiting, on the page it opens first.
    waiting = queries.applications(actor=request.user, state="pending").count()
    return render(request, "certificates/due.html", {"kind": kind, "kinds": KIND_CHOICES, "division": division, "on": day, "errors": errors,
                                                      "due": due, "page": page, "waiting": waiting})


@staff_view(Action.VIEW_CERTIFICATES)
@require_safe
def detail_page(request, pk):
    return _render_detail(request, pk)


@staff_view(Action.VIEW_CERTIFICATES)
@require_safe
def pdf_page(request, pk):
    data, disposition = documents.certificate_pdf(actor=request.user, certificate_id=pk, printed_on=today())
    response = HttpResponse(data, content_type=PDF_TYPE)
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- staff forms (issue 10)
# Each form runs an existing service (C1-C6, 3-八-1 live there): field errors next to the fields,
# nothing written; success goes to the certificate's page (or her record) with a message.

from django.shortcuts import redirect  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from django.views.decorators.http import require_http_methods, require_POST  # noqa: E402

from liudong.accounts.views_support import form_act  # noqa: E402
from liudong.clock import now as clock_now  # noqa: E402

from .forms import EntryForm, IssueForm, ReissueForm, RenewForm, RevokeForm, StatusProofForm, VerifyForm  # noqa: E402

CERT_FORMS = {"verify": VerifyForm, "entry": EntryForm, "renew": RenewForm, "reissue": ReissueForm, "revoke": RevokeForm}


def _forms_for(user, cert, day, bound: dict | None = None) -> list[dict]:
    """The forms of the certificate page this role may use: verification and entries (C5, C6) for
    the verifying roles, renewal, 补办 and revocation for the issuing ones."""
    from django.urls import reverse

    bound = bound or {}
    initial = {"verify": {"verified_on": day.isoformat(), "result": "ok"}, "entry": {"entered_on": day.isoformat()},
               "renew": {"issued_on": day.isoformat()}, "reissue": {}, "revoke": {}}
    labels = {"verify": (_("Record a verification"), _("Record verification"), "certificate_verify"),
              "entry": (_("Add an entry"), _("Add entry"), "certificate_entry"),
              "renew": (_("Renew at expiry"), _("Renew"), "certificate_renew"),
              "reissue": (_("Reissue (lost or damaged)"), _("Reissue"), "certificate_reissue"),
              "revoke": (_("Revoke"), _("Revoke"), "certificate_revoke")}
    out = []
    for name, form_class in CERT_FORMS.items():
        action = Action.VERIFY_CERTIFICATES if name in ("verify", "entry") else Action.ISSUE_CERTIFICATES
        if user.can(action):
            title, button, url = labels[name]
            out.append({"name": name, "form": bound.get(name) or form_class(initial=initial[name], prefix=name), "title": title, "button": button,
                        "action": reverse(url, args=[cert.pk]), "open": name in bound})
    return out


def _render_detail(request, pk, *, bound: dict | None = None):
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
        "forms": _forms_for(request.user, cert, day, bound), "door": getattr(cert, "door_application", None),
    })


def _cert_act(request, pk, name, act, success):
    form = CERT_FORMS[name](request.POST, prefix=name)
    return (form_act(request, form, lambda: act(form.data_for_service()), success, lambda obj: redirect("certificate_detail", pk=_target(obj, pk)))
            or _render_detail(request, pk, bound={name: form}))


def _target(obj, pk):
    """A renewal or a reissue makes a new certificate: its page is where to go."""
    return obj.pk if obj.__class__.__name__ == "Certificate" else pk


@staff_view(Action.VERIFY_CERTIFICATES)
@require_POST
def verify_page(request, pk):
    """C6: record a verification (ok / changed, notes)."""
    return _cert_act(request, pk, "verify", lambda data: services.verify_certificate(actor=request.user, certificate_id=pk, data=data, now=clock_now()),
                     _("Verification recorded."))


@staff_view(Action.VERIFY_CERTIFICATES)
@require_POST
def entry_page(request, pk):
    """C5: an entry, stamped by the actor's unit."""
    return _cert_act(request, pk, "entry", lambda data: services.add_entry(actor=request.user, certificate_id=pk, data=data, now=clock_now()),
                     _("Entry recorded."))


@staff_view(Action.ISSUE_CERTIFICATES)
@require_POST
def renew_page(request, pk):
    """C3: a new certificate against this one at expiry."""
    return _cert_act(request, pk, "renew", lambda data: services.renew_certificate(actor=request.user, certificate_id=pk, data=data, now=clock_now()),
                     _("Certificate renewed; the old one is recorded as surrendered."))


@staff_view(Action.ISSUE_CERTIFICATES)
@require_POST
def reissue_page(request, pk):
    """补办 with the same term."""
    return _cert_act(request, pk, "reissue", lambda data: services.reissue_certificate(actor=request.user, certificate_id=pk, data=data, now=clock_now()),
                     _("Certificate reissued with the same term; the old one is recorded as replaced."))


@staff_view(Action.ISSUE_CERTIFICATES)
@require_POST
def revoke_page(request, pk):
    """Revocation with a reason (not a shortening, C3)."""
    return _cert_act(request, pk, "revoke", lambda data: services.revoke_certificate(actor=request.user, certificate_id=pk, data=data, now=clock_now()),
                     _("Certificate revoked."))


def _person(request, person_id):
    return queries.person_for_form(actor=request.user, person_id=person_id)


@staff_view(Action.ISSUE_CERTIFICATES)
@require_http_methods(["GET", "POST"])
def issue_page(request, person_id):
    """C1, C2: issue a certificate to her, on her own application or a family member's."""
    person = _person(request, person_id)
    form = IssueForm(request.POST or None, initial={"issued_on": today().isoformat(), "applicant": "self"})
    done = request.method == "POST" and form_act(
        request, form, lambda: services.issue_certificate(actor=request.user, data={**form.data_for_service(), "person_id": person.pk}, now=clock_now()),
        _("Certificate issued (free of charge)."), lambda cert: redirect("certificate_detail", pk=cert.pk))
    return done or render(request, "certificates/issue_form.html", {"form": form, "person": person})


@staff_view(Action.ISSUE_CERTIFICATES)
@require_http_methods(["GET", "POST"])
def status_proof_page(request, person_id):
    """3-八-1: a proof of her marital and childbearing status, printed and sent to her residence township."""
    person = _person(request, person_id)
    form = StatusProofForm(request.POST or None, initial={"issued_on": today().isoformat(), "requested_by": "self"})
    done = request.method == "POST" and form_act(
        request, form, lambda: services.issue_status_proof(actor=request.user, data={**form.data_for_service(), "person_id": person.pk}, now=clock_now()),
        _("Status proof issued."), lambda proof: redirect("certificate_status_proof_pdf", proof_id=proof.pk))
    return done or render(request, "certificates/status_proof_form.html", {"form": form, "person": person})


@staff_view(Action.VIEW_CERTIFICATES)
@require_safe
def status_proof_pdf_page(request, proof_id):
    data, disposition = documents.status_proof_pdf(actor=request.user, proof_id=proof_id)
    response = HttpResponse(data, content_type=PDF_TYPE)
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- 上门: door-to-door applications (C1, C2, part 8 四)

from . import services_door  # noqa: E402
from .forms import DoorApplicationForm, DoorIssueForm, DoorRefuseForm  # noqa: E402
from .models import ApplicationState  # noqa: E402


@staff_view(Action.VIEW_CERTIFICATES)
@require_safe
def applications_page(request):
    """The township's queue (a village: the applications it took), by state, oldest first."""
    state = (request.GET.get("state") or "pending").strip()
    errors, page = {}, None
    try:
        qs = queries.applications(actor=request.user, state=state if state != "all" else None)
    except Invalid as e:
        errors, qs = e.errors, None
    if qs is not None:
        page = paginate(request, qs)
        labels = dict(ApplicationState.choices)
        for a in page:
            a.state_label = labels.get(a.state, a.state)
        queries.log_list(actor=request.user, rows=list(page), what="certificate.door_application_list", criteria={"state": state})
    return render(request, "certificates/applications.html", {"state": state, "states": ("pending", "issued", "refused", "all"), "page": page, "errors": errors})


@staff_view(Action.TAKE_CERTIFICATE_APPLICATIONS)
@require_http_methods(["GET", "POST"])
def application_new_page(request, person_id):
    """A village records her application taken door to door; it goes to the township's queue."""
    person = _person(request, person_id)
    form = DoorApplicationForm(request.POST or None, initial={"taken_on": today().isoformat(), "applicant": "self"})
    done = request.method == "POST" and form_act(
        request, form, lambda: services_door.take_application(actor=request.user, data={**form.data_for_service(), "person_id": person.pk}, now=clock_now()),
        _("Application recorded; it waits for the township to issue."), lambda app: redirect("certificate_application", pk=app.pk))
    return done or render(request, "certificates/application_form.html", {"form": form, "person": person})


def _render_application(request, pk, *, issue_form=None, refuse_form=None):
    app = queries.get_application(actor=request.user, application_id=pk)
    decides = (app.state == ApplicationState.PENDING and request.user.can(Action.ISSUE_CERTIFICATES) and request.user.division_id == app.township_id)
    app.state_label = dict(ApplicationState.choices).get(app.state, app.state)
    return render(request, "certificates/application_detail.html", {
        "app": app, "decides": decides,
        "issue_form": issue_form or DoorIssueForm(initial={"issued_on": today().isoformat()}, prefix="issue"),
        "refuse_form": refuse_form or DoorRefuseForm(prefix="refuse"),
        "issue_open": issue_form is not None, "refuse_open": refuse_form is not None,
        "bound": [f for f in (issue_form, refuse_form) if f is not None],  # decided meanwhile: its refusal still shows
    })


@staff_view(Action.VIEW_CERTIFICATES)
@require_safe
def application_page(request, pk):
    return _render_application(request, pk)


@staff_view(Action.ISSUE_CERTIFICATES)
@require_POST
def application_issue_page(request, pk):
    """The township issues against the application; success goes to the new certificate."""
    form = DoorIssueForm(request.POST, prefix="issue")
    return (form_act(request, form, lambda: services_door.issue_from_application(actor=request.user, application_id=pk, data=form.data_for_service(), now=clock_now()),
                     _("Certificate issued (free of charge)."), lambda cert: redirect("certificate_detail", pk=cert.pk))
            or _render_application(request, pk, issue_form=form))


@staff_view(Action.ISSUE_CERTIFICATES)
@require_POST
def application_refuse_page(request, pk):
    form = DoorRefuseForm(request.POST, prefix="refuse")
    return (form_act(request, form, lambda: services_door.refuse_application(actor=request.user, application_id=pk, data=form.data_for_service(), now=clock_now()),
                     _("Application refused; the reason is recorded."), lambda app: redirect("certificate_application", pk=app.pk))
            or _render_application(request, pk, refuse_form=form))
