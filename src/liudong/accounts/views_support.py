"""What every page of the web UI shares: the log-in and permission gate, paging (views read the date
from liudong.clock themselves, invariant 4).

"Absent" and "not in your scope" both answer 404 (invariant 2); a role that may not act gets 403.
"""
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404

from liudong.errors import NotFound

PER_PAGE = 20


def staff_view(*actions):
    """Log-in required; with actions, the role must be allowed at least one of them."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if actions and not any(user.can(a) for a in actions):
                raise PermissionDenied("角色无权执行此操作 / your role may not do this")
            try:
                return view(request, *args, **kwargs)
            except NotFound as e:
                raise Http404(str(e)) from None

        return wrapper

    return decorate


def paginate(request, queryset, per_page=PER_PAGE):
    """A page of the queryset; a bad or out-of-range page number gives the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def int_or_none(raw):
    try:
        return int(str(raw).strip())
    except (TypeError, ValueError):
        return None
