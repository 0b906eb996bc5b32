"""Issue 14 pages: a division's monthly report with its figures (stored, live, difference, with
their definitions), its children's reports and rates, the year's figures, its history, and the
actions the actor may take (submit; approve or return a child's). Writes go through
statistics.services (invariant 1); every text is "中文 / English", shown in the page's language."""
import json

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from liudong.accounts.choices import Action
from liudong.accounts.templatetags.liudong_ui import pick_message
from liudong.accounts.views_support import staff_view
from liudong.clock import now, today
from liudong.errors import Denied, Invalid

from . import exports, figures, periods, queries, services
from .choices import State


def _errors(e: Invalid) -> str:
    return "；".join(pick_message(m) for ms in e.errors.values() for m in ms)


@staff_view(Action.VIEW_REPORTS)
@require_safe
def index(request):
    """The actor's own division, the last month that has ended."""
    code = request.GET.get("division") or request.user.division_id
    period = request.GET.get("period") or periods.label(periods.previous_month(today()))
    return redirect("statistics_report", code=code, period=period)


def _can_submit(actor, data) -> bool:
    if not actor.can(Action.SUBMIT_REPORTS) or data["state"] not in (State.OPEN, State.RETURNED):
        return False
    if actor.division_id == data["division"]:
        return True
    return data["level"] == 5 and actor.division_id == data["parent"]


@staff_view(Action.VIEW_REPORTS)
@require_safe
def report(request, code, period):
    actor = request.user
    try:
        data = queries.report(actor=actor, division_code=code, period=period, now=now())
    except Invalid as e:
        messages.error(request, _errors(e))
        if period == periods.label(periods.previous_month(today())):
            raise Http404("统计月份无效 / no such period") from None
        return redirect(reverse("statistics_index") + f"?division={code}")
    first = data["period_start"]
    ended = data["period_end"] < today()
    rows = [{"name": name, "label": label, "definition": definition, "rule": rule, "stored": data["figures"].get(name),
             "live": data["live"].get(name), "difference": data["difference"].get(name), "years": [y["figures"].get(name) for y in data.get("years", [])]}
            for name, label, definition, rule in figures.FIGURES]
    trend = queries.trend(actor=actor, division_code=code, now=now())
    chart = exports.chart_data(data, trend)
    return render(request, "statistics/report.html", {
        "r": data, "rows": rows, "ended": ended,
        "previous": periods.label(periods.previous_month(first)),
        "next": periods.label(periods.next_month(first)) if periods.next_month(first) <= today() else None,
        "can_submit": ended and _can_submit(actor, data),
        "can_act_on_children": ended and actor.can(Action.APPROVE_REPORTS) and actor.division_id == data["division"],
        "chart_children": json.dumps(chart["children"], ensure_ascii=False), "chart_trend": json.dumps(chart["trend"], ensure_ascii=False),
        "trend": trend,
        # Part 5: pivots by division (the level below) and by month.
        "pivot_children": [{"name": c["name"], "values": [c["figures"].get(n) for n in figures.NAMES]} for c in data["children"]],
        "pivot_months": [{"label": figures.LABELS[n], "values": [t["figures"].get(n) for t in trend]} for n in figures.NAMES] if trend else [],
    })


def _act(request, code, period, fn, ok: str, back: str | None = None):
    try:
        fn()
    except Invalid as e:
        messages.error(request, _errors(e))
    except Denied as e:
        messages.error(request, pick_message(str(e)))
    else:
        messages.success(request, pick_message(ok))
    return redirect("statistics_report", code=back or code, period=period)


@staff_view(Action.SUBMIT_REPORTS)
@require_POST
def submit(request, code, period):
    back = request.POST.get("back") or code
    return _act(request, code, period, lambda: services.submit(actor=request.user, division_code=code, period=period, now=now()),
                "已报送 / submitted", back=back if back in (code, request.user.division_id) else code)


@staff_view(Action.APPROVE_REPORTS)
@require_POST
def approve(request, code, period):
    return _act(request, code, period, lambda: services.approve(actor=request.user, division_code=code, period=period, now=now()),
                "已审核通过 / approved", back=request.user.division_id)


@staff_view(Action.APPROVE_REPORTS)
@require_POST
def return_report(request, code, period):
    return _act(request, code, period,
                lambda: services.return_report(actor=request.user, division_code=code, period=period, reason=request.POST.get("reason"), now=now()),
                "已退回 / returned", back=request.user.division_id)


@staff_view(Action.VIEW_REPORTS)
@require_safe
def report_xlsx(request, code, period):
    try:
        data = queries.report(actor=request.user, division_code=code, period=period, now=now())
    except Invalid as e:
        raise Http404(_errors(e)) from None
    return exports.report_response(data, queries.trend(actor=request.user, division_code=code, now=now()))


@staff_view(Action.VIEW_REPORTS)
@require_safe
def assessment_sheet(request, code, year):
    """T3: the yearly assessment sheet of a township or county, printable; each figure links to
    what it rests on (the timeliness page, the monthly reports)."""
    from . import assessment

    try:
        data = assessment.assess(actor=request.user, division_code=code, year=year, now=now())
    except Invalid as e:
        messages.error(request, _errors(e))
        return redirect("statistics_report", code=code, period=periods.label(periods.previous_month(today())))
    basis_labels = {"expected": "应反馈 / owed", "answered": "已反馈 / answered", "on_time": "按期 / on time", "verified": "查验次数 / verifications",
                    "women": "已婚育龄妇女 / women", "checks": "检查次数 / checks", "months": "已结束月数 / months ended"}
    for i in data["indicators"]:
        i["basis_text"] = "，".join(f"{pick_message(basis_labels.get(k, k))} {'—' if v is None else v}" for k, v in i["basis"].items())
    calendar_rows = [(figures.LABELS[n], data["calendar_year"]["figures"].get(n)) for n in figures.NAMES]
    return render(request, "statistics/assessment.html", {"a": data, "calendar_rows": calendar_rows, "last_month": periods.label(periods.previous_month(
        min(data["to"], today()).replace(day=1) if data["to"] < today() else today()))})


@staff_view(Action.VIEW_REPORTS)
@require_safe
def bulletin_list(request):
    from liudong.accounts.views_support import paginate

    from . import bulletins

    return render(request, "statistics/bulletins.html", {"page": paginate(request, bulletins.bulletins(actor=request.user))})


@staff_view(Action.VIEW_REPORTS)
@require_safe
def bulletin_page(request, pk):
    from liudong.accounts.views_support import paginate

    from . import bulletins

    b = bulletins.bulletin(actor=request.user, bulletin_id=pk)
    return render(request, "statistics/bulletins.html", {"bulletin": b, "period": periods.label(b.period),
                                                          "page": paginate(request, bulletins.bulletins(actor=request.user))})


@staff_view(Action.VIEW_REPORTS)
@require_safe
def bulletin_pdf(request, pk):
    from liudong.content_types import PDF_TYPE, content_disposition, download

    from . import bulletins

    b = bulletins.bulletin(actor=request.user, bulletin_id=pk)
    return download(bulletins.pdf(b), PDF_TYPE, content_disposition(f"{b.division.name}{periods.label(b.period)}工作通报.pdf", f"bulletin-{b.pk}.pdf"))
