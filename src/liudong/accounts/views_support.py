"""What every page of the web UI shares: the log-in and permission gate, paging, running a service
from a form or a button (views read the date from liudong.clock themselves, invariant 4).

"Absent" and "not in your scope" both answer 404 (invariant 2); a role that may not act gets 403.
"""
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.utils.http import url_has_allowed_host_and_scheme

from liudong.clock import now, today
from liudong.errors import Invalid, NotFound
from liudong.limits import hit

from .login import client_address

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


def form_act(request, form, act, success: str, then):
    """Run a service from a submitted form (invariant 7): for valid input `act()` runs it; its
    field errors go onto the form, kept with the input, and the caller shows the page again
    (None); otherwise the success message is shown and `then(result)`, a redirect, is returned."""
    if not form.is_valid():
        return None
    try:
        result = act()
    except Invalid as e:
        form.add_invalid(e)
        return None
    messages.success(request, success)
    return then(result)


def button_act(request, act, success: str) -> bool:
    """Run a service from a button (no form to show errors on): its errors, or its success, are
    messages on the next page."""
    try:
        act()
    except Invalid as e:
        flash_errors(request, e)
        return False
    messages.success(request, success)
    return True


def flash_errors(request, exc: Invalid) -> None:
    """Every message of a refusal, shown as an error message on the page."""
    for errors in exc.errors.values():
        for message in errors:
            messages.error(request, message)


def next_url(request, default: str) -> str:
    """The page to go back to (`next`), a path of this site only; `default` otherwise."""
    url = request.POST.get("next") or ""
    return url if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}) else default


def other_errors(errors: dict, form_fields) -> list[str]:
    """The messages of the fields a form does not show, to show above it."""
    return [m for f, ms in errors.items() if f not in form_fields for m in ms]


def place_and_period(request, *, from_new_year: bool = True) -> dict:
    """The division and period a page of figures, a log or a register asks for (?division, ?start,
    ?end): by default the actor's own division, from 1 January (or the 1st of this month) to today."""
    on = today()
    g = request.GET
    first = on.replace(month=1, day=1) if from_new_year else on.replace(day=1)
    return {
        "division": (g.get("division") or "").strip() or request.user.division_id,
        "start": (g.get("start") or "").strip() or first.isoformat(),
        "end": (g.get("end") or "").strip() or on.isoformat(),
    }


def figures_or_errors(compute) -> tuple[object, dict]:
    """Run the query behind a page of figures or a register (a place-and-period form): `(result,
    {})`, or `(None, errors)` to show beside the form's fields. Bad fields come as they are
    (Invalid); a division that does not exist and one outside the actor's area come as the
    division field's error in the query's own words, the same for both (NotFound, invariant 2)."""
    try:
        return compute(), {}
    except Invalid as e:
        return None, e.errors
    except NotFound as e:
        return None, {"division": [str(e)]}


def over_limit(request, scope: str, per_minute: int) -> bool:
    """Pages anyone may open without a log-in (the check of a printed document by its QR code: the
    certificate, the residence permit, the report slip, the desk's result sheet) are limited per
    client address and minute, so that codes cannot be tried in bulk: count this request for (scope,
    address, minute) in the store every server process shares (liudong.limits.hit: the database
    cache on the embedded default, Redis in production); True once the minute's count passes
    `per_minute`."""
    return not hit(scope, client_address(request), limit=per_minute, moment=now())
