"""R7 back-checks and R9 births reconciled, on the web (the API had them first): draw a month's
sample (its seed shown; the same seed draws the same items again, for an inspector), the items
assigned per collector with the grouped reverse checks of rental homes, a result recorded correct
or corrected field by field, an unannounced spot check, and the error rate per collector and per
village by month (table and chart); the clinics' and police's lists uploaded, and per township
and month the births one side lacks, each a to-do with a link to what resolves it. Every change
goes through quality.services_backchecks / services_recon; a bad form or file changes nothing."""
import json

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from liudong.accounts.choices import Action
from liudong.accounts.views_support import staff_view
from liudong.clock import today  # the edge's one reading of the calendar (invariant 4)
from liudong.errors import Invalid, NotFound

from . import queries, queries_backchecks, services_backchecks, services_recon
from .choices import BackcheckResult, ReconSide, ReconSource

RESULTS = [(BackcheckResult.CORRECT, gettext_lazy("Correct")), (BackcheckResult.CORRECTED, gettext_lazy("Corrected"))]


def _result_data(post) -> dict:
    return {"result": post.get("result") or None, "fields": post.getlist("fields"), "checked_on": post.get("checked_on", ""), "note": post.get("note", "")}


def _fields():
    return [(f, queries_backchecks.FIELD_LABELS[f]) for f in services_backchecks.CHECKED_FIELDS]


@require_http_methods(["GET", "POST"])
@staff_view(Action.RUN_BACKCHECKS)
def backchecks_page(request):
    actor = request.user
    errors: dict = {}
    by = "village" if request.GET.get("by") == "village" else "collector"
    form = {"division": actor.division_id, "period": today().strftime("%Y-%m"), "seed": ""}
    spot = {}
    if request.method == "POST":
        try:
            if request.POST.get("act") == "spot":
                spot = _result_data(request.POST) | {"person_id": request.POST.get("person_id", "")}
                data = dict(spot, person_id=int(spot["person_id"]) if spot["person_id"].strip().isdigit() else None)
                try:
                    services_backchecks.spot_check(actor=actor, data=data, today=today())
                except NotFound as e:  # on the page a wrong number is a field error, not a 404 page
                    raise Invalid({"person_id": [str(e)]}) from None
                messages.success(request, _("Spot check recorded as unannounced."))
                return redirect("quality_backchecks")
            form = {k: request.POST.get(k, "").strip() for k in ("division", "period", "seed")}
            drawn = services_backchecks.draw(actor=actor, data={**form, "seed": form["seed"] or None}, today=today())
            messages.success(request, _("Drawn with seed %(seed)s.") % {"seed": drawn.seed})
            return redirect("quality_backcheck_draw", draw_id=drawn.pk)
        except Invalid as e:
            errors = e.errors
    rows = services_backchecks.error_rates(actor=actor, division=actor.division, by=by)
    names = queries_backchecks.village_names(r["who"] for r in rows) if by == "village" else {}
    rows, chart = queries_backchecks.rate_chart(rows, names)
    return render(request, "quality/backchecks.html", {
        "draws": queries_backchecks.draws(actor=actor)[:50], "form": form, "spot": spot, "errors": errors, "by": by, "rates": rows,
        "chart": json.dumps(chart, ensure_ascii=False), "results": RESULTS, "fields": _fields(), "today": today().isoformat(),
    }, status=422 if errors else 200)


@require_http_methods(["GET"])
@staff_view(Action.RUN_BACKCHECKS)
def draw_page(request, draw_id: int):
    actor = request.user
    drawn = queries_backchecks.draw_of(actor=actor, draw_id=draw_id)
    groups = queries_backchecks.by_collector(drawn)
    queries.log_list(actor=actor, what="person.backcheck_list", person_ids=[i.person_id for g in groups for i in g["items"]], criteria={"draw": drawn.pk})
    return render(request, "quality/backcheck_draw.html", {"draw": drawn, "groups": groups, "labels": queries_backchecks.FIELD_LABELS})


@require_http_methods(["GET", "POST"])
@staff_view(Action.RUN_BACKCHECKS)
def item_page(request, backcheck_id: int):
    actor = request.user
    item = queries_backchecks.item_of(actor=actor, item_id=backcheck_id)
    errors: dict = {}
    posted = {}
    if request.method == "POST":
        posted = _result_data(request.POST)
        try:
            services_backchecks.record_result(actor=actor, item_id=item.pk, data=posted, today=today())
            messages.success(request, _("Back-check result recorded."))
            return redirect("quality_backcheck_draw", draw_id=item.draw_id) if item.draw_id else redirect("quality_backchecks")
        except Invalid as e:
            errors = e.errors
    queries.log_list(actor=actor, what="person.backcheck_list", person_ids=[item.person_id], criteria={"backcheck": item.pk})
    return render(request, "quality/backcheck_item.html", {
        "item": item, "errors": errors, "posted": posted, "results": RESULTS, "fields": _fields(), "today": today().isoformat(),
        "corrected": [queries_backchecks.FIELD_LABELS.get(f, f) for f in item.corrected_fields],
    }, status=422 if errors else 200)


@require_http_methods(["GET", "POST"])
@staff_view(Action.HANDLE_CASES)
def reconciliations_page(request):
    actor = request.user
    errors: dict = {}
    form = {"division": actor.division_id, "period": today().strftime("%Y-%m"), "source": ReconSource.IMMUNISATION}
    mapping = {}
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in ("division", "period", "source")}
        mapping = {f: request.POST.get(f"map_{f}", "").strip() for f in services_recon.COLUMNS if request.POST.get(f"map_{f}", "").strip()}
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise Invalid({"file": ["请选择文件 / choose a file"]})
            run = services_recon.reconcile(actor=actor, data={**form, "mapping": mapping or None}, fileobj=upload, file_name=upload.name, today=today())
            messages.success(request, _("List checked: %(rows)s births read.") % {"rows": run.rows})
            return redirect("quality_reconciliation", reconciliation_id=run.pk)
        except Invalid as e:
            errors = e.errors
    return render(request, "quality/reconciliations.html", {
        "runs": queries_backchecks.reconciliations(actor=actor)[:50], "form": form, "mapping": mapping, "errors": errors,
        "sources": ReconSource.choices, "columns": list(services_recon.COLUMNS),
    }, status=422 if errors else 200)


@require_http_methods(["GET", "POST"])
@staff_view(Action.HANDLE_CASES)
def reconciliation_page(request, reconciliation_id: int):
    actor = request.user
    run = queries_backchecks.reconciliation_of(actor=actor, reconciliation_id=reconciliation_id)
    errors: dict = {}
    if request.method == "POST":
        try:
            services_recon.resolve_item(actor=actor, item_id=request.POST.get("item") if str(request.POST.get("item", "")).isdigit() else None, today=today())
            messages.success(request, _("To-do marked done."))
            return redirect("quality_reconciliation", reconciliation_id=run.pk)
        except Invalid as e:
            errors = e.errors
    items = list(run.items.select_related("person", "resolved_by"))
    queries.log_list(actor=actor, what="person.reconciliation_list", person_ids=[i.person_id for i in items if i.person_id], criteria={"reconciliation": run.pk})
    return render(request, "quality/reconciliation.html", {
        "run": run, "errors": errors, "source_only": [i for i in items if i.side == ReconSide.SOURCE_ONLY],
        "registry_only": [i for i in items if i.side == ReconSide.REGISTRY_ONLY],
    }, status=422 if errors else 200)
