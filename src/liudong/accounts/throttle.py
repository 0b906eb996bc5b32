"""Pages anyone may open without a log-in (the check of a printed document by its QR code: the
certificate, the residence permit, the report slip, the desk's result sheet) are limited per client
address and minute, so that codes cannot be tried in bulk. The count lives in the store every
server process shares (liudong.limits.hit: the database cache on the embedded default, Redis in
production), so a limit holds however many processes serve."""
from liudong.clock import now
from liudong.limits import hit

from .login import client_address


def over_limit(request, scope: str, per_minute: int) -> bool:
    """Count this request for (scope, client address, minute); True once the minute's count passes `per_minute`."""
    return not hit(scope, client_address(request), limit=per_minute, moment=now())
