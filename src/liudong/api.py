"""The API under /api/v1/ (django-ninja; OpenAPI at /api/v1/openapi.json).

Errors have one shape everywhere (invariant 7), and the API never answers 500 for bad input:

- 422 `{"errors": {"field": ["中文 / English", ...]}}` for bad input, whether the JSON is malformed
  (field `body`), a value has the wrong type (pydantic) or the service refuses it (`Invalid`);
- 413 `{"errors": {"body": [...]}}` when the body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE;
- 401 `{"detail"}` without a valid token, 403 when the role may not act, 404 for "absent or not
  yours" (a scope never leaks what lies outside it), 409 when a record exists already.
"""
import json
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import IntegrityError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer

from liudong.accounts.tokens import staff_for_token
from liudong.errors import Invalid, NotFound

logger = logging.getLogger("liudong.api")

BAD_JSON = "请求体不是有效的JSON / the request body is not valid JSON"
BAD_TEXT = "含有不允许的字符（空字符或不成对的代理项） / contains a character that is not allowed (NUL or a lone surrogate)"


class BearerAuth(HttpBearer):
    def authenticate(self, request, token):
        staff = staff_for_token(token)
        if staff is not None:
            request.user = staff
        return staff


def _bad_char(value: str) -> bool:
    return "\x00" in value or any("\ud800" <= c <= "\udfff" for c in value)


def _check_text(value, path: str):
    """Refuse NUL and lone surrogates anywhere in the input: no database stores them (PostgreSQL
    refuses NUL, UTF-8 cannot encode a lone surrogate), so they would otherwise end in a 500."""
    if isinstance(value, str):
        if _bad_char(value):
            raise Invalid({path or "body": [BAD_TEXT]})
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_text(k, path or "body")
            _check_text(v, k if not path else f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_text(v, f"{path or 'body'}.{i}")


class StrictParser(Parser):
    """JSON bodies and query strings, refusing characters no database can store."""

    def parse_body(self, request):
        try:
            data = json.loads(request.body)
        except (ValueError, RecursionError):
            raise Invalid({"body": [BAD_JSON]}) from None
        if not isinstance(data, dict):
            raise Invalid({"body": ["请求体应为JSON对象 {...} / the request body must be a JSON object {...}"]})
        _check_text(data, "")
        return data

    def parse_querydict(self, data, list_fields, request):
        for key, values in data.lists():
            for v in [key, *values]:
                if _bad_char(v):
                    raise Invalid({key if not _bad_char(key) else "query": [BAD_TEXT]})
        return super().parse_querydict(data, list_fields, request)


class Utf8JSONRenderer(JSONRenderer):
    """Chinese as itself, not as \\u escapes: readable in logs and smaller on the wire."""

    json_dumps_params = {"ensure_ascii": False}


TOO_BIG_DOC = {"description": "请求体超过 LIUDONG_MAX_REQUEST_BYTES / the body is larger than LIUDONG_MAX_REQUEST_BYTES",
               "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorsOut"}}}}


class LiudongAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The document, with the 413 that any operation taking a body may answer (Django refuses
        the body before the operation runs, so no router lists it itself)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                if "requestBody" in operation:
                    operation["responses"].setdefault(413, TOO_BIG_DOC)
        return schema


api = LiudongAPI(
    title="Liudong 流动人口服务管理信息系统 API",
    version="1",
    description="流动人口服务管理信息系统的接口。错误的输入返回 422 {\"errors\": {字段: [消息]}}。 / "
    "The API of the floating population information system. Bad input gives 422 {\"errors\": {field: [message]}}.",
    urls_namespace="api",
    auth=BearerAuth(),
    docs_url="/docs",
    parser=StrictParser(),
    renderer=Utf8JSONRenderer(),
)


def errors_response(request, errors: dict, status: int = 422):
    return api.create_response(request, {"errors": errors}, status=status)


def _field_of(loc) -> str:
    """("body", "payload", "name") -> "name"; ("query", "age_min") -> "age_min". Every body
    parameter of this API is called `payload`; query schemas are flattened by ninja."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "form", "header", "cookie"):
        parts = parts[1:]
    if parts and parts[0] == "payload":
        parts = parts[1:]
    return ".".join(parts) or "body"


def _message(err: dict) -> str:
    """A bilingual message for one pydantic error (Chinese first, like every other message)."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    msg = str(err.get("msg", ""))
    if kind == "missing":
        return "必填 / required"
    if kind == "value_error" and " / " in str(ctx.get("error", "")):
        return str(ctx["error"])  # our own validators already speak both languages
    if " / " in msg and not kind.endswith("_type"):
        return msg
    if kind in ("string_type",):
        return "应为文字 / must be text"
    if kind in ("int_type", "int_parsing", "int_from_float", "int_parsing_size"):
        return "应为整数 / must be a whole number"
    if kind in ("bool_type", "bool_parsing"):
        return "应为 true 或 false / must be true or false"
    if kind.startswith("date") or kind.startswith("datetime"):
        return "日期应为 YYYY-MM-DD / a date is written YYYY-MM-DD"
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", ""))
        return f"应为 {expected.replace(' or ', ', ')} 之一 / must be one of {expected}"
    if kind == "string_too_long":
        n = ctx.get("max_length")
        return f"最多 {n} 个字符 / at most {n} characters"
    if kind == "string_too_short":
        n = ctx.get("min_length")
        return f"至少 {n} 个字符 / at least {n} characters"
    if kind in ("greater_than_equal", "greater_than"):
        return f"应不小于 {ctx.get('ge', ctx.get('gt'))} / must be at least {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"应不大于 {ctx.get('le', ctx.get('lt'))} / must be at most {ctx.get('le', ctx.get('lt'))}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "应为JSON对象 / must be a JSON object"
    if kind in ("list_type",):
        return "应为列表 / must be a list"
    if kind == "json_invalid":
        return BAD_JSON
    return f"格式不正确 / {msg or 'invalid value'}"


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        field = _field_of(err.get("loc", ()))
        msg = _message(err)
        if err.get("type") == "json_invalid":
            field = "body"
        if msg not in errors.get(field, []):
            errors.setdefault(field, []).append(msg)
    return errors_response(request, errors)


@api.exception_handler(Invalid)
def on_invalid(request, exc):
    return errors_response(request, exc.errors)


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    # ninja wraps any failure of the body parser in HttpError(400); the parser raises Invalid.
    cause = exc.__cause__
    if isinstance(cause, Invalid):
        return errors_response(request, cause.errors)
    if isinstance(cause, RequestDataTooBig):
        return on_too_big(request, cause)
    if exc.status_code == 400 and cause is not None:
        return errors_response(request, {"body": [BAD_JSON]})
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def on_auth(request, exc):
    return api.create_response(request, {"detail": "需要有效的令牌 / a valid bearer token is required"}, status=401)


@api.exception_handler(PermissionDenied)
def on_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "无权执行此操作 / not allowed"}, status=403)


@api.exception_handler(NotFound)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": str(exc), **exc.extra}, status=404)


@api.exception_handler(Http404)
def on_http404(request, exc):
    return api.create_response(request, {"detail": "不存在 / not found"}, status=404)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):
    mb = round(settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024), 1)
    return errors_response(request, {"body": [f"请求体过大（最多 {mb:g} MB） / the request body is too large ({mb:g} MB at most)"]}, status=413)


@api.exception_handler(IntegrityError)
def on_integrity(request, exc):
    # Two clerks registering the same record at once: the second loses the race cleanly.
    logger.warning("integrity error in %s %s: %s", request.method, request.path, exc)
    return api.create_response(request, {"detail": "与已有记录冲突，请重试 / conflicts with an existing record, please retry"}, status=409)


@api.exception_handler(Exception)
def on_unexpected(request, exc):
    # Never an HTML page or a traceback to an API client; the log keeps the details.
    logger.exception("unexpected error in %s %s", request.method, request.path)
    return api.create_response(request, {"detail": "服务器内部错误 / internal server error"}, status=500)


def _register_routers():
    from liudong.accounts.api import router as accounts_router
    from liudong.divisions.api import router as divisions_router
    from liudong.people.api import router as people_router
    from liudong.people.api_places import router as places_router
    from liudong.registers.api import router as registers_router
    from liudong.policy.api import router as policy_router
    from liudong.exchange.api import router as exchange_router
    from liudong.exchange.api_claims import router as claims_router
    from liudong.exchange.api_timeliness import router as timeliness_router
    from liudong.cases.api import router as cases_router
    from liudong.certificates.api import router as certificates_router
    from liudong.jobs.api import router as jobs_router
    from liudong.permits.api import router as permits_router
    from liudong.territory.api import router as grids_router
    from liudong.desk.api import router as desk_router
    from liudong.technical.api import router as technical_router
    from liudong.statistics.api import router as statistics_router
    from liudong.quality.api import router as quality_router
    from liudong.federation.api import router as nodes_router
    from liudong.quality.api_imports import router as quality_imports_router

    api.add_router("", accounts_router)
    api.add_router("", divisions_router)
    api.add_router("", grids_router)
    api.add_router("", people_router)
    api.add_router("", places_router)
    api.add_router("", registers_router)
    api.add_router("", policy_router)
    api.add_router("", exchange_router)
    api.add_router("", claims_router)
    api.add_router("", timeliness_router)
    api.add_router("", cases_router)
    api.add_router("", certificates_router)
    api.add_router("", jobs_router)
    api.add_router("", desk_router)
    api.add_router("", permits_router)
    api.add_router("", technical_router)
    api.add_router("", statistics_router)
    api.add_router("", quality_router)
    api.add_router("", nodes_router)
    api.add_router("", quality_imports_router)


_register_routers()
