"""Issue 13 pages: the station's and county's lists (overdue registrations, endorsements due this
month, permits), a permit's page with its decision and endorsement, the printed documents, and the
public check page a permit's QR code opens (no log-in, unguessable token, rate-limited per client
address in the cache every process shares, liudong.limits.hit). Writes go through permits.services (invariant 1); reads through permits.queries, logged."""
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.login import client_address
from liudong.accounts.templatetags.liudong_ui import pick_message
from liudong.accounts.views_support import form_act, over_limit, paginate, staff_view
from liudong.clock import now, today
from liudong.content_types import PDF_TYPE, content_disposition, download
from liudong.errors import Invalid, NotFound

from . import documents, queries, services
from .forms import ApplicationForm, DecisionForm, EndorsementForm
from .models import PermitState

# The public check page: at most this many looks a minute from one client address (a QR code is
# read once; a script walking tokens is slowed to nothing).
PUBLIC_CHECKS_PER_MINUTE = 20


def _log_rows(actor, rows, what):
    ids = sorted({r.person_id for r in rows})
    if ids:
        record(actor, f"{what}.list", object_type=what, fields={"persons": ids})


@staff_view(Action.HANDLE_RESIDENCE)
@require_safe
def index(request):
    actor, on = request.user, today()
    tab = request.GET.get("tab") if request.GET.get("tab") in ("overdue", "registrations", "endorsements", "permits") else "overdue"
    division = request.GET.get("division") or ""
    # RR2: only the station (a police account acting for a township) completes; the county lists.
    ctx = {"tab": tab, "today": on, "division": division, "can_complete": services.may_complete(actor=actor)}
    if tab == "overdue":
        try:
            qs = queries.registrations(actor=actor, data={"state": "overdue", "division": division}, today=on)[0]
        except Invalid as e:
            messages.error(request, "；".join(pick_message(m) for ms in e.errors.values() for m in ms))
            return redirect("permits_index")
        page = paginate(request, qs)
        _log_rows(actor, page.object_list, "residence_registration")
        ctx["page"] = page
    elif tab == "registrations":
        try:
            qs = queries.registrations(actor=actor, data={"state": "all", "division": division}, today=on)[0].order_by("-arrived_on", "-id")
        except Invalid as e:
            messages.error(request, "；".join(pick_message(m) for ms in e.errors.values() for m in ms))
            return redirect("permits_index")
        page = paginate(request, qs)
        _log_rows(actor, page.object_list, "residence_registration")
        ctx["page"] = page
    elif tab == "endorsements":
        first, last = queries.month_bounds(on)
        page = paginate(request, queries.endorsements_due(actor=actor, division_code=None, month_of=on).select_related("person", "division"))
        _log_rows(actor, page.object_list, "residence_permit")
        ctx.update(page=page, first=first, last=last)
    else:
        page = paginate(request, queries.permits(actor=actor).select_related("division"))
        _log_rows(actor, page.object_list, "residence_permit")
        ctx["page"] = page
    return render(request, "permits/index.html", ctx)


@staff_view(Action.HANDLE_RESIDENCE)
@require_http_methods(["GET", "POST"])
def apply(request):
    """RP1: the application form. With a person (`?person_id=`, from her record or the check
    button) her eligibility is shown as checked from the registry on the date given, with the
    decision due date it would have; a submitted application that fails a check comes back with
    the errors next to the fields, the checks shown, nothing written."""
    actor, on = request.user, today()
    source = request.POST if request.method == "POST" else request.GET
    if request.method == "POST" and not request.POST.get("check"):
        form = ApplicationForm(request.POST)  # the scans are read from request.FILES by the service, as exchange's forms do

        def act():
            try:
                return services.apply_permit(actor=actor, data=form.data_for_service(), attachments=request.FILES.getlist("attachments"), today=on, now=now())
            except NotFound as e:  # unknown and out of scope alike (privacy): said next to the number
                raise Invalid({"person_id": [str(e)]}) from e

        done = form_act(request, form, act, _("Application received."), lambda permit: redirect("permit_detail", pk=permit.pk))
        if done:
            return done
    else:  # the form, or the check button (a POST that writes nothing: the scans are chosen again)
        initial = {"applied_on": source.get("applied_on") or on.isoformat(), "person_id": source.get("person_id", ""), "basis": source.get("basis") or None,
                   "proof": source.get("proof", "")}
        form = ApplicationForm(initial=initial)
    person = found = None
    if (source.get("person_id") or "").strip():
        try:
            person, found = queries.application_check(actor=actor, person_id=source["person_id"].strip(), applied_on=source.get("applied_on") or on.isoformat(),
                                                      basis=source.get("basis"), proof=(source.get("proof") or "").strip(), today=on,
                                                      scans=len(request.FILES.getlist("attachments")))
        except NotFound as e:
            if not form.is_bound:  # a submitted form has the service's refusal next to the number already
                form = ApplicationForm({k: v for k, v in form.initial.items() if v is not None})
                if form.is_valid():
                    form.add_error("person_id", pick_message(str(e)))
    return render(request, "permits/apply.html", {"form": form, "person": person, "found": found, "today": on})


def _detail(request, permit, *, decision=None, endorsement=None, status=200):
    on = today()
    status_key, status_text = services.endorsement_status(permit, on)
    return render(request, "permits/detail.html", {
        "permit": permit, "today": on, "state": services.state_on(permit, on), "years": services.residence_years(permit, on),
        "window_opens": services.window_opens_on(permit) if permit.state in (PermitState.GRANTED, PermitState.SUSPENDED) else None,
        "endorsement_status": status_key, "endorsement_text": status_text,
        "endorsements": permit.endorsements.all(), "attachments": permit.attachments.all(),
        "can_decide": permit.state == PermitState.PENDING, "can_endorse": permit.state in (PermitState.GRANTED, PermitState.SUSPENDED),
        "decision": decision or DecisionForm(initial={"decided_on": on.isoformat(), "granted": "1"}),
        "endorsement": endorsement or EndorsementForm(initial={"endorsed_on": on.isoformat()}),
        "overdue_decision": permit.state == PermitState.PENDING and on > permit.decision_due_on,
    }, status=status)


@staff_view(Action.HANDLE_RESIDENCE)
@require_safe
def detail(request, pk):
    return _detail(request, queries.permit(actor=request.user, permit_id=pk, via="page"))


@staff_view(Action.HANDLE_RESIDENCE)
@require_POST
def decide(request, pk):
    form = DecisionForm(request.POST)
    done = form_act(request, form, lambda: services.decide_permit(actor=request.user, permit_id=pk, data=form.data_for_service(), today=today()),
                    _("Decision recorded."), lambda permit: redirect("permit_detail", pk=permit.pk))
    return done or _detail(request, queries.permit(actor=request.user, permit_id=pk, via="page"), decision=form)


@staff_view(Action.HANDLE_RESIDENCE)
@require_POST
def endorse(request, pk):
    form = EndorsementForm(request.POST)
    done = form_act(request, form, lambda: services.endorse_permit(actor=request.user, permit_id=pk, data=form.cleaned_data, today=today()),
                    _("Endorsement recorded."), lambda permit: redirect("permit_detail", pk=permit.pk))
    return done or _detail(request, queries.permit(actor=request.user, permit_id=pk, via="page"), endorsement=form)


@staff_view(Action.HANDLE_RESIDENCE)
@require_safe
def scan(request, pk, scan_id):
    att = queries.scan(actor=request.user, permit_id=pk, scan_id=scan_id)
    return download(bytes(att.data), att.content_type, content_disposition(att.name))


@staff_view(Action.HANDLE_RESIDENCE)
@require_POST
def complete_registration(request, pk):
    try:
        services.complete_registration(actor=request.user, registration_id=pk, data={"completed_on": request.POST.get("completed_on")}, today=today())
    except Invalid as e:
        messages.error(request, "；".join(pick_message(m) for ms in e.errors.values() for m in ms))
    else:
        messages.success(request, _("Residence registration completed."))
    return redirect(reverse("permits_index") + "?tab=overdue")


def _pdf(data: bytes, disposition: str) -> HttpResponse:
    response = HttpResponse(data, content_type=PDF_TYPE)
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "no-store"
    return response


@staff_view(Action.HANDLE_RESIDENCE)
@require_safe
def permit_pdf(request, pk, kind):
    check_url = None
    if kind == "card":
        permit = queries.permit(actor=request.user, permit_id=pk, via="print")
        check_url = request.build_absolute_uri(reverse("permit_public", args=[permit.public_token]))
    return _pdf(*documents.permit_document(actor=request.user, permit_id=pk, kind=kind, printed_on=today(), check_url=check_url))


@staff_view(Action.HANDLE_RESIDENCE)
@require_safe
def voucher_pdf(request, pk):
    return _pdf(*documents.registration_voucher(actor=request.user, registration_id=pk, printed_on=today()))


@require_safe
def public(request, permit_token):
    """No log-in: shows only whether the permit is valid and the holder's masked name (刘*)."""
    if over_limit(request, "permit", PUBLIC_CHECKS_PER_MINUTE):
        response = render(request, "permits/public.html", {"throttled": True}, status=429)
        response["Retry-After"] = "60"
        return response
    permit = queries.public_permit(permit_token, address=client_address(request))
    on = today()
    ctx = {"found": permit is not None}
    if permit is not None:
        state = services.state_on(permit, on)
        ctx.update(valid=state == PermitState.GRANTED, state=state, masked=documents.masked_name(permit.person.name), city=permit.city.name,
                   valid_until=permit.next_endorsement_due_on if state == PermitState.GRANTED else None)
    response = render(request, "permits/public.html", ctx, status=200 if permit is not None else 404)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
