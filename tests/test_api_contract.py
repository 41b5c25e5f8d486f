"""The API keeps the contract its OpenAPI schema states, for generated input.

Schemathesis generates requests from our schema (valid and invalid ones) and
checks each answer: no server error, a documented status, a body that matches
the documented schema. Run as every write-capable persona would: a write token
of the standing office.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings

from vigil.wsgi import application

_generated = SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
schema = schemathesis.openapi.from_dict(_generated)
schema.app = application


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """As Django's test client does: the WSGI handler must not close the test's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def token_header(username: str, scope: str) -> dict[str, str]:
    from vigil.accounts.models import User
    from vigil.accounts.services import create_token
    from vigil.core.audit import SystemActor

    user = User.objects.get(username=username)
    _, raw = create_token(user, name="contract", scope=scope, actor=SystemActor("test"))
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def bearer(db: None) -> dict[str, str]:
    return token_header("thuongtruc", "write")


@pytest.fixture
def outsider(db: None) -> dict[str, str]:
    """A licensed organisation's storekeeper: answers with committee references hidden."""
    return token_header("kho_mo", "read")


FUZZ = settings(
    # Deterministic in `make test`; `make fuzz` sets VIGIL_FUZZ_EXAMPLES for a long random run.
    max_examples=int(os.environ.get("VIGIL_FUZZ_EXAMPLES", "12")),
    derandomize="VIGIL_FUZZ_EXAMPLES" not in os.environ,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
# Left out: "accepts invalid authentication" (our valid token rides beside a
# generated cookie), and "schema-valid request rejected" (business rules,
# such as a classification above the user's clearance, rightly answer 400).
EXCLUDED = [schemathesis.checks.ignored_auth, schemathesis.checks.positive_data_acceptance]


@schema.parametrize()
@FUZZ
def test_the_api_keeps_its_contract(case: Any, bearer: dict[str, str]) -> None:
    response = case.call(headers=bearer)
    case.validate_response(response, excluded_checks=EXCLUDED)


@schema.include(method="GET").parametrize()
@FUZZ
def test_the_api_keeps_its_contract_for_a_licensed_organisation(
    case: Any, outsider: dict[str, str]
) -> None:
    response = case.call(headers=outsider)
    case.validate_response(response, excluded_checks=EXCLUDED)
