"""Imports from other systems on the web (issue 15 part 4).

The people import page (/people/import/, its URL names unchanged) lives here since it gained what
needs quality: a saved column mapping chosen per source, the matching that holds uncertain rows,
the batch. people.imports.views keeps the upload form, its size limit, the stored report and the
template download. Then: the batches of one's area with the saved mappings, one batch (counts, the
refused rows with their reasons, the held rows a clerk decides, its rollback), and the mapping
editor. Every change goes through quality.services_imports."""
import datetime

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.text import format_lazy
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from liudong.accounts.forms import ServiceForm
from liudong.accounts.templatetags.liudong_ui import pick_message
from liudong.accounts.views_support import paginate
from liudong.clock import today  # the edge's one reading of the calendar (invariant 4)
from liudong.clock import now as clock_now
from liudong.errors import Invalid, NotFound
from liudong.jobs.services import NOT_FOUND, job_for
from liudong.people.imports import files
from liudong.people.imports.rows import LABELS
from liudong.people.imports.views import BAD_ROWS_PER_PAGE, ROW_PREFIX, ImportForm, _SizeLimit, import_view, load_result, store_result

from . import services_imports as imports
from . import services_outside
from .choices import HoldState
from .models import ImportMapping


class BatchImportForm(ImportForm):
    mapping = forms.TypedChoiceField(label=_("Column mapping"), required=False, coerce=int, empty_value=None,
                                     help_text=_("The saved mapping of the file's source; none: the column names of the template."))

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, max_bytes=files.MAX_JOB_FILE_BYTES, **kwargs)
        self.fields["mapping"].choices = [("", _("None (the template's column names)"))] + [
            (m.pk, m.source) for m in imports.usable_mappings(actor=actor)]
        self.order_fields(["file", "mapping", "good_rows_only"])


@csrf_exempt  # checked below, once the upload limit is in place (Django reads the body for the token)
@import_view
@require_http_methods(["GET", "POST"])
def import_page(request):
    limit = None
    if request.method == "POST":
        limit = _SizeLimit(request, files.MAX_JOB_FILE_BYTES)
        request.upload_handlers.insert(0, limit)
    return _import_page(request, limit)


@csrf_protect
def _import_page(request, limit):
    actor = request.user
    if request.method != "POST":
        form = BatchImportForm(actor=actor, initial={"mapping": request.GET.get("mapping") or ""})
    else:
        uploaded = request.FILES  # reads the body, through the size limit
        form = BatchImportForm(request.POST, uploaded, too_big=limit.too_big, actor=actor)
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if imports.needs_job(upload):
                # Issue 15 part 4: a file longer than the request takes goes to a background job;
                # its page shows the progress and then becomes the batch's page.
                job = imports.queue_import(actor=actor, fileobj=upload, name=upload.name, today=today(), now=clock_now(),
                                           good_rows_only=form.cleaned_data["good_rows_only"], mapping_id=form.cleaned_data["mapping"])
                return redirect("quality_import_job", pk=job.pk)
            result = imports.import_file(actor=actor, fileobj=upload, name=upload.name, today=today(), good_rows_only=form.cleaned_data["good_rows_only"],
                                         mapping_id=form.cleaned_data["mapping"])
        except Invalid as e:
            form.add_invalid(Invalid({("mapping" if k.startswith("mapping.") else k): v for k, v in e.errors.items()}))
        else:
            store_result(request, result)
            return redirect("person_import_result")
    return render(request, "people/import.html", {"form": form, "max_rows": files.MAX_ROWS, "max_mb": files.MAX_FILE_BYTES // 2**20,
                                                  "max_job_rows": files.MAX_JOB_ROWS, "max_job_mb": files.MAX_JOB_FILE_BYTES // 2**20})


@import_view
@require_safe
def job_page(request, pk: int):
    """A background import (issue 15 part 4): its progress while it runs (the page reloads itself),
    then the batch it wrote; a job that wrote nothing shows why (its report to download)."""
    actor = request.user
    job = job_for(actor=actor, job_id=pk)
    if job.kind != imports.JOB_KIND:
        raise NotFound(NOT_FOUND)
    batch = imports.batch_of_job(actor=actor, job_id=job.pk)
    if batch is not None:
        return redirect("quality_import", pk=batch.pk)
    return render(request, "quality/import_job.html", {"job": job})


@import_view
@require_safe
def import_result(request):
    result = load_result(request)
    if result is None:
        return redirect("person_import")
    page = paginate(request, result.bad_rows, per_page=BAD_ROWS_PER_PAGE)
    return render(request, "people/import_result.html", {
        "result": result, "page": page,
        "bad_rows": [(n, [ROW_PREFIX.sub("", pick_message(m)) for m in result.row_messages(n)]) for n in page],
    })


@import_view
@require_safe
def batches_page(request):
    actor = request.user
    page = paginate(request, imports.batches(actor=actor))
    return render(request, "quality/imports.html", {"page": page, "mappings": imports.usable_mappings(actor=actor)})


@import_view
@require_http_methods(["GET", "POST"])
def batch_page(request, pk: int):
    actor = request.user
    batch = imports.batch_of(actor=actor, batch_id=pk)
    errors: dict = {}
    if request.method == "POST":
        try:
            if request.POST.get("act") == "rollback":
                imports.rollback(actor=actor, batch_id=batch.pk, today=today())
                messages.success(request, _t("The batch was rolled back: everything it wrote is removed."))
            else:
                # R8/hole 1: a candidate living outside the clerk's area is claimed (an arrival
                # claim to her place), as on the duplicates page; one inside goes through the
                # import's own checks.
                done = services_outside.take_held_row(actor=actor, hold_id=request.POST.get("hold") or None, decision=request.POST.get("decision"),
                                                      person_id=request.POST.get("person_id") or None, today=today(), now=clock_now())
                messages.success(request, _t("Arrival claim sent to her place.") if done["claim"] is not None and done["hold"].state == HoldState.OPEN
                                 else _t("The held row was imported."))
            return redirect("quality_import", pk=batch.pk)
        except Invalid as e:
            errors = {k: [pick_message(m) for m in v] for k, v in e.errors.items()}
    due = batch.imported_on + datetime.timedelta(days=imports.window_days(batch, today()))
    return render(request, "quality/import.html", {
        "batch": batch, "errors": errors, "due": due, "holds": batch.holds.all(), "open": HoldState.OPEN,
        "refused": [(n, [ROW_PREFIX.sub("", pick_message(m)) for m in ms]) for n, ms in batch.refused_rows],
    }, status=422 if errors else 200)


class MappingForm(ServiceForm):
    """The columns of a source and, per value-mappable field, its own values: one "theirs = ours"
    a line (1 = 男)."""

    required = ("source",)
    source = forms.CharField(label=_("Source system"), required=False, help_text=_("The system whose exports use these columns."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in imports.MAPPABLE:
            self.fields[field] = forms.CharField(label=LABELS.get(field, field), required=False)
        for field in imports.VALUE_FIELDS:
            self.fields[f"values_{field}"] = forms.CharField(
                label=format_lazy("{}{}", LABELS.get(field, field), _(" (the source's values)")), required=False, widget=forms.Textarea(attrs={"rows": 3, "class": "value-map"}),
                help_text=_("One value a line: the source's value = ours (1 = 男). Empty: the usual values."))

    @staticmethod
    def lines(table: dict) -> str:
        return "\n".join(f"{theirs} = {ours}" for theirs, ours in (table or {}).items())

    @classmethod
    def initial_of(cls, saved) -> dict:
        if saved is None:
            return {}
        return {"source": saved.source, **saved.mapping, **{f"values_{f}": cls.lines(t) for f, t in (saved.values or {}).items()}}

    def data_for_service(self) -> dict:
        values = {}
        for field in imports.VALUE_FIELDS:
            table = {}
            for line in (self.cleaned_data.get(f"values_{field}") or "").splitlines():
                if not line.strip():
                    continue
                theirs, sep, ours = line.partition("=")
                if not sep:
                    theirs, sep, ours = line.partition("＝")
                table[theirs.strip()] = ours.strip() if sep else ""  # no "=": the service names the line
            if table:
                values[field] = table
        return {"source": self.cleaned_data["source"], "mapping": {f: self.cleaned_data[f] for f in imports.MAPPABLE if self.cleaned_data.get(f)},
                "values": values}

    def add_invalid(self, exc: Invalid):
        super().add_invalid(Invalid({(k.replace("values.", "values_") if k.startswith("values.") else k.removeprefix("mapping.")): v
                                     for k, v in exc.errors.items()}))


@import_view
@require_http_methods(["GET", "POST"])
def mapping_page(request, pk: int | None = None):
    actor = request.user
    saved = None
    if pk is not None:
        saved = ImportMapping.objects.filter(pk=pk, division=actor.division_id).first()
        if saved is None:
            raise NotFound(imports.NO_MAPPING)
    if request.method == "POST":
        form = MappingForm(request.POST)
        if form.is_valid():
            try:
                saved = imports.save_mapping(actor=actor, data=form.data_for_service(), today=today(), mapping_id=getattr(saved, "pk", None))
            except Invalid as e:
                form.add_invalid(e)
            else:
                messages.success(request, _t("The column mapping was saved."))
                return redirect("quality_imports")
    else:
        form = MappingForm(initial=MappingForm.initial_of(saved))
    return render(request, "quality/import_mapping.html", {
        "form": form, "saved": saved, "column_fields": [form[f] for f in imports.MAPPABLE],
        "value_fields": [form[f"values_{f}"] for f in imports.VALUE_FIELDS]}, status=422 if form.errors else 200)
