"""Cross-cutting web pieces: the content security policy header and the navigation context."""
from django.conf import settings

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


def nav_context(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"actor": user, "can": {a: user.can(a) for a in Action.values}}
