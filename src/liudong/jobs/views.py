"""Export jobs on the web: ask for a file (the register page's buttons post here), watch its
progress bar, fetch it, or cancel it.

The job page works without JavaScript: while the job runs it reloads itself every two seconds
(a refresh inside <noscript>) and has a "刷新" link; with JavaScript (static/liudong-jobs.js) it
asks `status.json` every second and moves the bar in place, and reloads once the job ends.
"""
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from liudong.accounts.views_support import paginate, staff_view
from liudong.clock import now, today
from liudong.errors import Invalid

from . import kinds, services
from .api import file_response
from .models import JobState

FORM_KEYS = ("csrfmiddlewaretoken", "kind", "format")


def _labels(job) -> dict:
    kind = kinds.get(job.kind)
    return {"kind_label": kind.label if kind else job.kind, "state_label": JobState(job.state).label, "format_label": "Excel (.xlsx)" if job.format == "xlsx" else "PDF"}


@require_POST
@staff_view()
def export_create(request):
    """Every field but kind and format is a parameter of the kind (a register: division, start, end)."""
    params = {k: v.strip() for k, v in request.POST.items() if k not in FORM_KEYS}
    try:
        job = services.request_export(actor=request.user, kind=request.POST.get("kind"), format=request.POST.get("format"), params=params,
                                      today=today(), now=now())
    except Invalid as e:
        page = paginate(request, services.jobs_of(actor=request.user))
        rows = [(job, _labels(job)) for job in page]
        errors = [m for ms in e.errors.values() for m in ms]
        return render(request, "jobs/list.html", {"page": page, "rows": rows, "errors": errors, "active": False}, status=422)
    return redirect("export_detail", pk=job.pk)


@require_GET
@staff_view()
def export_list(request):
    page = paginate(request, services.jobs_of(actor=request.user))
    rows = [(job, _labels(job)) for job in page]
    return render(request, "jobs/list.html", {"page": page, "rows": rows, "errors": [], "active": any(job.active for job in page)})


@require_GET
@staff_view()
def export_detail(request, pk: int):
    job = services.job_for(actor=request.user, job_id=pk)
    return render(request, "jobs/detail.html", {
        "job": job, **_labels(job), "mine": job.owner_id == request.user.pk, "delete_due_on": services.delete_due_on(job),
    })


@require_GET
@staff_view()
def export_status(request, pk: int):
    job = services.job_for(actor=request.user, job_id=pk)
    response = JsonResponse({"state": job.state, "state_label": JobState(job.state).label, "progress": job.progress,
                             "rows_done": job.rows_done, "rows_total": job.rows_total, "message": job.message})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@staff_view()
def export_file(request, pk: int):
    try:
        job, path = services.open_file(actor=request.user, job_id=pk)
    except Invalid as e:
        messages.error(request, "；".join(m for ms in e.errors.values() for m in ms))
        return redirect("export_detail", pk=pk)
    return file_response(job, path)


@require_POST
@staff_view()
def export_cancel(request, pk: int):
    try:
        services.cancel_export(actor=request.user, job_id=pk, now=now())
    except Invalid as e:
        messages.error(request, "；".join(m for ms in e.errors.values() for m in ms))
    else:
        messages.success(request, "导出任务已取消 / the export job was cancelled")
    return redirect("export_detail", pk=pk)
