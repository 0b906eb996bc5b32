"""The case pages: the list of a division's cases with their state and next deadline, the forms
that open them, and each case's page with its messages, its decision form and (B4) the refusal
letter. Bad input shows the form again with the service's errors next to the fields and nothing
saved (invariant 7); a success redirects (POST-redirect-GET)."""
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from liudong.accounts.choices import Action
from liudong.accounts.views_support import button_act, flash_errors, form_act, paginate, staff_view
from liudong.clock import now, today
from liudong.codes import Level
from liudong.content_types import PDF_TYPE, download
from liudong.errors import Invalid
from liudong.exchange.models import Channel

from . import documents, queries, services
from .forms import BirthRegistrationForm, DecideForm, FeeAnswerForm, FeeConsultationForm, SecondBirthForm
from .helpers import send_at_once
from .models import BIRTH, FEE, SECOND_BIRTH, BirthState, Document

KINDS = (BIRTH, SECOND_BIRTH, FEE)


def message_url(pk) -> str:
    """The exchange page of a message."""
    for name in ("exchange_detail", "exchange_message"):
        try:
            return reverse(name, args=[pk])
        except NoReverseMatch:
            continue
    return f"/exchange/{pk}/"


def _messages_for(case_type, case_id):
    rows = queries.case_messages(case_type, case_id)
    for m in rows:
        m.url = message_url(m.pk)
    return rows


def _default_kind(actor) -> str:
    return FEE if actor.division.level == Level.COUNTY else BIRTH


@staff_view(Action.HANDLE_CASES)
@require_safe
def index(request):
    actor = request.user
    kind = request.GET.get("kind")
    kind = kind if kind in KINDS else _default_kind(actor)
    status = request.GET.get("status")
    allowed = queries.BIRTH_STATUSES if kind == BIRTH else queries.STATUSES
    status = status if status in allowed else ("all" if kind == SECOND_BIRTH else "open")
    if kind == BIRTH:
        qs, persons = queries.birth_registrations(actor=actor, status=status), ("woman_id", "husband_id")
    elif kind == SECOND_BIRTH:
        qs, persons = queries.second_birth_results(actor=actor, status=status), ("woman_id",)
    else:
        qs, persons = queries.fee_consultations(actor=actor, status=status), ("person_id",)
    page = paginate(request, qs)
    queries.log_list(actor=actor, kind=kind, rows=page.object_list, person_attrs=persons)
    level = actor.division.level
    return render(request, "cases/index.html", {
        "page": page, "kind": kind, "status": status, "today": today(),
        "can_birth": level == Level.TOWNSHIP, "can_fee": level == Level.COUNTY,
    })


# ---------------------------------------------------------------- B1-B5

@staff_view(Action.HANDLE_CASES)
@require_http_methods(["GET", "POST"])
def birth_new(request):
    actor = request.user
    form = BirthRegistrationForm(request.POST or None, initial={"received_on": today().isoformat(), "child_order": 1, "send_now": True})
    done = request.method == "POST" and form_act(
        request, form, lambda: services.create_birth_registration(actor=actor, data=form.data_for_service(), now=now()),
        _("Birth service registration recorded; verification requests opened."), lambda case: redirect("case_birth_detail", pk=case.pk))
    return done or render(request, "cases/birth_form.html", {"form": form})


def _render_birth(request, pk, *, form=None, status=200):
    actor = request.user
    case = queries.get_birth_registration(actor=actor, pk=pk)
    check = None
    if case.is_open:
        try:
            check = services.registration_check(case)
        except Invalid as e:
            flash_errors(request, e)
    may_decide = check is not None and case.division_id == actor.division_id
    if may_decide and form is None:
        initial = {"decided_on": today().isoformat(), "documents": case.documents, "send_now": True}
        if check["over_limit"]:
            initial.update(decision="refuse", reasons=check["refusal_reason"])
        form = DecideForm(initial=initial)
    required = check["required"] if check else []
    held = queries.certificate_cited(actor=actor, case=case)
    return render(request, "cases/birth_detail.html", {
        "case": case, "messages_list": _messages_for(BIRTH, case.pk), "decisions": queries.decisions_of(case), "form": form if may_decide else None,
        "check": check, "document_labels": [(d.label, getattr(case, f"doc_{d.value}"), d in required) for d in Document],
        "source": queries.source_of(case), "today": today(), "refused": case.state == BirthState.REFUSED, "at_once": case.registered_at_once,
        # B1: the status proof the case cites (or those on record it may cite) and the certificate she held.
        "held": held, "held_state": held.get_state_display_on(case.received_on) if held else "",
        "held_until": held.valid_until_on(case.received_on) if held else None,
        "proofs": queries.proofs_on_record(actor=actor, case=case) if case.is_open and not case.status_proof_id else [],
    }, status=status)


@staff_view(Action.HANDLE_CASES)
@require_safe
def birth_detail(request, pk):
    return _render_birth(request, pk)


@staff_view(Action.HANDLE_CASES)
@require_POST
def birth_decide(request, pk):
    actor = request.user
    form = DecideForm(request.POST)
    return (form_act(request, form, lambda: services.decide_birth_registration(actor=actor, case_id=pk, data=form.data_for_service(), now=now()),
                     _("Decision recorded."), lambda _case: redirect("case_birth_detail", pk=pk))
            or _render_birth(request, pk, form=form))


@staff_view(Action.HANDLE_CASES)
@require_safe
def birth_refusal_pdf(request, pk):
    data, disposition = documents.refusal_letter(actor=request.user, case_id=pk, printed_on=today())
    return download(data, PDF_TYPE, disposition)


# ---------------------------------------------------------------- B6

@staff_view(Action.HANDLE_CASES)
@require_http_methods(["GET", "POST"])
def second_birth_new(request):
    actor = request.user
    form = SecondBirthForm(request.POST or None, initial={"decided_on": today().isoformat(), "send_now": True})
    done = request.method == "POST" and form_act(
        request, form, lambda: services.record_second_birth(actor=actor, data=form.data_for_service(), now=now()),
        _("Second-birth result recorded; notification to the residence township opened."), lambda result: redirect("case_second_birth_detail", pk=result.pk))
    return done or render(request, "cases/second_birth_form.html", {"form": form})


@staff_view(Action.HANDLE_CASES)
@require_safe
def second_birth_detail(request, pk):
    case = queries.get_second_birth(actor=request.user, pk=pk)
    return render(request, "cases/second_birth_detail.html", {"case": case, "messages_list": _messages_for(SECOND_BIRTH, case.pk),
                                                              "source": queries.source_of(case), "today": today()})


# ---------------------------------------------------------------- F1-F4

def _upload(form) -> list:
    """The scan of a letter or fax sent with the form (F4), if any."""
    upload = form.cleaned_data.get("attachment")
    return [upload] if upload else []


@staff_view(Action.HANDLE_CASES)
@require_http_methods(["GET", "POST"])
def fee_new(request):
    actor = request.user
    form = FeeConsultationForm(request.POST or None, request.FILES or None, initial={"started_on": today().isoformat(), "channel": Channel.SYSTEM})
    done = request.method == "POST" and form_act(
        request, form, lambda: services.create_fee_consultation(actor=actor, data=form.data_for_service(), now=now(), attachments=_upload(form)),
        _("Fee consultation sent to the hukou county."), lambda case: redirect("case_fee_detail", pk=case.pk))
    return done or render(request, "cases/fee_form.html", {"form": form, "closed_today": queries.case_type_closed(actor=actor, kind="fee_consultation", on=today())})


def _render_fee(request, pk, *, form=None, status=200):
    actor = request.user
    case = queries.get_fee_consultation(actor=actor, pk=pk)
    answer = queries.fee_answer(case)
    may_answer = case.hukou_county_id == actor.division_id and not answer["answered"] and case.message and case.message.arrived_at is not None
    if may_answer and form is None:
        form = FeeAnswerForm(initial={"channel": Channel.SYSTEM})
    return render(request, "cases/fee_detail.html", {
        "case": case, "answer": answer, "messages_list": _messages_for(FEE, case.pk), "form": form if may_answer else None,
        "source": queries.source_of(case), "today": today(), "incoming": case.hukou_county_id == actor.division_id,
    }, status=status)


@staff_view(Action.HANDLE_CASES)
@require_safe
def fee_detail(request, pk):
    return _render_fee(request, pk)


@staff_view(Action.HANDLE_CASES)
@require_POST
def fee_answer(request, pk):
    form = FeeAnswerForm(request.POST, request.FILES or None)
    return (form_act(request, form, lambda: services.answer_fee_consultation(actor=request.user, case_id=pk, data=form.data_for_service(), now=now(), attachments=_upload(form)),
                     _("Answer sent."), lambda _case: redirect("case_fee_detail", pk=pk))
            or _render_fee(request, pk, form=form))


# ---------------------------------------------------------------- drafts a case opened

CASE_PAGES = {BIRTH: "case_birth_detail", SECOND_BIRTH: "case_second_birth_detail", FEE: "case_fee_detail"}


@staff_view(Action.HANDLE_CASES)
@require_POST
def message_send(request, pk):
    """Send a draft a case opened (B2, B5, B6) at once by the system; other channels are chosen on
    the message's own page in the exchange."""
    actor = request.user
    message = queries.draft_to_send(actor=actor, pk=pk)
    if message.case_type not in CASE_PAGES:
        raise Http404("函件不存在或已发出 / no such message to send")
    button_act(request, lambda: send_at_once(actor=actor, message=message, now=now()), _("Message sent."))
    return redirect(CASE_PAGES[message.case_type], pk=message.case_id)
