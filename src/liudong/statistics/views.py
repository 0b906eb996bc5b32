"""Issue 14 pages: a division's monthly report with its figures (stored, live, difference, with
their definitions), its children's reports and rates, the year's figures, its history, and the
actions the actor may take (submit; approve or return a child's). Writes go through
statistics.services (invariant 1); every text is "中文 / English", shown in the page's language."""
import datetime
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
from liudong.exchange.models import Kind

from . import exports, figures, periods, queries, reviewed, services
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
             "live": data["live"].get(name), "difference": data["difference"].get(name), "years": [y["figures"].get(name) for y in data.get("years", [])],
             "reviewed": data["reviewed"].get(name)}
            for name, label, definition, rule in figures.FIGURES]
    trend = queries.trend(actor=actor, division_code=code, now=now())
    chart = exports.chart_data(data, trend)
    return render(request, "statistics/report.html", {
        "r": data, "rows": rows, "ended": ended, "reviewed_definition": reviewed.DEFINITION,
        "tasks_here": data["level"] in (3, 4),
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


BASIS_LABELS = {"expected": "应反馈 / owed", "answered": "已反馈 / answered", "on_time": "按期 / on time", "verified": "查验次数 / verifications",
                "women": "已婚育龄妇女 / women", "checks": "检查次数 / checks", "months": "已结束月数 / months ended",
                "windows": "已结束任务期 / task periods ended", "met": "完成 / met"}


def _assessment(request, code, year) -> dict:
    """T3: the sheet's data, each indicator with the words of its basis and the link to the
    figures it rests on (one click: the timeliness figures of the year, the monthly report's
    yearly figures, the reports of the year's months, the townships' task progress)."""
    from . import assessment

    a = assessment.assess(actor=request.user, division_code=code, year=year, now=now())
    last = periods.label(periods.previous_month(a["to"] + datetime.timedelta(days=1)) if a["to"] < today() else periods.previous_month(today()))
    timeliness_url = f"{reverse('timeliness')}?division={a['division']}&start={a['start']:%Y-%m-%d}&end={a['to']:%Y-%m-%d}"
    report_url = reverse("statistics_report", args=[a["division"], last])
    links = {"reply_rate": timeliness_url, "on_time_rate": timeliness_url, "certificate_verification_rate": report_url + "#years",
             "service_coverage": report_url + "#years", "reports_on_time": report_url + "#trend-h",
             "submission_task": reverse("statistics_tasks", args=[a["division"], last])}
    for i in a["indicators"]:
        i["basis_text"] = "，".join(f"{pick_message(BASIS_LABELS.get(k, k))} {'—' if v is None else v}" for k, v in i["basis"].items())
        i["link"] = links.get(i["name"])
    for p in a["by_province"]:
        p["sides"] = [p["as_receiver"], p["as_sender"]]
    a["last_month"], a["timeliness_url"] = last, timeliness_url
    return a


@staff_view(Action.VIEW_REPORTS)
@require_safe
def assessment_sheet(request, code, year):
    """T3: the yearly assessment sheet of a township or county, printable, exportable (.xlsx, PDF);
    each figure links to what it rests on."""
    try:
        a = _assessment(request, code, year)
    except Invalid as e:
        messages.error(request, _errors(e))
        return redirect("statistics_report", code=code, period=periods.label(periods.previous_month(today())))
    calendar_rows = [(figures.LABELS[n], a["year_figures"].get(n), a["calendar_year"]["figures"].get(n)) for n in figures.NAMES]
    return render(request, "statistics/assessment.html", {"a": a, "calendar_rows": calendar_rows, "last_month": a["last_month"]})


def _assessment_or_404(request, code, year):
    try:
        return _assessment(request, code, year)
    except Invalid as e:
        raise Http404(_errors(e)) from None


@staff_view(Action.VIEW_REPORTS)
@require_safe
def assessment_xlsx(request, code, year):
    return exports.assessment_response(_assessment_or_404(request, code, year))


@staff_view(Action.VIEW_REPORTS)
@require_safe
def assessment_pdf(request, code, year):
    """T3: the sheet printed by WeasyPrint, as the other printed documents are."""
    from django.template.loader import render_to_string
    from weasyprint import HTML  # loading Pango takes a moment: only printing needs it

    from liudong.content_types import PDF_TYPE, content_disposition, download

    a = _assessment_or_404(request, code, year)
    calendar_rows = [(figures.LABELS[n], a["year_figures"].get(n), a["calendar_year"]["figures"].get(n)) for n in figures.NAMES]
    html = render_to_string("statistics/assessment_pdf.html", {"a": a, "calendar_rows": calendar_rows, "printed_at": now()}, request=request)
    return download(HTML(string=html).write_pdf(), PDF_TYPE, content_disposition(f"{a['name']}{a['year']}统计年度双向考核表.pdf",
                                                                                f"assessment-{a['division']}-{a['year']}.pdf"))


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


# ---------------------------------------------------------------- part 11: submission tasks

def _chart(data: dict) -> str:
    return json.dumps(dict(data, series=[dict(x, name=pick_message(x["name"])) for x in data["series"]]), ensure_ascii=False)


@staff_view(Action.VIEW_REPORTS)
@require_safe
def tasks_index(request):
    """The actor's own township or county, this month."""
    return redirect("statistics_tasks", code=request.user.division_id, period=periods.label(today().replace(day=1)))


def _tasks_page(request, code, period, *, errors=None, values=None, status=200):
    from . import queries_submission, services_submission
    from .choices import TaskPeriod

    actor = request.user
    p = queries_submission.progress(actor=actor, division_code=code, period=period, now=now())
    first = periods.parse(period, today=today())
    can_set = actor.can(Action.APPROVE_REPORTS) and p["level"] == 3 and actor.division_id == p["division"]
    history = list(queries_submission.tasks(actor=actor, division_code=code)[:200])
    return render(request, "statistics/tasks.html", {
        "p": p, "can_set": can_set, "history": history, "errors": errors or {}, "values": values or {"reply_target": "1", "period": "month"},
        "periods_choices": TaskPeriod.choices, "kinds": [(k, Kind(k).label) for k in services_submission.COUNTABLE_KINDS],
        "previous": periods.label(periods.previous_month(first)),
        "next": periods.label(periods.next_month(first)) if periods.next_month(first) <= today() else None,
        "chart_tasks": _chart(exports.progress_chart(p)), "chart_replies": _chart(exports.reply_chart(p)),
    }, status=status)


@staff_view(Action.VIEW_REPORTS)
@require_safe
def tasks_page(request, code, period):
    """Part 11: a township's progress against its submission tasks (messages submitted, reply
    rate against the target), or a county's townships side by side with the form that sets them."""
    try:
        return _tasks_page(request, code, period)
    except Invalid as e:
        messages.error(request, _errors(e))
        if code == request.user.division_id and period == periods.label(today().replace(day=1)):
            raise Http404(_errors(e)) from None
        return redirect("statistics_tasks_index")


@staff_view(Action.APPROVE_REPORTS)
@require_POST
def task_set(request, code, period):
    """Part 11: the county sets a township's task (services_submission.set_task); field errors
    are shown beside the fields and nothing is written."""
    from . import services_submission

    data = {k: request.POST.get(k, "") for k in ("division", "period", "messages", "reply_target", "due_day", "valid_from", "note")}
    data["kinds"] = request.POST.getlist("kinds")
    try:
        services_submission.set_task(actor=request.user, data=data, now=now(), today=today())
    except Invalid as e:
        return _tasks_page(request, code, period, errors=e.errors, values=data, status=422)
    messages.success(request, pick_message("已设定提交信息任务 / submission task set"))
    return redirect("statistics_tasks", code=code, period=period)


@staff_view(Action.VIEW_REPORTS)
@require_safe
def tasks_xlsx(request, code, period):
    from . import queries_submission

    try:
        p = queries_submission.progress(actor=request.user, division_code=code, period=period, now=now())
    except Invalid as e:
        raise Http404(_errors(e)) from None
    return exports.progress_response(p)
