"""Schemathesis against the API (issue 7, item 5): for every operation of /api/v1/openapi.json, a
bounded number of generated requests (hypothesis: valid and invalid parameters and bodies) as a
township clerk with a real token, in-process through WSGI, over the matrix's world (a person, a
home, an employer, a grid, messages, cases, a claim), so that lists answer with real rows. No answer may be a server error, and
every answer must be one the document allows (status, media type, body schema)."""
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from .matrix_world import build
from tests.cases.conftest import husband, woman_2014  # noqa: F401 - fixtures of the matrix world

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = settings(max_examples=6, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])


def test_generated_requests_to_every_operation_get_documented_answers(world, migrant, husband, woman_2014):
    from liudong.accounts.tokens import issue_token

    build(world, migrant, husband, woman_2014)
    headers = {"Authorization": f"Bearer {issue_token(world['township_clerk'])}"}
    # A WSGI server's request ends by closing the database connection; here that would end the
    # test's transaction (PostgreSQL), so, as Django's test client does, not during this test.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 60
        for operation in operations:
            @EXAMPLES
            @given(case=operation.as_strategy())
            def run(case):
                case.call_and_validate(headers=headers, checks=CHECKS)

            run()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
