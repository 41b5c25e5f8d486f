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


@pytest.fixture
def bearer(db: None) -> Iterator[dict[str, str]]:
    from vigil.accounts.models import User
    from vigil.accounts.services import create_token
    from vigil.core.audit import SystemActor

    user = User.objects.get(username="thuongtruc")
    _, raw = create_token(user, name="contract", scope="write", actor=SystemActor("test"))
    yield {"Authorization": f"Bearer {raw}"}


@schema.parametrize()
@settings(
    # Deterministic in `make test`; `make fuzz` sets VIGIL_FUZZ_EXAMPLES for a long random run.
    max_examples=int(os.environ.get("VIGIL_FUZZ_EXAMPLES", "12")),
    derandomize="VIGIL_FUZZ_EXAMPLES" not in os.environ,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_the_api_keeps_its_contract(case: Any, bearer: dict[str, str]) -> None:
    response = case.call(headers=bearer)
    # Left out: "accepts invalid authentication" (our valid token rides beside a
    # generated cookie), and "schema-valid request rejected" (business rules,
    # such as a classification above the user's clearance, rightly answer 400).
    case.validate_response(
        response,
        excluded_checks=[
            schemathesis.checks.ignored_auth,
            schemathesis.checks.positive_data_acceptance,
        ],
    )
