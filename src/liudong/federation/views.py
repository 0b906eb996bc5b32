"""Issue 16: the hub's page of the national watch list (/nodes/watch/): overdue messages between
provinces and, by province pair, what was sent, arrived, answered and on time (T3)."""
from django.shortcuts import render
from django.views.decorators.http import require_safe

from liudong.accounts.choices import Action
from liudong.accounts.views_support import staff_view
from liudong.clock import today

from . import watch


@staff_view(Action.VIEW_TIMELINESS)
@require_safe
def watch_page(request):
    data = watch.watch(actor=request.user, today=today())
    for p in data["pairs"]:
        p["reply_pct"] = "—" if p["reply_rate"] is None else f"{p['reply_rate'] * 100:.1f}%"
        p["on_time_pct"] = "—" if p["on_time_rate"] is None else f"{p['on_time_rate'] * 100:.1f}%"
    return render(request, "federation/watch.html", data)
