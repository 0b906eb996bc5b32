"""The OpenAPI document (issue 7, item 5): one name for one schema across every router, the bodies
of closing a home or an employer and of listing messages documented as they are, and the contract
check that tests/conftest.py runs on every response of the suite (tests/openapi_contract.py)."""
import enum
import json
import typing

import pytest
from django.http import HttpResponse, JsonResponse
from pydantic import BaseModel

from tests.people.api.conftest import ApiClient
from tests.openapi_contract import ContractBroken, check, document


def _walk(tp, found: dict, seen: set):
    """Every pydantic model and enum reachable from a type, by the name it takes in the document."""
    if isinstance(tp, type) and issubclass(tp, (BaseModel, enum.Enum)):
        if tp in seen:
            return
        seen.add(tp)
        found.setdefault(tp.__name__, set()).add(tp)
        if issubclass(tp, BaseModel):
            for field in tp.model_fields.values():
                _walk(field.annotation, found, seen)
        return
    for arg in typing.get_args(tp):
        _walk(arg, found, seen)


def schemas_by_name() -> dict[str, set[type]]:
    """The models of every operation of every router: request parameters and bodies, and responses.
    ninja wraps them in models of its own; the walk starts from the wrappers' fields."""
    from ninja.constants import NOT_SET

    from liudong.api import api

    found, seen = {}, set()
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                wrappers = [*operation.models, *(m for m in operation.response_models.values() if m not in (None, NOT_SET))]
                for wrapper in wrappers:
                    for field in wrapper.model_fields.values():
                        _walk(field.annotation, found, seen)
    return found


def test_no_two_schemas_of_the_api_share_a_component_name():
    """The document keys its components by class name and keeps only one of two namesakes, so two
    routers' `MessageOut`s made every GET /messages answer fail the schema it was documented with."""
    found = schemas_by_name()
    clashes = {name: sorted(f"{c.__module__}.{c.__qualname__}" for c in classes) for name, classes in found.items() if len(classes) > 1}
    assert not clashes, f"rename one of each: {clashes}"
    assert {"MessageOut", "CaseMessageOut", "PlaceCloseIn", "MessageCloseIn", "PersonOut"} <= set(found)


def test_every_schema_of_the_routers_is_a_component_of_the_document():
    components = set(document()["components"]["schemas"])
    models = {name for name, (cls,) in schemas_by_name().items() if issubclass(cls, BaseModel)}
    # Query parameters are flattened into the operation's parameters, not components.
    flattened = {"PersonQuery", "PageQuery", "OnQuery", "BoxQuery", "AuditQuery"}
    assert models - flattened <= components


def _body_schema(doc, path, method="post"):
    ref = doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return doc["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_closing_a_home_or_an_employer_is_documented_with_its_date_and_a_message_with_its_reason():
    doc = document()
    for path in ("/api/v1/housing/{housing_id}/close", "/api/v1/employers/{employer_id}/close"):
        schema = _body_schema(doc, path)
        assert schema["required"] == ["closed_on"] and set(schema["properties"]) == {"closed_on"}, (path, schema)
    schema = _body_schema(doc, "/api/v1/messages/{message_id}/close")
    assert schema["required"] == ["reason"] and set(schema["properties"]) == {"reason"}


def test_the_message_list_is_documented_with_the_exchange_message_and_cases_with_their_own():
    schemas = document()["components"]["schemas"]
    item = schemas["MessagePage"]["properties"]["results"]["items"]["$ref"]
    assert item.endswith("/MessageOut")
    assert {"sender_name", "receiver_name", "subject", "overdue"} <= set(schemas["MessageOut"]["properties"])
    assert "url" in schemas["CaseMessageOut"]["properties"] and "url" not in schemas["MessageOut"]["properties"]


def test_every_operation_that_takes_a_body_documents_the_413_of_the_request_limit():
    for path, operations in document()["paths"].items():
        for method, operation in operations.items():
            if "requestBody" in operation:
                assert "413" in operation["responses"], (method, path)


@pytest.mark.parametrize("path", ["/messages/abc/attachments/1", "/cases/births/x/refusal-letter.pdf"])
def test_a_file_download_with_a_bad_id_answers_a_documented_422(world, path):
    """These two answered 422 for a path id that is not a number without documenting it; the
    contract check of tests/conftest.py fails this test on the old document."""
    from liudong.accounts.tokens import issue_token

    r = ApiClient(issue_token(world["township_clerk"])).get(path)
    assert r.status_code == 422 and set(r.json()["errors"]) <= {"message_id", "case_id"}
    assert "422" in document()["paths"]["/api/v1" + path.replace("abc", "{message_id}").replace("/1", "/{attachment_id}").replace("/x/", "/{case_id}/")]["get"]["responses"]


# ---------------------------------------------------------------- the contract check itself

ME = {"username": "u", "role": "township_clerk", "division": "440305001000", "division_name": "南头街道", "permissions": []}


def test_the_contract_check_passes_a_documented_answer():
    check("GET", "/api/v1/me", JsonResponse(ME))
    check("GET", "/api/v1/me", JsonResponse({"detail": "需要有效的令牌 / a valid bearer token is required"}, status=401))
    check("GET", "/api/v1/nowhere", JsonResponse({"detail": "不存在 / not found"}, status=404))
    check("GET", "/healthz", HttpResponse("not an API path", status=500))


@pytest.mark.parametrize("method,path,response,why", [
    ("GET", "/api/v1/me", JsonResponse({**ME, "phone": "13800138000"}), "a key the document does not list"),
    ("GET", "/api/v1/me", JsonResponse({k: v for k, v in ME.items() if k != "role"}), "a required key missing"),
    ("GET", "/api/v1/me", JsonResponse({**ME, "permissions": "all"}), "a value of the wrong type"),
    ("GET", "/api/v1/me", JsonResponse({"errors": {"x": ["y"]}}, status=422), "a status the operation does not document"),
    ("GET", "/api/v1/me", HttpResponse("<p>hi</p>", content_type="text/html"), "a media type the operation does not document"),
    ("GET", "/api/v1/messages", JsonResponse({"box": "inbox", "due": None, "count": 1, "counts": {"all": 1, "today": 0, "week": 0, "overdue": 0}, "page": 1, "pages": 1,
                                              "results": [{"id": 1, "url": "/exchange/1/"}]}), "a message that is not the documented MessageOut"),
    ("GET", "/api/v1/nowhere", HttpResponse("<h1>未找到</h1>", status=404, content_type="text/html"), "an HTML 404 under /api/v1/"),
    ("DELETE", "/api/v1/me", HttpResponse(b"Method not allowed", status=405), "a 405 that is not JSON"),
    ("DELETE", "/api/v1/me", JsonResponse({"detail": "x"}, status=405), "a 405 without Allow"),
])
def test_the_contract_check_fails_an_answer_the_document_does_not_allow(method, path, response, why):
    with pytest.raises(ContractBroken):
        check(method, path, response)


def test_the_document_served_is_the_one_checked(db):
    served = ApiClient().get("/openapi.json")
    assert json.loads(served.content) == document()
