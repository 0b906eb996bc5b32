"""Part 11: the written log of a place's submissions and replies (exchange.written_log), as a page
with a form (place, period) and as a printed PDF. Bad input is shown next to its field (200); a
place outside the actor's subtree is 404; a role without VIEW_EXCHANGE gets 403."""
from urllib.parse import urlencode

from django.shortcuts import render
from django.views.decorators.http import require_GET

from liudong.accounts.choices import Action
from liudong.accounts.views_support import other_errors, place_and_period, staff_view
from liudong.clock import today
from liudong.content_types import PDF_TYPE, download
from liudong.errors import Invalid

from . import written_log

FORM_FIELDS = ("division", "start", "end")


def _values(request) -> dict:
    return place_and_period(request, from_new_year=False)


@require_GET
@staff_view(Action.VIEW_EXCHANGE)
def log_page(request):
    values = _values(request)
    ctx = {"values": values, "errors": {}, "req": None}
    try:
        req, log = written_log.show(actor=request.user, division=values["division"], start=values["start"], end=values["end"], today=today())
    except Invalid as e:
        ctx["errors"] = e.errors
    else:
        ctx.update(req=req, log=log, pdf_query=urlencode(values))
    ctx["other_errors"] = other_errors(ctx["errors"], FORM_FIELDS)
    return render(request, "exchange/written_log.html", ctx)


@require_GET
@staff_view(Action.VIEW_EXCHANGE)
def log_pdf(request):
    values = _values(request)
    try:
        data, disposition = written_log.print_pdf(actor=request.user, division=values["division"], start=values["start"], end=values["end"], printed_on=today())
    except Invalid as e:
        errors = e.errors
        return render(request, "exchange/written_log.html", {"values": values, "errors": errors, "req": None,
                                                             "other_errors": other_errors(errors, FORM_FIELDS)}, status=400)
    return download(data, PDF_TYPE, disposition)
