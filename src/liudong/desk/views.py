"""The desk's pages (Q1-Q9): the list of the desk's requests, the new request (category →
documents → notice → persons), the request's page (run, choose, the answer on screen, the print
view and the PDFs), the register by date; the station's consent tasks and flags; the county's
approvals of statistics. Bad input shows the form again with the service's errors, nothing saved."""
import datetime

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from liudong import fields
from liudong.accounts.choices import Action
from liudong.accounts.views_support import over_limit, paginate, staff_view
from liudong.clock import now, today
from liudong.content_types import PDF_TYPE, content_disposition
from liudong.divisions.queries import in_range
from liudong.errors import Invalid

from . import documents, exports, queries, rules, serialize, services
from .choices import DOCUMENTS, FIELDS, MATCH_LABELS, MATCHES, POPULATION_LABELS, POPULATIONS, State, SubjectState, zh
from .models import Inquiry

SUBJECT_ROWS = 3
REGISTER_SCREEN_ROWS = 500
SUBJECT_KEYS = ("name", "match", "sex", "birth_date", "age_min", "age_max", "id_number", "native_place", "area_or_occupation", "population")
STATE_LABELS = {s.value: s.label.split(" ")[0] for s in State}
RESULT_LABELS = {s.value: s.label.split(" ")[0] for s in SubjectState}


def _pdf(data: bytes, disposition: str) -> HttpResponse:
    response = HttpResponse(data, content_type=PDF_TYPE)
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "no-store"
    return response


def _categories(actor, day):
    if not rules.in_force(actor.division_id, day):
        return []
    # `criteria_only`: a count over criteria (Q3 (d)), where no person is named: the form asks for
    # sex, ages and population only. Read from the category's rules, never from its code.
    return [{"code": c, "label": s["label"].split(" ")[0], "spec": s, "criteria_only": s.get("count_of") == "statistics",
             "documents": [[(d, zh(DOCUMENTS[d])) for d in alt] for alt in s["documents"]],
             "fields": [zh(FIELDS[f]) for f in s["fields"]], "routing": zh(s["routing"]) if s.get("routing") else ""} for c, s in rules.categories(actor.division_id, day)]


@staff_view(Action.TAKE_QUERIES)
@require_safe
def index(request):
    page = paginate(request, queries.desk_inquiries(actor=request.user).order_by("-received_on", "-id"))
    for i in page:
        i.state_label = STATE_LABELS.get(i.state, i.state)
    return render(request, "desk/index.html", {"page": page, "in_force": rules.in_force(request.user.division_id, today())})


def _form_data(post, criteria_only: bool) -> dict:
    """The form as the service's input. A row of persons counts only when something besides its
    preset choices (同音/同字, "named in the letter") is filled in: the empty rows a browser sends
    with their selects set are not persons without a name (found walking the desk in Chromium)."""
    subjects = []
    for n in range(SUBJECT_ROWS):
        row = {k: post.get(f"s{n}_{k}", "").strip() for k in SUBJECT_KEYS}
        if not any(v for k, v in row.items() if k != "match"):
            continue
        row = {k: v for k, v in row.items() if v}
        row["named_in_letter"] = post.get(f"s{n}_named_in_letter") == "on"
        subjects.append(row)
    if not subjects and criteria_only:
        subjects = [{}]
    return {"category": post.get("category", ""), "documents": post.getlist("documents"), "reason": post.get("reason", ""),
            "relationship": post.get("relationship", ""), "notice_acknowledged": post.get("notice_acknowledged") == "on",
            "requester": {k: post.get(f"requester_{k}", "") for k in ("name", "unit", "id_document", "id_number", "phone", "address")}, "subjects": subjects}


@staff_view(Action.TAKE_QUERIES)
@require_http_methods(["GET", "POST"])
def new(request):
    actor, day = request.user, today()
    categories = _categories(actor, day)
    chosen = request.POST.get("category") or request.GET.get("category") or ""
    current = next((c for c in categories if c["code"] == chosen), None)
    errors, values = {}, request.POST
    if request.method == "POST":
        scans = []
        for d in request.POST.getlist("documents"):
            f = request.FILES.get(f"scan_{d}")
            if f is not None:
                scans.append((d, f.name, (f.content_type or "").split(";")[0].strip().lower(), f.read()))
        try:
            inquiry = services.create_inquiry(actor=actor, data=_form_data(request.POST, bool(current and current["criteria_only"])), now=now(), scans=scans)
        except Invalid as e:
            errors = e.errors
        else:
            if inquiry.state == State.REFUSED:
                messages.warning(request, _("The request was refused and recorded in the register."))
            else:
                messages.success(request, _("The request was recorded."))
            return redirect("desk_detail", inquiry.pk)
    rows = [{"n": n, **{k: values.get(f"s{n}_{k}", "") for k in SUBJECT_KEYS}, "named": values.get(f"s{n}_named_in_letter", "on") == "on" if values else True}
            for n in range(SUBJECT_ROWS)]
    return render(request, "desk/new.html", {
        "categories": categories, "current": current, "chosen": chosen, "errors": errors, "values": values, "rows": rows,
        "ticked": set(values.getlist("documents")) if values else set(), "notice": documents.NOTICE, "declaration": documents.DECLARATION,
        "matches": [(m, zh(MATCH_LABELS[m])) for m in MATCHES], "populations": [(p, zh(POPULATION_LABELS[p])) for p in POPULATIONS],
        "status": 422 if errors else 200}, status=422 if errors else 200)


def _detail_context(request, inquiry):
    out = serialize.inquiry_out(inquiry, today=today())
    spec = rules.spec(inquiry.division_id, inquiry.received_on, inquiry.category)
    for s in out["subjects"]:
        s["state_label"] = RESULT_LABELS.get(s["state"], s["state"])
    if out["answer"]:
        for item in out["answer"]["subjects"]:
            item["rows"] = [(zh(FIELDS[k]), v) for k, v in (item["person"] or {}).items()]
            item["result_label"] = RESULT_LABELS.get(item["result"], item["result"])
            item["name"] = next((s["name"] for s in out["subjects"] if s["position"] == item["position"]), "")
    return {"inquiry": inquiry, "out": out, "spec": spec, "category_label": spec["label"].split(" ")[0], "state_label": STATE_LABELS.get(out["state"], out["state"]),
            "documents": [zh(DOCUMENTS.get(d, d)) for d in out["documents"]], "covers": zh(queries.COVERS),
            "refusal": [line.split(" / ")[0] for line in inquiry.refusal_reason.splitlines()], "routing": zh(inquiry.routing) if inquiry.routing else "",
            "notice": documents.NOTICE,
            "scans": [(p.pk, zh(DOCUMENTS.get(p.document, p.document)).split("（")[0], p.name) for p in inquiry.scans.defer("data").order_by("id")]}


@staff_view(Action.TAKE_QUERIES)
@require_safe
def detail(request, pk):
    inquiry = queries.get_inquiry(actor=request.user, inquiry_id=pk)
    return render(request, "desk/detail.html", _detail_context(request, inquiry))


@staff_view(Action.TAKE_QUERIES)
@require_safe
def print_view(request, pk):
    inquiry = queries.get_inquiry(actor=request.user, inquiry_id=pk, log=False)
    services.record_print(actor=request.user, inquiry=inquiry, what="screen")
    return render(request, "desk/print.html", _detail_context(request, inquiry))


def _act(request, pk, call, done):
    try:
        call()
    except Invalid as e:
        for msgs in e.errors.values():
            for m in msgs:
                messages.error(request, m)
    else:
        messages.success(request, done)
    return redirect("desk_detail", pk)


@staff_view(Action.TAKE_QUERIES)
@require_POST
def acknowledge(request, pk):
    return _act(request, pk, lambda: services.acknowledge(actor=request.user, inquiry_id=pk, now=now()), _("The notice was acknowledged and the form signed."))


@staff_view(Action.TAKE_QUERIES)
@require_POST
def run(request, pk):
    return _act(request, pk, lambda: services.run(actor=request.user, inquiry_id=pk, now=now()), _("The search was run."))


@staff_view(Action.TAKE_QUERIES)
@require_POST
def select(request, pk):
    return _act(request, pk, lambda: services.select(actor=request.user, inquiry_id=pk, data={"person_id": request.POST.get("person_id")}, now=now()),
                _("The person was chosen."))


@staff_view(Action.TAKE_QUERIES)
@require_safe
def application_pdf(request, pk):
    return _pdf(*documents.application_form(actor=request.user, inquiry_id=pk, printed_on=today()))


@staff_view(Action.TAKE_QUERIES)
@require_safe
def agreement_pdf(request, pk):
    return _pdf(*documents.agreement_form(actor=request.user, inquiry_id=pk, printed_on=today()))


@staff_view(Action.TAKE_QUERIES)
@require_safe
def result_pdf(request, pk):
    return _pdf(*documents.result_sheet(actor=request.user, inquiry_id=pk, printed_on=today(), today=today()))


def _period(request):
    errors = {}
    day = today()
    start = fields.date(request.GET, "start", errors, today=day) or day.replace(day=1)
    end = fields.date(request.GET, "end", errors, today=day) or day
    if start > end:
        errors["end"] = ["结束日期早于开始日期 / the end is before the start"]
        start = end
    return start, end, errors


@staff_view(Action.TAKE_QUERIES)
@require_safe
def register(request):
    """Q8: the register of a period on screen; printed (PDF) by the same period as an export job
    (desk/exports.py), whatever its length."""
    start, end, errors = _period(request)
    # The screen shows the first lines of a long period; the print job has them all.
    rows = documents.register_rows(actor=request.user, start=start, end=end, today=today(), limit=REGISTER_SCREEN_ROWS + 1)
    more = len(rows) > REGISTER_SCREEN_ROWS
    rows = rows[:REGISTER_SCREEN_ROWS]
    if rows:
        from liudong.accounts.audit import record

        record(request.user, "inquiry.register.view", object_type="inquiry", fields={"start": start.isoformat(), "end": end.isoformat(), "count": len(rows),
                                                                                     "person_ids": sorted({p for r in rows for p in r["person_ids"]})})
    return render(request, "desk/register.html", {"rows": rows, "start": start, "end": end, "errors": errors, "export_kind": exports.KIND,
                                                  "division": request.user.division_id, "more": more, "shown": REGISTER_SCREEN_ROWS}, status=422 if errors else 200)


@staff_view(Action.TAKE_QUERIES)
@require_safe
def scan(request, pk, scan_pk):
    """Q8: a paper kept with the register (letter, card copy, agreement), shown to the desk that took
    the request and to no one else (404); each opening is logged (invariant 3)."""
    name, content_type, data = queries.open_scan(actor=request.user, inquiry_id=pk, scan_id=scan_pk)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(name, f"scan-{scan_pk}", inline=True)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_view(Action.TAKE_QUERIES)
@require_safe
def verify(request):
    code = request.GET.get("code", "")
    found = documents.check_code(actor=request.user, code=code) if code else None
    return render(request, "desk/verify.html", {"code": code, "found": found})


# ------------------------------------------------------------------ Q7: the station

@staff_view(Action.ANSWER_CONSENT)
@require_safe
def consent_tasks(request):
    tasks = queries.log_tasks_shown(actor=request.user, tasks=queries.consent_tasks(actor=request.user))
    flagged = list(queries.flagged_inquiries(actor=request.user)[:50])
    return render(request, "desk/consent.html", {"tasks": tasks, "flagged": flagged, "today": today()})


def _consent_posted(request, answer) -> None:
    granted = request.POST.get("granted")
    try:
        answer({"granted": {"yes": True, "no": False}.get(granted, granted)})
    except Invalid as e:
        for msgs in e.errors.values():
            for m in msgs:
                messages.error(request, m)
    else:
        messages.success(request, _("The person's answer was recorded."))


@staff_view(Action.ANSWER_CONSENT)
@require_POST
def consent_answer(request, pk):
    """By the request and the person (the form of earlier pages)."""
    person_id = request.POST.get("person_id")
    _consent_posted(request, lambda data: services.answer_consent(actor=request.user, inquiry_id=pk, data={**data, "person_id": person_id}, now=now()))
    return redirect("desk_consent_tasks")


@staff_view(Action.ANSWER_CONSENT)
@require_POST
def consent_task_answer(request, pk):
    """By the task: also a task from a desk on another node (issue 16), which has no request here."""
    _consent_posted(request, lambda data: services.answer_consent_task(actor=request.user, task_id=pk, data=data, now=now()))
    return redirect("desk_consent_tasks")


# ------------------------------------------------------------------ Q3 (d): approvals

@staff_view(Action.APPROVE_QUERY_STATISTICS)
@require_safe
def approvals(request):
    """Q3 (d): the requests of the desks in the officer's area whose category needs the superior
    office's approval (the `approval` of the set in force when each was received), not yet decided."""
    qs = Inquiry.objects.filter(state__in=[State.AWAITING_APPROVAL, State.RECORDED, State.CHECKED], approved__isnull=True)
    qs = qs.filter(in_range("division_id", request.user.division_id)) if request.user.division.level <= 3 else qs.none()
    rows = [i for i in qs.select_related("division").order_by("received_on", "id") if rules.spec(i.division_id, i.received_on, i.category).get("approval")]
    return render(request, "desk/approvals.html", {"rows": rows})


@staff_view(Action.APPROVE_QUERY_STATISTICS)
@require_POST
def approve(request, pk):
    try:
        services.approve(actor=request.user, inquiry_id=pk, data={"approved": request.POST.get("approved") != "no"}, now=now())
    except Invalid as e:
        for msgs in e.errors.values():
            for m in msgs:
                messages.error(request, m)
    else:
        messages.success(request, _("The decision was recorded."))
    return redirect("desk_approvals")


# ------------------------------------------------------------------ Q4: the result sheet's QR code

PUBLIC_CHECKS_PER_MINUTE = 20


@require_safe
def public_check(request, code):
    """No log-in (the QR code of a result sheet): whether the sheet is genuine, with the masked names
    and which items were told, never their values (Q4); logged without an actor."""
    if over_limit(request, "desk.public", PUBLIC_CHECKS_PER_MINUTE):
        response = render(request, "desk/public_check.html", {"throttled": True}, status=429)
        response["Retry-After"] = "60"
        return response
    found = documents.public_check(code)
    if found is not None:
        from liudong.accounts.audit import record

        record(None, "inquiry.public_check", obj=found["inquiry"], fields={"file_number": found["file_number"]})
    response = render(request, "desk/public_check.html", {"found": found}, status=200 if found else 404)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
