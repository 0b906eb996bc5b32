"""T3 (issue 14 part 3, first cut): the yearly two-way assessment (双向考核) of a township or a
county, from what the other side knows (1-二-(五)-2): how it answered the other places' messages
(reply rate and on-time rate, exchange.timeliness, counted as receiver), how it verified
certificates and served the women living there (against its inflow married women of childbearing
age), and whether its monthly reports were on time. The year is the family-planning statistical
year that ends on 30 September (part 11); the calendar year's figures are beside it.

Thresholds, weights and the items that fail the whole assessment (一票否决) are the policy value
`statistics.assessment` (a dict: indicator -> {threshold, weight, veto}) and the pass mark
`statistics.assessment_pass_score`; part 11's county requires a 100% reply rate.

Registration coverage is not assessed: the registry knows whom it registered, not whom it missed
(no outside population count is loaded); the sheet says so.
"""
import datetime

from django.utils import timezone

from liudong.accounts.choices import Action
from liudong.accounts.permissions import require
from liudong.codes import Level
from liudong.errors import Invalid
from liudong.exchange import timeliness
from liudong.policy.services import PolicyMissing, value

from . import figures, periods, queries_submission, services
from .models import Report

POLICY = "statistics.assessment"
PASS_SCORE = "statistics.assessment_pass_score"
INDICATORS = [
    ("reply_rate", "函件反馈率 reply rate", "对方来函中已反馈的比例（按对方所知，T3） / requests from the other side answered"),
    ("on_time_rate", "函件按时反馈率 on-time reply rate", "对方来函中按期反馈的比例 / requests from the other side answered by their deadline"),
    ("certificate_verification_rate", "婚育证明查验率 certificate verification rate",
     "年度查验次数 ÷ 年末流入已婚育龄妇女数（不超过100%） / verifications in the year per inflow married woman of childbearing age (at most 100%)"),
    ("service_coverage", "技术服务覆盖率 service coverage",
     "年度检查次数 ÷ 年末流入已婚育龄妇女数（不超过100%） / checks in the year per inflow married woman of childbearing age (at most 100%)"),
    ("registration_coverage", "登记覆盖率 registration coverage", "未评估：系统不掌握未登记人数 / not assessed: the registry does not know whom it missed"),
    ("reports_on_time", "统计报表按时率 reports on time", "本年度已结束的各月中按期首次报送的比例 / of the year's ended months, reports first submitted by their due day"),
    ("submission_task", "提交信息任务完成率 submission tasks met",
     "本年度已结束的任务期中，提交信息数达到县定任务数的比例（第十一部分；县为其各乡镇合计） / of the year's task periods ended, those whose "
     "messages submitted reached the county's task (part 11; a county: all its townships' periods)"),
]
LABELS = {name: label for name, label, _ in INDICATORS}


def _rate(part, whole):
    return round(min(part / whole, 1.0), 4) if whole else None


def assess(*, actor, division_code, year, now: datetime.datetime) -> dict:
    require(actor, Action.VIEW_REPORTS)
    division = services.division_in_scope(actor=actor, code=division_code)
    today = timezone.localtime(now).date()
    try:
        y = int(str(year))
    except (TypeError, ValueError):
        y = 0
    if not periods.FIRST_YEAR < y <= today.year + 1:
        raise Invalid({"year": [f"统计年度应为 {periods.FIRST_YEAR + 1}-{today.year + 1} 的年份 / the statistical year is a year up to {today.year + 1}"]})
    if division.level not in (Level.COUNTY, Level.TOWNSHIP):
        raise Invalid({"division": ["双向考核针对乡镇（街道）和县级 / the assessment is of a township or a county"]})
    start, end = datetime.date(y - 1, 10, 1), datetime.date(y, 9, 30)
    to = min(end, today)
    try:
        rules = value(POLICY, division.code, on=to)
        pass_score = value(PASS_SCORE, division.code, on=to)
    except PolicyMissing:
        raise Invalid({"year": ["该年度无适用的考核规则（策略 statistics.assessment） / no assessment rules in force (policy statistics.assessment)"]}) from None

    t3_all = timeliness.figures(actor=actor, division_code=division.code, start=start, end=to, today=today)
    t3 = t3_all["as_receiver"]
    tasks = queries_submission.fulfilment(division, start, to)
    year_figures = figures.compute(division.code, start, to)
    women = (year_figures.get("women_childbearing_inflow_other_province") or 0) + (year_figures.get("women_childbearing_inflow_same_province") or 0)
    months, first = [], periods.parse(f"{start.year}-10", today=max(today, start))
    while periods.month_end(first) < today and first <= end:
        months.append(first)
        first = periods.next_month(first)
    reports = {r.period: r for r in Report.objects.filter(division=division, period__in=months)}
    on_time = sum(1 for m in months if m in reports and reports[m].first_submitted_on and (reports[m].due_on is None or reports[m].first_submitted_on <= reports[m].due_on))
    values = {
        "reply_rate": t3["reply_rate"], "on_time_rate": t3["on_time_rate"],
        "certificate_verification_rate": _rate(year_figures.get("certificates_verified") or 0, women),
        "service_coverage": _rate(year_figures.get("checks_done") or 0, women),
        "registration_coverage": None,
        "reports_on_time": _rate(on_time, len(months)),
        "submission_task": tasks["value"],
    }
    basis = {"reply_rate": {"expected": t3["expected"], "answered": t3["answered"]}, "on_time_rate": {"expected": t3["expected"], "on_time": t3["on_time"]},
             "certificate_verification_rate": {"verified": year_figures.get("certificates_verified"), "women": women},
             "service_coverage": {"checks": year_figures.get("checks_done"), "women": women}, "registration_coverage": {},
             "reports_on_time": {"months": len(months), "on_time": on_time},
             "submission_task": {"windows": tasks["windows"], "met": tasks["met"]}}
    rows, earned, possible, vetoed = [], 0, 0, False
    for name, label, definition in INDICATORS:
        rule = rules.get(name) or {}
        threshold, weight, veto = rule.get("threshold"), int(rule.get("weight") or 0), bool(rule.get("veto"))
        v = values[name]
        passed = None if v is None or threshold is None else v >= float(threshold)
        if passed is not None:
            possible += weight
            earned += weight if passed else 0
            vetoed = vetoed or (veto and not passed)
        rows.append({"name": name, "label": label, "definition": definition, "value": v, "threshold": threshold, "weight": weight, "veto": veto,
                     "pass": passed, "basis": basis[name]})
    score = round(100 * earned / possible, 1) if possible else None
    return {"division": division.code, "name": division.name, "year": y, "start": start, "end": end, "to": to,
            "calendar_year": {"year": to.year, "start": datetime.date(to.year, 1, 1), "end": to,
                              "figures": figures.compute(division.code, datetime.date(to.year, 1, 1), to)},
            "year_figures": year_figures, "indicators": rows, "by_province": by_province(t3_all), "months": [periods.label(m) for m in months], "score": score, "pass_score": pass_score, "vetoed": vetoed,
            "passed": None if score is None else (not vetoed and score >= float(pass_score))}


def by_province(t3: dict) -> list[dict]:
    """T3 both ways, by the other side's province (1-二-(五)-2): for each province that sent the
    division requests or received requests from it in the year, how the division answered that
    province (as receiver: that province's view of it) and how that province answered the division
    (as sender: the division's view of it)."""
    keys = ("expected", "answered", "on_time", "overdue", "reply_rate", "on_time_rate")
    rows = []
    for g in t3["by_counterpart_province"]:
        received, sent = g["as_receiver"], g["as_sender"]
        if not (received["expected"] or sent["expected"]):
            continue
        rows.append({"province": g["code"], "name": g["name"], "as_receiver": {k: received[k] for k in keys}, "as_sender": {k: sent[k] for k in keys}})
    return rows
