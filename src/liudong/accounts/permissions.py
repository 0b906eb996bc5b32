"""J3: may this actor do this? One meaning of "no actor" everywhere.

`actor` is a staff account (request.user in pages, request.auth in the API) or None. None is the
system: a management command run by whoever operates the server (`liudong staff add`, `liudong
divisions load`, `liudong audit purge`, the demo), which may do everything everywhere and is
audited as "system". Pages and the API always pass the logged-in account, never None: the log-in
gate (accounts.views_support.staff_view, the API's bearer auth) stands before every call.
"""
from liudong.errors import Denied


def is_system(actor) -> bool:
    return actor is None


def require(actor, action: str) -> None:
    """Denied unless the actor is the system or an active, logged-in account whose role holds
    `action` (the table in accounts.choices)."""
    if is_system(actor):
        return
    if not actor.is_authenticated or not actor.can(action):
        raise Denied(f"角色无权执行此操作 / your role may not do this: {action}")


def in_scope(actor, code: str | None) -> bool:
    """Whether the division `code` lies in the actor's subtree (the system's is the nation)."""
    return is_system(actor) or actor.in_scope(code)
