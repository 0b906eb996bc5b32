"""T4 (issue 14 part 4): the monthly bulletin of a province or of the nation on how the system is
used (1-六-(一)-2): staff active, records entered, messages sent, answered and overdue, reply and
on-time rates (exchange.timeliness), monthly reports on time (from the children's reports), and
the best and worst divisions of the level below by a composite of reply rate, on-time rate and
the report on time (weights: policy statistics.bulletin_rank). Made by `liudong statistics
bulletin` and the scheduled task (the 16th, after the nation's reports are due), kept by month,
shown as a page and a PDF, and sent to each division of the level below as an exchange message of
kind `bulletin`."""
import datetime
import json

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from liudong.accounts.audit import record
from liudong.accounts.choices import Action
from liudong.accounts.models import AuditEvent
from liudong.accounts.permissions import is_system, require
from liudong.codes import Level
from liudong.divisions.models import Division
from liudong.divisions.queries import in_range
from liudong.errors import Denied, Invalid, NotFound
from liudong.exchange import timeliness
from liudong.exchange.models import Kind
from liudong.exchange.services import send_system
from liudong.people.models import Person
from liudong.policy.services import PolicyMissing, value

from . import periods, queries, services
from .models import Bulletin


def _figures(division: Division, first: datetime.date, today: datetime.date) -> dict:
    end = periods.month_end(first)
    moment = (datetime.datetime.combine(first, datetime.time.min, tzinfo=timezone.get_current_timezone()),
              datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=timezone.get_current_timezone()))
    staff_active = (AuditEvent.objects.filter(in_range("division_code", division.code), at__gte=moment[0], at__lt=moment[1], actor__isnull=False)
                    .values("actor_id").distinct().count())
    records = Person.objects.filter(in_range("created_by_division", division.code), created_on__gte=first, created_on__lte=end).count()
    t3 = timeliness.figures(actor=None, division_code=division.code, start=first, end=end, today=today)
    children = queries.children_rows(division, first)
    rates = queries.rates(children)
    weights = rank_weights(division, end)
    ranked = rank(t3["by_division"], children, weights)
    return {
        "staff_active": staff_active, "records_entered": records,
        "messages_sent": t3["as_sender"]["sent"], "messages_answered": t3["as_receiver"]["answered"], "messages_overdue": t3["as_receiver"]["overdue"],
        "reply_rate": t3["as_receiver"]["reply_rate"], "on_time_rate": t3["as_receiver"]["on_time_rate"],
        "reports_children": rates["children"], "reports_on_time": rates["on_time"], "reports_on_time_rate": rates["on_time_rate"],
        "rank_weights": weights, "best": ranked[:3], "worst": list(reversed(ranked[-3:])),
    }


RANK_POLICY = "statistics.bulletin_rank"
COMPONENTS = ("reply_rate", "on_time_rate", "reports_on_time")


def rank_weights(division: Division, on: datetime.date) -> dict[str, float]:
    """T4: the weights of the composite (policy statistics.bulletin_rank)."""
    try:
        raw = value(RANK_POLICY, division.code, on=on)
    except PolicyMissing:
        raise Invalid({"division": ["通报排名权重未设定（策略 statistics.bulletin_rank） / no ranking weights in force (policy statistics.bulletin_rank)"]}) from None
    return {k: float(raw.get(k) or 0) for k in COMPONENTS}


def rank(by_division: list[dict], children: list[dict], weights: dict[str, float]) -> list[dict]:
    """T4: the divisions of the level below, best first, by a composite score in percent: the
    weighted mean of the components each has - its reply rate and on-time rate as receiver (when
    it owed answers in the month) and whether its monthly report was first submitted on time (1 or
    0) - over the weights of those components. Ties: reply rate, then name."""
    t3 = {g["code"]: g["as_receiver"] for g in by_division if not g["own"]}
    out = []
    for c in children:
        r = t3.get(c["division"]) or {}
        parts = {"reply_rate": r.get("reply_rate"), "on_time_rate": r.get("on_time_rate"), "reports_on_time": 1.0 if c["on_time"] else 0.0}
        used = {k: v for k, v in parts.items() if v is not None and weights.get(k)}
        total = sum(weights[k] for k in used)
        score = round(100 * sum(weights[k] * v for k, v in used.items()) / total, 1) if total else None
        out.append({"division": c["division"], "name": c["name"], "score": score, "reply_rate": parts["reply_rate"],
                    "on_time_rate": parts["on_time_rate"], "report_on_time": bool(c["on_time"])})
    scored = [g for g in out if g["score"] is not None]
    return sorted(scored, key=lambda g: (-g["score"], -(g["reply_rate"] or 0), g["name"]))


@transaction.atomic
def make_bulletin(*, actor, division_code, period, now: datetime.datetime) -> Bulletin:
    """T4: make (or make again) the month's bulletin of a province or the nation and send it to
    the level below. The system (the scheduled task, the command) or the division's own officer."""
    if not is_system(actor):
        require(actor, Action.APPROVE_REPORTS)
    division = services.division_in_scope(actor=actor, code=division_code)
    if division.level not in (Level.NATION, Level.PROVINCE):
        raise Invalid({"division": ["工作通报由省和国家编发 / bulletins are made by a province or the nation"]})
    if not is_system(actor) and actor.division_id != division.code:
        raise Denied("只能编发本级的工作通报 / you make your own division's bulletin")
    today = timezone.localtime(now).date()
    first = periods.parse(period, today=today, ended=True)
    figures_ = _figures(division, first, today)
    bulletin, _ = Bulletin.objects.update_or_create(division=division, period=first, defaults={"figures": figures_, "created_at": now})
    sent = 0
    body = json.dumps({"bulletin": bulletin.pk, "period": periods.label(first), "figures": figures_}, ensure_ascii=False)
    for child in Division.objects.filter(parent_id=division.code).order_by("code"):
        send_system(actor=actor, sender=division, receiver=child, kind=Kind.BULLETIN, person=None,
                    subject=f"{division.name} {periods.label(first)} 流动人口信息系统使用情况通报", body=body, now=now)
        sent += 1
    bulletin.messages_sent = sent
    bulletin.save(update_fields=["messages_sent"])
    record(actor, "bulletin.make", obj=bulletin, fields={"division": division.code, "period": periods.label(first), "sent": sent})
    return bulletin


def bulletins(*, actor, division_code=None):
    """The bulletins the actor may read: those of her province and of the nation, or of the
    divisions in her subtree (a nation officer: all)."""
    require(actor, Action.VIEW_REPORTS)
    qs = Bulletin.objects.select_related("division")
    if division_code:
        qs = qs.filter(division_id=str(division_code))
    if is_system(actor):
        return qs
    own = actor.division_id
    return qs.filter(in_range("division_id", own) | _ancestors_q(own))


def _ancestors_q(code: str):
    from django.db.models import Q

    return Q(division_id__in=[code[:2].ljust(12, "0"), "000000000000"])


def bulletin(*, actor, bulletin_id) -> Bulletin:
    try:
        pk = int(bulletin_id)
    except (TypeError, ValueError):
        raise NotFound("通报不存在 / no such bulletin") from None
    found = bulletins(actor=actor).filter(pk=pk).first()
    if found is None:
        raise NotFound("通报不存在或不在您的范围内 / no such bulletin in your scope")
    return found


def pdf(b: Bulletin) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango takes a moment, and only printing needs it

    return HTML(string=render_to_string("statistics/bulletin_pdf.html", {"b": b, "f": b.figures, "period": periods.label(b.period)})).write_pdf()
