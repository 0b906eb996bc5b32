"""Issue 16: the node's pages. The node's state on the administrators' home page
(people.views.HOME_PANELS), the same figures `liudong node status` prints: the NATS server is
asked with a one-second timeout, and when it cannot be reached the page still renders and says
so. The hub's page of the national watch list (/nodes/watch/): overdue messages between
provinces and, by province pair, what was sent, arrived, answered and on time (T3)."""
from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from liudong.accounts.choices import Action
from liudong.accounts.views_support import staff_view
from liudong.clock import today

from . import queries, watch

PAGE_TIMEOUT = 1  # seconds the home page waits for the NATS server


def node_panel(actor) -> dict | None:
    """The panel for an administrator of a node (LIUDONG_NODE set); None otherwise."""
    if not settings.LIUDONG_NODE or not actor.can(Action.MANAGE_STAFF):
        return None
    return {"template": "federation/_node_status.html", "status": queries.node_status(timeout=PAGE_TIMEOUT)}


@staff_view(Action.VIEW_TIMELINESS)
@require_safe
def watch_page(request):
    data = watch.watch(actor=request.user, today=today())
    for p in data["pairs"]:
        p["reply_pct"] = "—" if p["reply_rate"] is None else f"{p['reply_rate'] * 100:.1f}%"
        p["on_time_pct"] = "—" if p["on_time_rate"] is None else f"{p['on_time_rate'] * 100:.1f}%"
    return render(request, "federation/watch.html", data)
