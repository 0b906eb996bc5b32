"""Cross-cutting web pieces: the content security policy header, the API's JSON answers for paths
and methods it does not have, and the navigation context."""
from django.conf import settings
from django.http import JsonResponse

from liudong.accounts.choices import Action


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        return response


class ChineseFirstMiddleware:
    """Chinese first: the page language is zh-hans unless the user chose another with the language
    switch (its cookie); a browser's Accept-Language does not decide for a government system."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


API_PREFIX = "/api/v1/"


class ApiErrorShapeMiddleware:
    """Under /api/v1/ a path the API does not have (Django's 404 page) and a method an operation
    does not take (ninja's plain-text 405) answer the API's one error shape, {"detail"}, with the
    Allow header kept (invariant 7); every other path keeps its HTML pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code not in (404, 405):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response  # the API's own 404s ("absent or not yours") are already JSON
        if response.status_code == 404:
            return JsonResponse({"detail": "不存在 / not found"}, status=404, json_dumps_params={"ensure_ascii": False})
        allowed = ", ".join(sorted(m.strip() for m in response.get("Allow", "").split(",") if m.strip()))
        answer = JsonResponse({"detail": f"不支持 {request.method} 方法，可用：{allowed} / method {request.method} not allowed; allowed: {allowed}"},
                              status=405, json_dumps_params={"ensure_ascii": False})
        answer["Allow"] = allowed
        return answer


def nav_context(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"actor": user, "can": {a: user.can(a) for a in Action.values}}


class OneLineForbidden:
    """Issue 9 item 8: a 403 is a refusal the system meant, not a fault: Django logs it with the
    PermissionDenied's traceback; this logging filter makes it one line, with who was refused and
    why ("Forbidden (Permission denied): /audit/ · nantou_clerk · 角色无权执行此操作 / ...")."""

    def filter(self, record) -> bool:
        if getattr(record, "status_code", None) == 403 and record.exc_info:
            reason = record.exc_info[1]
            request = getattr(record, "request", None)
            user = getattr(getattr(request, "user", None), "username", "") or "-"
            record.msg = " · ".join(part for part in (record.getMessage(), user, str(reason or "")) if part)
            record.args = ()
            record.exc_info = record.exc_text = None
        return True
