"""The API keeps its word (issue 7, item 5): every response that any test receives from a path under
/api/v1/ is checked against the OpenAPI document the API serves, /api/v1/openapi.json.

The check is openapi-core's response validation (status documented for the operation, content type
documented for that status, body valid against its schema), read strictly: an object in the
document lists every key the API may send, so a key that is not documented is an error too. A path
or method the document does not have must answer the JSON error shape {"detail"} with 404 or 405.

`tests/conftest.py` wraps django.test.Client so that every request of the suite goes through
`check`; a mismatch fails the test that made the request, naming the operation and the error.
"""
import json
from functools import lru_cache
from urllib.parse import urlsplit

from openapi_core import Config, OpenAPI
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from openapi_core.testing import MockRequest, MockResponse

PREFIX = "/api/v1/"
# The document and its browsable page describe the API; they are not operations of it.
NOT_OPERATIONS = {PREFIX + "openapi.json", PREFIX + "docs"}


class ContractBroken(AssertionError):
    pass


def document() -> dict:
    """The document exactly as /api/v1/openapi.json serves it."""
    from liudong.api import api

    return json.loads(json.dumps(api.get_openapi_schema(path_prefix=PREFIX)))


@lru_cache(maxsize=1)
def _spec() -> OpenAPI:
    # "forbid": a schema that lists its properties admits no other key (openapi-core's strict mode).
    return OpenAPI.from_dict(document(), config=Config(additional_properties_default_policy="forbid"))


def _detail_shape(response) -> str | None:
    """What is wrong with an answer for a path or method outside the document, or None."""
    if response.status_code not in (404, 405):
        return f"status {response.status_code} for a path or method the document does not have (404 or 405 expected)"
    if not response.get("Content-Type", "").startswith("application/json"):
        return f"{response.status_code} answered as {response.get('Content-Type')}, not the JSON error shape"
    body = json.loads(response.content)
    if not (isinstance(body, dict) and set(body) == {"detail"} and isinstance(body["detail"], str)):
        return f"{response.status_code} body {body!r} is not {{\"detail\": ...}}"
    if response.status_code == 405 and not response.get("Allow"):
        return "405 without an Allow header"
    return None


def check(method: str, url: str, response) -> None:
    """Raise ContractBroken when `response` to `method url` is not what the document promises."""
    path = urlsplit(url).path
    if not path.startswith(PREFIX) or path in NOT_OPERATIONS or getattr(response, "streaming", False):
        return
    content_type = response.get("Content-Type", "").split(";")[0].strip() or "application/octet-stream"
    request = MockRequest("http://testserver", method, path)
    answer = MockResponse(response.content, status_code=response.status_code, headers=dict(response.items()), content_type=content_type)
    try:
        _spec().validate_response(request, answer)
    except (PathNotFound, OperationNotFound):
        problem = _detail_shape(response)
        if problem:
            raise ContractBroken(f"{method} {path}: {problem}") from None
    except Exception as exc:  # openapi-core's validation errors carry the detail in __cause__ / schema_errors
        details = [str(e) for e in getattr(exc, "schema_errors", ())] or [str(exc.__cause__ or "")]
        raise ContractBroken(
            f"{method} {path} answered {response.status_code} {content_type}, which the OpenAPI document does not allow: "
            f"{type(exc).__name__}: {exc}; {'; '.join(d for d in details if d)[:1500]}; body {response.content[:300]!r}"
        ) from None
