"""The technical-service pages (S1-S6): the due list with the check form, a woman's checks and
report slips, distributions with the recipient's confirmation and the totals, and the public
pages (institutions per province; what a report slip's QR code opens). Bad input shows the form
again with the service's errors and nothing saved (invariant 7); a success redirects."""
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from liudong.accounts.choices import Action
from liudong.accounts.views_support import over_limit, paginate, staff_view
from liudong.clock import now, today
from liudong.content_types import PDF_TYPE
from liudong.divisions.queries import DivisionNames, divisions_below
from liudong.errors import Invalid, NotFound

from . import documents, queries, services
from .models import CheckItem, ConfirmationKind, Method, PointKind, Product, Result

ITEMS = [(i.value, i.label) for i in CheckItem]
DUE_PER_PAGE = 100


def _pdf(data: bytes, disposition: str) -> HttpResponse:
    response = HttpResponse(data, content_type=PDF_TYPE)
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "no-store"
    return response


@staff_view(Action.VIEW_SERVICES)
@require_safe
def index(request):
    """S4: who is due or overdue this period, the county's schedule (or that none is in force),
    and (S2) the form that records a check."""
    actor = request.user
    period, item = request.GET.get("period") or None, request.GET.get("item") or "checks"
    division = request.GET.get("division") or None
    errors, due, page = {}, None, None
    try:
        due = queries.due_list(actor=actor, division_code=division, period=period, item=item, today=today())
        page = paginate(request, due.rows, per_page=DUE_PER_PAGE)  # the database computes this page only
        queries.log_due(actor=actor, due=due, shown=list(page))
    except Invalid as e:
        errors = e.errors
    for s in (due.schedules if due else []):
        s.key_n, s.ordinary_n = s.values.get("services.checks_per_year.key"), s.values.get("services.checks_per_year.ordinary")
    rows = list(page) if page is not None else []
    names = DivisionNames(sorted({r.village for r in rows}))
    for r in rows:
        r.village_name = names.name(r.village)
    return render(request, "technical/index.html", {
        "due": due, "rows": rows, "page": page, "errors": errors, "period": period or "", "item": item, "division": division or "",
        "can_record": actor.can(Action.HANDLE_SERVICES) and actor.division.level == 4, "items": ITEMS,
        "results": [(r.value, r.label) for r in Result], "methods": [(m.value, m.label) for m in Method],
        "institutions": list(queries.institutions(actor.division_id[:2].ljust(12, "0"), today())),
        "form": {"person_id": request.GET.get("person", "")[:20]}, "today": today(),
    })


@staff_view(Action.HANDLE_SERVICES)
@require_POST
def check_new(request):
    """S2: record a check; the report slip is issued and sent to her hukou township."""
    data = {k: request.POST.get(k, "") for k in ("person_id", "checked_on", "result", "method", "institution_id", "notes")}
    data["items"] = request.POST.getlist("items")
    try:
        check = services.record_check(actor=request.user, data=data, now=now())
    except Invalid as e:
        actor = request.user
        return render(request, "technical/index.html", {
            "due": None, "rows": [], "errors": {}, "form_errors": e.errors, "form": data, "period": "", "item": "checks", "division": "",
            "can_record": True, "items": ITEMS, "results": [(r.value, r.label) for r in Result], "methods": [(m.value, m.label) for m in Method],
            "institutions": list(queries.institutions(actor.division_id[:2].ljust(12, "0"), today())), "today": today(),
        }, status=422)
    messages.success(request, _("The check is recorded; report slip %(number)s went to her hukou township.") % {"number": check.report_number})
    return redirect(reverse("services_person", args=[check.person_id]))


@staff_view(Action.VIEW_SERVICES)
@require_safe
def person(request, pk):
    """S2, S3: a woman's checks and reports, with each report slip to print."""
    try:
        woman, rows = queries.checks_of(actor=request.user, person_id=pk)
    except NotFound as e:
        raise Http404(str(e)) from None
    names = DivisionNames(sorted({c.village for c in rows if c.village} | {c.hukou_place_id for c in rows if c.hukou_place_id}))
    for c in rows:
        c.village_name = names.full(c.village) if c.village else "—"
        c.item_labels = "、".join(queries.ITEM_LABELS[i] for i in c.items)  # each label's Chinese half: "孕情检查、环情检查"
    advice = queries.advice_of(actor=request.user, person_id=woman.pk)
    return render(request, "technical/person.html", {"woman": woman, "rows": rows, "advice": advice,
                                                     "hukou_side": request.user.in_scope(woman.hukou_division_id) and _may_record(request.user)})


@staff_view(Action.VIEW_SERVICES)
@require_safe
def slip_pdf(request, pk):
    """S2: the report slip with its stub, printed (logged)."""
    return _pdf(*documents.report_slip(actor=request.user, check_id=pk))


@staff_view(Action.VIEW_SERVICES)
@require_safe
def register_pdf(request):
    """S4, part 11: the check register of a period, one booklet per village."""
    try:
        return _pdf(*documents.check_register(actor=request.user, division_code=request.GET.get("division") or None,
                                              period=request.GET.get("period") or None, printed_on=today()))
    except Invalid as e:
        messages.error(request, "；".join(m for ms in e.errors.values() for m in ms))
        return redirect(reverse("services_index"))


@staff_view(Action.VIEW_SERVICES)
@require_http_methods(["GET", "POST"])
def distributions(request):
    """S5: the distribution book of a month, the totals per village and month, and the form."""
    actor = request.user
    form_errors, form = {}, {}
    if request.method == "POST":
        if not actor.can(Action.HANDLE_SERVICES):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied(_("Your role may not do this."))
        form = {k: request.POST.get(k, "") for k in ("person_id", "distributed_on", "product", "quantity", "point_id", "confirmation_kind", "confirmation_id", "notes")}
        upload = request.FILES.get("confirmation")
        try:
            services.record_distribution(actor=actor, data=form, now=now(), confirmation_file=upload)
            messages.success(request, _("The distribution is recorded with the recipient's confirmation."))
            return redirect(reverse("services_distributions"))
        except Invalid as e:
            form_errors = e.errors
    month = request.GET.get("month") or f"{today():%Y-%m}"
    rows, totals, errors = [], [], {}
    try:
        _division, _bounds, qs = queries.distributions(actor=actor, month=month)
        rows = list(qs[:300])
        queries.log_distributions(actor=actor, rows=rows)
        _division, totals = queries.distribution_totals(actor=actor, year=int(month[:4]))
    except (Invalid, ValueError) as e:
        errors = getattr(e, "errors", {"month": [str(e)]})
    names = DivisionNames(sorted({t["village"] for t in totals} | {r.village_id for r in rows}))
    for t in totals:
        t["village_name"] = names.name(t["village"])
        t["product_label"] = Product(t["product"]).label
    return render(request, "technical/distributions.html", {
        "rows": rows, "totals": totals, "month": month, "errors": errors, "form_errors": form_errors, "form": form,
        "can_record": actor.can(Action.HANDLE_SERVICES), "products": [(p.value, p.label) for p in Product],
        "kinds": [(k.value, k.label) for k in ConfirmationKind], "points": list(queries.points(actor=actor)),
    }, status=422 if form_errors else 200)


@staff_view(Action.VIEW_SERVICES)
@require_safe
def distribution_book_pdf(request):
    try:
        return _pdf(*documents.distribution_book(actor=request.user, month=request.GET.get("month") or f"{today():%Y-%m}", printed_on=today()))
    except Invalid as e:
        messages.error(request, "；".join(m for ms in e.errors.values() for m in ms))
        return redirect(reverse("services_distributions"))


@require_http_methods(["GET", "POST"])
def institutions(request):
    """S6 (1-六-(一)-6): the public list of qualified institutions of a province, without log-in;
    a province's officer, logged in, publishes one from the form under it."""
    user = request.user
    may_publish = user.is_authenticated and user.can(Action.PUBLISH_INSTITUTIONS)
    form, form_errors = {}, {}
    if request.method == "POST":
        if not user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        if not may_publish:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied(_("Your role may not do this."))
        form = {k: request.POST.get(k, "") for k in ("name", "address", "phone", "division", "published_on")}
        try:
            found = services.publish_institution(actor=user, data=form, now=now())
            messages.success(request, _("The institution is published on the province's list."))
            return redirect(f"{reverse('services_institutions')}?province={found.province_id}")
        except Invalid as e:
            form_errors = e.errors
    province = request.GET.get("province") or (user.division_id if may_publish else "")
    code = province[:2].ljust(12, "0") if province[:2].isdigit() else None
    rows = list(queries.institutions(code, today())) if code else []
    return render(request, "technical/institutions.html", {"rows": rows, "province": code, "provinces": queries.provinces_with_institutions(),
                                                            "public": True, "may_publish": may_publish, "form": form, "form_errors": form_errors},
                  status=422 if form_errors else 200)


@require_safe
def institutions_pdf(request):
    province = request.GET.get("province") or ""
    code = province[:2].ljust(12, "0") if province[:2].isdigit() else None
    return _pdf(*documents.institution_list(province_code=code, printed_on=today()))


# The slip check page: at most this many looks a minute from one client address, counted in the
# cache every server process shares (liudong.limits.hit, as the certificates' and permits' pages).
PUBLIC_CHECKS_PER_MINUTE = 30


@require_safe
def slip_check(request, slip_token):
    """S2: what a report slip's QR code opens: whether it is authentic, its date, the issuing
    township and a masked name; nothing else about her."""
    if over_limit(request, "slip", PUBLIC_CHECKS_PER_MINUTE):
        response = render(request, "technical/slip_check.html", {"limited": True, "public": True}, status=429)
        response["Retry-After"] = "60"
        return response
    found = queries.verify_slip(slip_token)
    return render(request, "technical/slip_check.html", {"found": found, "public": True}, status=200 if found else 404)


def _may_record(actor) -> bool:
    return actor.can(Action.HANDLE_SERVICES) and actor.division.level == 4


OUTFLOW_FORMS = {
    # form name -> (service, fields, success message)
    "advice": (services.record_departure_advice, ("person_id", "advised_on", "method", "told_to_attend_checks", "notes"),
               "The advice before she leaves is recorded."),
    "mailed": (services.record_mailed_report, ("person_id", "checked_on", "received_on", "result", "method", "institution_text", "notes"),
               "The report mailed back is recorded against her."),
    "visit": (services.record_returnee_visit, ("person_id", "visited_on", "notes"), "The follow-up visit is recorded; she is off the to-do list."),
}


@staff_view(Action.VIEW_SERVICES)
@require_http_methods(["GET", "POST"])
def outflow(request):
    """S3, the hukou side (1-四-(三), 3-八-3): the returnees awaiting a follow-up visit (the to-do
    list, each with its visit form), the advice before she leaves and the reports mailed back."""
    actor = request.user
    forms = {name: {} for name in OUTFLOW_FORMS}
    form_errors = {name: {} for name in OUTFLOW_FORMS}
    if request.method == "POST":
        if not actor.can(Action.HANDLE_SERVICES):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied(_("Your role may not do this."))
        which = request.POST.get("form", "")
        if which not in OUTFLOW_FORMS:
            raise Http404("unknown form")
        act, names, success = OUTFLOW_FORMS[which]
        data = {k: request.POST.get(k, "") for k in names}
        data["items"] = request.POST.getlist("items")
        try:
            done = act(actor=actor, data=data, now=now())
            messages.success(request, _(success))
            return redirect(reverse("services_person", args=[done.person_id]) if which != "visit" else reverse("services_outflow"))
        except Invalid as e:
            forms[which], form_errors[which] = data, e.errors
    person = request.GET.get("person") or ""
    for name in ("advice", "mailed"):
        forms[name].setdefault("person_id", person)
    returnees = queries.returnees_due(actor=actor, today=today())
    names = DivisionNames(sorted({r.division_id for r in returnees}))
    for r in returnees:
        r.place = names.full(r.division_id)
    return render(request, "technical/outflow.html", {
        "returnees": returnees, "forms": forms, "form_errors": form_errors, "can_record": _may_record(actor), "today": today(),
        "items": ITEMS, "results": [(r.value, r.label) for r in Result], "methods": [(m.value, m.label) for m in Method],
    }, status=422 if any(form_errors.values()) else 200)


@staff_view(Action.VIEW_SERVICES)
@require_http_methods(["GET", "POST"])
def catalogue(request):
    """S1 (1-五-(三)-1/2): the free items with the exams each needs, and the distribution points
    and vending machines of the user's area, with the form a township sets one up with."""
    actor = request.user
    form, form_errors = {}, {}
    if request.method == "POST":
        if not actor.can(Action.HANDLE_SERVICES):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied(_("Your role may not do this."))
        form = {k: request.POST.get(k, "") for k in ("kind", "name", "address", "village", "opened_on")}
        try:
            services.add_distribution_point(actor=actor, data=form, now=now())
            messages.success(request, _("The distribution point is set up."))
            return redirect(reverse("services_catalogue"))
        except Invalid as e:
            form_errors = e.errors
    points = list(queries.points(actor=actor))
    names = DivisionNames(sorted({p.township_id for p in points} | {p.village_id for p in points if p.village_id}))
    for p in points:
        p.place = names.full(p.village_id or p.township_id)
    return render(request, "technical/catalogue.html", {
        "items": queries.service_items(actor=actor), "points": points, "form": form, "form_errors": form_errors,
        "can_record": _may_record(actor), "kinds": [(k.value, k.label) for k in PointKind],
        "villages": divisions_below(actor=actor, min_level=5, max_level=5) if _may_record(actor) else [],
    }, status=422 if form_errors else 200)
