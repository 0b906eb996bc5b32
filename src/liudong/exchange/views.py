"""X1-X5 pages: the inbox, outbox and watch list, one message with what may be done to it, and
writing a new one. Reading needs VIEW_EXCHANGE, acting HANDLE_EXCHANGE; bad input shows the
service's field errors next to the fields with the input kept and nothing written (invariant 7);
a successful act redirects (POST-redirect-GET)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from liudong.accounts.choices import Action
from liudong.accounts.views_support import button_act, flash_errors, form_act, int_or_none, next_url, staff_view
from liudong.clock import now, today
from liudong.errors import Invalid
from liudong.content_types import content_disposition, download
from liudong.divisions.models import Level

from . import claim_queries, claims, queries, remote, services
from .forms import ArrivalForm, CloseForm, ComposeForm, DispatchForm, DisputeForm, ForwardForm, ReplyForm
from .models import Channel, Kind, State


def _box_args(request, actor):
    box = request.GET.get("box") or queries.default_box(actor=actor)
    due = request.GET.get("due") or None
    page = int_or_none(request.GET.get("page")) or 1
    return (box if box in queries.BOXES else queries.default_box(actor=actor)), (due if due in queries.DUES else None), min(max(page, 1), queries.MAX_PAGE)


@staff_view(Action.VIEW_EXCHANGE)
@require_safe
def index(request):
    """收件箱 / 发件箱 / 超期督办, with the buckets due today, this week and overdue."""
    actor = request.user
    box, due, page = _box_args(request, actor)
    part = request.GET.get("part")
    result = queries.box_page(actor=actor, box=box, today=today(), due=due, page=page, part=part if part in queries.PARTS else "auto")
    return render(request, "exchange/index.html", {
        "result": result, "box": box, "due": due, "is_place": actor.division.level in services.PLACE_LEVELS,
    })


def _actions(actor, message, reply):
    """What the actor's place may do to the message now (the services check again)."""
    if not actor.can(Action.HANDLE_EXCHANGE):
        return set()
    mine = actor.division_id == message.sender_id
    theirs = actor.division_id == message.receiver_id
    acts = set()
    if theirs and message.arrived_at is not None and message.received_at is None and message.state in (State.SENT, State.RECEIVED, State.OVERDUE):
        acts.add("acknowledge")
    if theirs and message.expects_reply and message.kind != Kind.REPLY and reply is None and message.state in (State.SENT, State.RECEIVED, State.OVERDUE):
        acts |= {"accept", "dispute"} if message.kind in services.DECIDED_KINDS else {"reply"}
    if theirs and message.person_id is None and message.carried and actor.can(Action.REGISTER_PERSON):
        acts.add("register_carried")  # issue 16: she came with a message from another node
    if (mine or theirs) and message.sent_at is not None and message.arrived_at is None and message.state != State.CLOSED:
        acts.add("arrival")
    if mine and message.sent_at is None and message.state in (State.DRAFT, State.OVERDUE):
        acts.add("dispatch")
    if mine and message.state not in (State.ANSWERED, State.CLOSED, State.FORWARDED):
        acts.add("close")
    if (theirs and actor.division.level == Level.COUNTY and message.kind in services.FORWARDABLE_KINDS and message.arrived_at is not None
            and message.state in (State.SENT, State.RECEIVED, State.OVERDUE)):
        acts.add("forward")  # B2: a county passes it on to the township it concerns
    return acts


FORMS = {"reply": ReplyForm, "arrival": ArrivalForm, "dispatch": DispatchForm, "close": CloseForm, "dispute": DisputeForm, "forward": ForwardForm}


def _render_detail(request, pk, *, bound=None):
    actor = request.user
    message = queries.get_message(actor=actor, message_id=pk)
    reply = queries.withhold_content(actor=actor, message=queries.reply_of(message))
    day = today()
    queries.annotate_days([message], day)
    acts = _actions(actor, message, reply)
    forms = {name: FORMS[name](auto_id=f"{name}_%s") for name in acts if name in FORMS}
    if bound:
        # The submitted form stays on the page with its errors, even when the act is no longer
        # possible (a second answer): the error says why.
        forms.update(bound)
        acts = acts | set(bound)
    return render(request, "exchange/detail.html", {
        "message": message, "reply": reply, "request_message": queries.withhold_content(actor=actor, message=message.in_reply_to), "route": queries.route_of(message),
        "basis": queries.deadline_basis(message),
        "attachments": queries.attachments_of(message) if queries.shows_content(actor=actor, message=message) else [], "acts": acts, "forms": forms,
        "open_form": next(iter(bound), None) if bound else None, "is_end": queries.is_end(actor=actor, message=message), "today": day,
        "shows_content": queries.shows_content(actor=actor, message=message),
        "sender_side": actor.division_id == message.sender_id,
        "forwarded_to": queries.forwarded_copy(message),
        "carried_hukou": queries.place_name(message.carried.get("hukou_division")) if message.carried else "",
        # Holes 1 and 3: the claim the message carries, for both ends to read.
        "claim": claim_queries.claim_of(message) if message.kind in services.DECIDED_KINDS and queries.shows_content(actor=actor, message=message) else None,
    })


@staff_view(Action.VIEW_EXCHANGE)
@require_safe
def detail(request, pk):
    return _render_detail(request, pk)


def _act(request, pk, name, run, success):
    """Run one service from its form on the detail page; on bad input show the page with that
    form open, its errors and the input kept."""
    form = FORMS[name](request.POST, auto_id=f"{name}_%s")
    return (form_act(request, form, lambda: run(form.cleaned_data), success,
                     lambda result: redirect("exchange_detail", pk=getattr(result, "pk", pk) if name in ("reply", "forward") else pk))
            or _render_detail(request, pk, bound={name: form}))


def _files(request):
    return request.FILES.getlist("attachments")


@staff_view(Action.HANDLE_EXCHANGE)
@require_POST
def acknowledge(request, pk):
    button_act(request, lambda: services.acknowledge(actor=request.user, message_id=pk, now=now()), pgettext("exchange", "Signed for."))
    return redirect("exchange_detail", pk=pk)


@staff_view(Action.HANDLE_EXCHANGE)
@require_POST
def reply(request, pk):
    return _act(request, pk, "reply", lambda data: services.reply(actor=request.user, message_id=pk, data=data, now=now(), attachments=_files(request)), pgettext("exchange", "Answer sent; the request is answered."))


@staff_view(Action.HANDLE_EXCHANGE)
@require_POST
def accept(request, pk):
    """Her place accepts an arrival claim or a family link (exchange.claims.accept)."""
    button_act(request, lambda: claims.accept(actor=request.user, message_id=pk, now=now()), pgettext("exchange", "Accepted; the answer went to the claimant."))
    # From the list of family link proposals, back to it (a local path only).
    return redirect(next_url(request, reverse("exchange_detail", args=[pk])))


@staff_view(Action.HANDLE_EXCHANGE)
@require_POST
def dispute(request, pk):
    return _act(request, pk, "dispute", lambda data: claims.dispute(actor=request.user, message_id=pk, reason=data.get("reason") or "", now=now()),
                pgettext("exchange", "Disputed; the reason went to the claimant."))


@staff_view(Action.HANDLE_EXCHANGE)
@require_POST
def register_carried(request, pk):
    """Issue 16: register the person a message from another node carried, in one step."""
    if not request.user.can(Action.REGISTER_PERSON):
        raise PermissionDenied("角色无权登记人员 / your role may not register people")
    try:
        message = remote.register_carried(actor=request.user, message_id=pk, now=now())
    except Invalid as e:
        flash_errors(request, e)
    else:
        # R8: where this node had her already (same ID number) nothing was registered: say so.
        messages.success(request, pgettext("exchange", "Registered from the message's fields; the message now names her.") if message.registered_new
                         else pgettext("exchange", "This node had her already (same ID number): the message now names that record; nothing was registered twice."))
    return redirect("exchange_detail", pk=pk)


@staff_view(Action.HANDLE_EXCHANGE)
@require_POST
def arrival(request, pk):
    return _act(request, pk, "arrival", lambda data: services.record_arrival(actor=request.user, message_id=pk, data=data, now=now(), attachments=_files(request)), pgettext("exchange", "Arrival recorded; the deadline runs from it."))


@staff_view(Action.HANDLE_EXCHANGE)
@require_POST
def dispatch(request, pk):
    return _act(request, pk, "dispatch", lambda data: services.dispatch(actor=request.user, message_id=pk, data=data, now=now(), attachments=_files(request)), pgettext("exchange", "Message sent."))


@staff_view(Action.HANDLE_EXCHANGE)
@require_POST
def forward(request, pk):
    return _act(request, pk, "forward", lambda data: services.forward(actor=request.user, message_id=pk, data=data, now=now()),
                pgettext("exchange", "Forwarded to the township; its copy runs on its own deadline."))


@staff_view(Action.HANDLE_EXCHANGE)
@require_POST
def close(request, pk):
    return _act(request, pk, "close", lambda data: services.close(actor=request.user, message_id=pk, reason=data.get("reason") or "", now=now()), pgettext("exchange", "Message closed."))


@staff_view(Action.HANDLE_EXCHANGE)
@require_http_methods(["GET", "POST"])
def compose(request):
    """X1: a new message; `?person=ID` (from a person's page) names the person and proposes the
    place at the other end of her flow."""
    actor = request.user
    if request.method == "POST":
        form = ComposeForm(request.POST)
        done = form_act(request, form, lambda: services.send_message(actor=actor, data=form.data_for_service(), now=now(), attachments=_files(request)),
                        pgettext("exchange", "Message sent."), lambda message: redirect("exchange_detail", pk=message.pk))
        if done:
            return done
        code = form.cleaned_data.get("receiver", "") if hasattr(form, "cleaned_data") else ""
        person = queries.person_for_message(actor=actor, person_id=form.cleaned_data.get("person")) if hasattr(form, "cleaned_data") and form.cleaned_data.get("person") else None
    else:
        person = queries.person_for_message(actor=actor, person_id=request.GET["person"]) if request.GET.get("person") else None
        initial = {"channel": Channel.SYSTEM, "kind": request.GET.get("kind") or ""}
        place = None
        if person is not None:
            initial["person"] = person.pk
            place = queries.counterpart_for(actor=actor, person=person)
        code = (request.GET.get("receiver") or "").strip() or (place.code if place else "")
        initial["receiver"] = code
        form = ComposeForm(initial=initial)
    return render(request, "exchange/compose.html", {"form": form, "receiver_place": queries.place_for(code), "person": person})


@staff_view(Action.VIEW_EXCHANGE)
@require_safe
def attachment(request, pk, aid):
    """A scan, downloaded; logged (invariant 3)."""
    _, att = queries.get_attachment(actor=request.user, message_id=pk, attachment_id=aid)
    return download(bytes(att.data), att.content_type, content_disposition(att.name))
