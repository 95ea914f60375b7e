"""Schemathesis against the committed schema, in-process (WSGI): anonymous and with an
integrator token. No answer may be a server error or break the schema (issue 7)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# The API's behaviour does not depend on the database engine, and this is the slowest test:
# it runs in the first (SQLite) pass of `make test` only.
pytestmark = pytest.mark.once

COMMITTED = Path(__file__).resolve().parents[4] / "docs" / "openapi.json"
# Bounded for CI; raise it locally for a deeper run (KELESHEK_FUZZ_EXAMPLES=100).
EXAMPLES_PER_OPERATION = int(os.environ.get("KELESHEK_FUZZ_EXAMPLES", "10"))
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]

schema = schemathesis.openapi.from_path(COMMITTED)
schema.app = get_wsgi_application()

FUZZ = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@FUZZ
def test_api_anonymous(case: Any, world: Any) -> None:
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_api_with_integrator_token(case: Any, integrator_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {integrator_token}"}, checks=CHECKS)
