"""R3: the register page (form, paged table, buttons that make the whole register as .xlsx or PDF
in the background: liudong.jobs) and the files made at once for small registers.

Bad input shows field errors on the form (invariant 7), a division outside the actor's subtree
answers 404 (invariant 2), a role without the right 403; every page shown and every file made is
logged with the persons in it (invariant 3).
"""
from urllib.parse import urlencode

from django.shortcuts import render
from django.views.decorators.http import require_GET

from liudong.accounts.choices import Action
from liudong.accounts.templatetags.liudong_ui import pick_label
from liudong.accounts.views_support import figures_or_errors, other_errors, place_and_period, staff_view
from liudong.clock import today
from liudong.content_types import download

from . import documents, queries


def _form_values(request, kind=None) -> dict:
    return {"kind": kind or (request.GET.get("kind") or "inflow").strip(), **place_and_period(request)}


def _page_number(raw) -> int:
    try:
        return max(1, int(str(raw).strip()))
    except (TypeError, ValueError):
        return 1


FORM_FIELDS = ("kind", "division", "start", "end")
# Short cells that read badly when wrapped.
NOWRAP = {"seq", "name", "sex", "birth_date", "id_number", "arrived_on", "left_on", "left_home_on", "reason"}
# Long text (places, addresses, homes, employers) gets a readable width instead of being squeezed
# into a narrow column a few characters a line (issue 9 item 8); the table scrolls sideways instead.
WIDE = {"hukou_place", "address", "hukou_address", "residence_place", "housing", "employer", "returns"}


# The page's column headers in English (the printed registers keep their Chinese headers).
HEADERS_EN = {
    "seq": "No.", "name": "Name", "sex": "Sex", "birth_date": "Date of birth", "id_number": "ID number", "marriage": "Marriage and children",
    "hukou_place": "Hukou place", "address": "Address", "arrived_on": "Arrived", "left_on": "Left", "returns": "Returns home",
    "certificate_held_on": "Certificate held since", "reason": "Reason", "housing": "Rental home", "employer": "Employer",
    "recorded_by": "Recorded by", "hukou_address": "Hukou address", "residence_place": "Living in", "left_home_on": "Left home",
    "certificate_issued_on": "Certificate issued",
}


def _title(kind) -> str:
    """The register's name in the page's language: 流入人口登记册 / 流出人口登记簿 (the seed's names)."""
    return pick_label(f"{queries.TITLES[kind]} {queries.TITLES_EN[kind]}")


def _cells(req, rows):
    classes = ["nowrap" if c.key in NOWRAP else "wide-text" if c.key in WIDE else "" for c in req.columns]
    return [list(zip(cells, classes)) for cells in queries.display_rows(req, rows)]


def _render(request, ctx, status):
    ctx["other_errors"] = other_errors(ctx["errors"], FORM_FIELDS)
    return render(request, "registers/register.html", ctx, status=status)


def _page(request, values: dict, *, errors=None, status=200):
    """Render the page; with `show`, the register itself (one page of 50)."""
    user = request.user
    ctx = {
        "values": values, "errors": errors or {}, "kinds": [(k, _title(k)) for k in queries.KINDS],
        "can_export": user.can(Action.EXPORT_REGISTERS), "shown": False,
    }
    if request.GET.get("show") and not errors:
        number = _page_number(request.GET.get("page"))
        # A page past the end shows the last page (clamp), logged once. Issue 9 item 5: a division
        # that does not exist or lies outside the user's area is a field error on the form in the
        # same words for both, not a 404 page (invariant 2).
        shown, ctx["errors"] = figures_or_errors(lambda: queries.view_register(
            actor=user, **values, limit=queries.PAGE_SIZE, offset=(number - 1) * queries.PAGE_SIZE, clamp=True))
        if ctx["errors"]:
            return _render(request, ctx, 422)
        req, count, rows = shown
        pages = max(1, -(-count // queries.PAGE_SIZE))
        number = (rows[0]["seq"] - 1) // queries.PAGE_SIZE + 1 if rows else 1
        ctx.update(
            shown=True, req=req, count=count, title=_title(req.kind), table=_cells(req, rows),
            headers=[pick_label(f"{c.header} {HEADERS_EN[c.key]}") for c in req.columns],
            number=number, pages=pages,
            prev_url=f"?{urlencode({**req.params(), 'show': 1, 'page': number - 1})}" if number > 1 else "",
            next_url=f"?{urlencode({**req.params(), 'show': 1, 'page': number + 1})}" if number < pages else "",
            export_kind=f"{req.kind}_register",
            export_params=[(k, v) for k, v in req.params().items() if k != "kind"],
        )
    return _render(request, ctx, status)


@require_GET
@staff_view(Action.VIEW_REGISTERS)
def register_page(request):
    return _page(request, _form_values(request))


@require_GET
@staff_view(Action.EXPORT_REGISTERS)
def register_file(request, kind: str, fmt: str):
    """R3: print (PDF, shown inline) or export (.xlsx, downloaded); logged (invariant 3)."""
    values = _form_values(request, kind=kind)
    made, errors = figures_or_errors(lambda: documents.export(actor=request.user, **values, fmt=fmt, generated_on=today()))
    if errors:
        return _page(request, values, errors=errors, status=422)
    _, data, content_type, disposition = made
    return download(data, content_type, disposition)
