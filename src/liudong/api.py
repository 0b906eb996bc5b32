"""The API under /api/v1/ (django-ninja; OpenAPI at /api/v1/openapi.json).

Errors have one shape everywhere: 422 `{"errors": {"field": ["message"]}}` for bad input,
401 without a valid token, 403 when the role may not act, 404 for "absent or not yours".
"""
from django.core.exceptions import RequestDataTooBig
from django.utils import translation
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from liudong.accounts.services import staff_for_token
from liudong.errors import Denied, Invalid, NotFound


class BearerAuth(HttpBearer):
    def authenticate(self, request, token):
        staff = staff_for_token(token)
        if staff is not None:
            request.user = staff
        return staff


api = NinjaAPI(title="Liudong 流动人口服务管理信息系统 API", version="1", urls_namespace="api", auth=BearerAuth(), docs_url="/docs")


def _field_of(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "form")]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        field = _field_of(err.get("loc", ()))
        kind = err.get("type", "")
        if kind in ("missing", "value_error.missing"):
            msg = "必填 / required"
        elif kind == "json_invalid" or "JSON" in err.get("msg", ""):
            field, msg = "body", "请求体不是有效的JSON / the request body is not valid JSON"
        else:
            msg = f"格式不正确 / {err.get('msg', 'invalid')}"
        errors.setdefault(field, []).append(msg)
    return api.create_response(request, {"errors": errors}, status=422)


@api.exception_handler(Invalid)
def on_invalid(request, exc):
    return api.create_response(request, {"errors": exc.errors}, status=422)


@api.exception_handler(Denied)
def on_denied(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(NotFound)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=404)


@api.exception_handler(AuthenticationError)
def on_auth(request, exc):
    return api.create_response(request, {"detail": "需要有效的令牌 / a valid bearer token is required"}, status=401)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):
    return api.create_response(request, {"errors": {"body": ["请求体过大 / the request body is too large"]}}, status=413)


def _register_routers():
    from liudong.accounts.api import router as accounts_router
    from liudong.divisions.api import router as divisions_router
    from liudong.people.api import router as people_router

    api.add_router("", accounts_router)
    api.add_router("", divisions_router)
    api.add_router("", people_router)


_register_routers()
