"""Issue 16: the node's state on the administrators' home page (people.views.HOME_PANELS), the
same figures `liudong node status` prints. The NATS server is asked with a one-second timeout:
when it cannot be reached the page still renders and says so."""
from django.conf import settings

from liudong.accounts.choices import Action

from . import queries

PAGE_TIMEOUT = 1  # seconds the home page waits for the NATS server


def node_panel(actor) -> dict | None:
    """The panel for an administrator of a node (LIUDONG_NODE set); None otherwise."""
    if not settings.LIUDONG_NODE or not actor.can(Action.MANAGE_STAFF):
        return None
    return {"template": "federation/_node_status.html", "status": queries.node_status(timeout=PAGE_TIMEOUT)}
