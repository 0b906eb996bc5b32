"""Pages anyone may open without a log-in (the check of a printed document by its QR code) are
limited per client address and minute, so that codes cannot be tried in bulk."""
from django.core.cache import cache

from liudong.clock import now

from .login import client_address


def over_limit(request, scope: str, per_minute: int) -> bool:
    """Count this request for (scope, address, minute); True once the minute's count passes `per_minute`."""
    key = f"{scope}:{client_address(request)}:{now():%Y%m%d%H%M}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        count = 1
    return count > per_minute
