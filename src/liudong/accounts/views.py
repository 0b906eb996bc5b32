"""Log-in, log-out and the read-only audit log page."""
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import audit, labels
from .choices import Action
from .forms import AuditFilterForm, LoginForm
from .login import log_in
from .templatetags.liudong_ui import pick_message
from .views_support import paginate, staff_view

AUDIT_PER_PAGE = 50


def _safe_next(request, raw):
    if raw and url_has_allowed_host_and_scheme(raw, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return raw
    return None


@require_http_methods(["GET", "POST"])
def login_view(request):
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.method == "GET" and request.user.is_authenticated:
        return redirect(next_url or "home")
    form = LoginForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        # log_in counts failures and locks the account name out after too many.
        staff, error = log_in(request, form.cleaned_data["username"], form.cleaned_data["password"])
        if staff is not None:
            auth_login(request, staff)
            return redirect(next_url or "home")
        error = pick_message(error)
    return render(request, "accounts/login.html", {"form": form, "error": error, "next": next_url or ""})


@require_POST
def logout_view(request):
    auth_logout(request)
    return redirect("login")


@staff_view(Action.VIEW_AUDIT)
@require_safe
def audit_view(request):
    form = AuditFilterForm(request.GET or None)
    events = None
    if form.is_bound and not form.is_valid():
        page = None
    else:
        data = form.cleaned_data if form.is_bound else {}
        events_qs = audit.events(request.user, person_id=data.get("person_id"), actor_name=data.get("actor") or "", action=data.get("action") or "",
                                 since=data.get("date_from"), until=data.get("date_to"))
        page = paginate(request, events_qs.select_related("actor"), AUDIT_PER_PAGE)
        events = page.object_list
        for e in events:
            # Issue 9 item 4: a sentence and details in words; the codes and the raw details in the tooltip.
            who = e.actor.get_full_name() if e.actor_id and e.actor.get_full_name() else e.actor_name
            if who == "system":
                who = labels.pick_label("系统 the system")
            e.sentence = labels.sentence(who, e.action, e.object_type, e.object_id, e.person_id)
            e.details = labels.details(e.fields_for_auditor, e.WITHHELD) if e.fields else ""
            e.codes = " ".join(p for p in (e.action, f"{e.object_type} {e.object_id}".strip(), e.actor_name) if p)
    return render(request, "accounts/audit.html", {"form": form, "page": page, "events": events})
