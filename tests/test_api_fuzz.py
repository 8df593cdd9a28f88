"""The API fuzzed with schemathesis, through the WSGI application (no server, no network):
every operation of the OpenAPI document, with valid and invalid input, as a fund's chair (a
bearer token, the chair's own fund and members in the path) and as an anonymous caller.
Whatever arrives: no 5xx, and every answer matches the document (content type, body schema).

Bounded: ``EXAMPLES`` per operation and caller, derandomized (the same cases every run), so
the whole file stays well under a minute. The counts are printed (``-s``) as a FUZZ line.
"""

from __future__ import annotations

import json
from collections import Counter
from contextlib import contextmanager

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from kongtun.api.models import api_token_create

pytestmark = pytest.mark.django_db

#: Cases per operation for the chair (half valid input, half invalid) and for anonymous calls.
EXAMPLES = {"chair": 40, "anonymous": 10}
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]


@contextmanager
def connections_kept():
    """Requests through the WSGI handler would close the test's connection at the end of each
    request (as a server must); Django's own test client switches that off the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def schema():
    from kongtun.wsgi import application

    with connections_kept():
        return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def wsgi_in_test_transaction():
    with connections_kept():
        yield


def _operations() -> list[str]:
    from kongtun.api.api import api

    doc = api.get_openapi_schema(path_prefix="/api/v1/")
    return sorted(
        f"{method.upper()} {path}" for path, ops in doc["paths"].items() for method in ops
    )


@pytest.mark.parametrize("caller", ["chair", "anonymous"])
@pytest.mark.parametrize("label", _operations())
def test_the_api_survives_fuzzing(world, schema, wsgi_in_test_transaction, caller, label):
    method, path = label.split(" ", 1)
    operation = schema[path][method]
    headers = {}
    fixed: list[dict] = [{}]
    if caller == "chair":
        headers = {"Authorization": f"Bearer {api_token_create(user=world.chair_a, name='fuzz')}"}
        params = {p["name"] for p in operation.definition.raw.get("parameters", [])}
        if "fund_id" in params:
            fund = {"fund_id": world.fund_a.pk}
            fixed = [fund]
            if "member_id" in params:
                fixed = [dict(fund, member_id=m.pk) for m in world.members_a] + [fund]
    strategies = [
        operation.as_strategy(mode, path_parameters=p)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        for p in fixed
    ]
    seen: Counter = Counter()

    @settings(
        max_examples=EXAMPLES[caller],
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of(strategies))
    def fuzz(case):
        response = case.call(headers=headers)
        seen[response.status_code] += 1
        case.validate_response(response, checks=CHECKS)

    fuzz()
    assert not [code for code in seen if code >= 500]
    if caller == "anonymous":
        assert set(seen) == {401}  # nothing is answered without a login
    codes = {str(code): n for code, n in sorted(seen.items())}
    print("FUZZ", json.dumps({"operation": label, "caller": caller, **codes}))
