"""T3: the timeliness page (/timeliness/): a form (division, period), the figures as receiver and
as sender, the breakdown one level down and by counterpart province, and a bar chart of the reply
and on-time rates drawn as inline SVG on the server (no JavaScript, no inline styles: CSP).

Bad input (a bad date, the end before the start, a division outside the actor's subtree) is shown
next to its field with the form (200); a role without VIEW_TIMELINESS gets 403.
"""
from urllib.parse import urlencode

from django.shortcuts import render
from django.views.decorators.http import require_GET

from liudong.accounts.choices import Action
from liudong.accounts.templatetags.liudong_ui import pick_label
from liudong.accounts.views_support import figures_or_errors, other_errors, place_and_period, staff_view
from liudong.clock import today

from . import timeliness

FORM_FIELDS = ("division", "start", "end")

# Chart geometry (SVG user units): the label column, then 100 % = BAR_WIDTH.
LABEL_WIDTH, BAR_X, BAR_WIDTH, ROW_HEIGHT, TOP = 190, 200, 400, 34, 30
CHART_WIDTH = BAR_X + BAR_WIDTH + 70


def pct(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _shown(figs: dict) -> dict:
    """The figures as shown: counts with thousands separators, rates as percentages."""
    out = {}
    for key, value in figs.items():
        if isinstance(value, dict):
            out[key] = _shown(value)
        elif key.endswith("_rate"):
            out[key] = pct(value)
        else:
            out[key] = f"{value:,}"
    return out


# The summary of each side: (label "中文 english", key); rates last.
ANSWER_FACTS = [
    ("撤回 withdrawn", "withdrawn"), ("应反馈 expected", "expected"), ("已反馈 answered", "answered"), ("按时反馈 on time", "on_time"),
    ("逾期反馈 late", "late"), ("超期未反馈 overdue, unanswered", "overdue_open"), ("超期后撤回 withdrawn after the deadline", "overdue_withdrawn"),
    ("超期合计 overdue in all", "overdue"),
    ("办理中 pending", "pending"), ("反馈率 reply rate", "reply_rate"), ("及时率 on-time rate", "on_time_rate"),
]
RECEIVER_FACTS = [("收到需反馈 received", "received"), *ANSWER_FACTS]
SENDER_FACTS = [("发出函件 sent", "sent"), ("尚未送达（挂号信） awaiting arrival", "awaiting_arrival"), ("需对方反馈 requests", "requests"), *ANSWER_FACTS]
DUTY_FACTS = [
    ("应发出 to send", "to_send"), ("按时发出 sent on time", "sent_on_time"), ("逾期发出 sent late", "sent_late"),
    ("超期未发 overdue, unsent", "unsent_overdue"), ("待发 still due", "unsent_pending"), ("撤回 withdrawn", "withdrawn"),
    ("按时发出率 on-time rate", "on_time_rate"),
]


def _facts(figs: dict, spec) -> list[tuple[str, str, bool]]:
    shown = _shown(figs)
    return [(label, shown[key], key.endswith("_rate")) for label, key in spec]


def _short(name: str, n: int = 13) -> str:
    return name if len(name) <= n else name[: n - 1] + "…"


SIDES = {"as_receiver": "作为收函方 as receiver", "as_sender": "作为发函方 as sender"}


def chart(rows: list[dict], side: str = "as_receiver") -> dict:
    """Bars of the reply rate and on-time rate of each row (one level down) on one side: as
    receiver (how the place answered) or as sender (how it was answered, issue 9 item 8)."""
    bars = []
    for i, row in enumerate(rows):
        r = row[side]
        top = TOP + i * ROW_HEIGHT
        label = row["name"]
        item = {"label": _short(label), "label_y": top + 18, "title": f"{row['name']}: {pick_label('反馈率 reply rate')} {pct(r['reply_rate'])}, {pick_label('及时率 on-time rate')} {pct(r['on_time_rate'])}"}
        for key, y in (("reply", top + 4), ("on_time", top + 17)):
            rate = r[f"{key}_rate"]
            width = 0 if rate is None else round(rate * BAR_WIDTH, 1)
            item[key] = {"y": y, "width": width, "text": pct(rate), "text_x": round(BAR_X + width + 5, 1), "text_y": y + 10}
        bars.append(item)
    height = TOP + len(rows) * ROW_HEIGHT + 6
    grid = [{"x": BAR_X + BAR_WIDTH * p // 100, "label": f"{p}%"} for p in (0, 25, 50, 75, 100)]
    return {"bars": bars, "width": CHART_WIDTH, "height": height, "bar_x": BAR_X, "label_x": LABEL_WIDTH, "grid": grid,
            "grid_bottom": height - 4, "legend_y": 12, "side": side, "id": f"tl-chart-{side}", "title": SIDES[side]}


@require_GET
@staff_view(Action.VIEW_TIMELINESS)
def timeliness_page(request):
    values = place_and_period(request)
    result, errors = figures_or_errors(lambda: timeliness.figures(
        actor=request.user, division_code=values["division"], start=values["start"], end=values["end"], today=today()))
    ctx = {"values": values, "errors": errors, "result": None}
    if not errors:
        period = {"start": result["start"].isoformat(), "end": result["end"].isoformat()}
        ctx.update(
            result=result,
            receiver_facts=_facts(result["as_receiver"], RECEIVER_FACTS),
            sender_facts=_facts(result["as_sender"], SENDER_FACTS),
            duty_facts=_facts(result["as_sender"]["duty"], DUTY_FACTS),
            by_division=[{**row, "shown": _shown({"r": row["as_receiver"], "s": row["as_sender"]}),
                          "url": "" if row["own"] else "?" + urlencode({"division": row["code"], **period})} for row in result["by_division"]],
            by_province=[{**row, "shown": _shown({"r": row["as_receiver"], "s": row["as_sender"]})} for row in result["by_counterpart_province"]],
            by_topic=[{**row, "shown": _shown({"r": row["as_receiver"], "s": row["as_sender"]})} for row in result["by_topic"]],
            charts=[chart(result["by_division"], side) for side in SIDES],
        )
    ctx["other_errors"] = other_errors(ctx["errors"], FORM_FIELDS)
    return render(request, "exchange/timeliness.html", ctx)
