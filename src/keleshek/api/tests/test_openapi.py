"""The committed OpenAPI schema must equal the live one."""

from __future__ import annotations

from pathlib import Path

from keleshek.api.management.commands.openapi import render_schema

COMMITTED = Path(__file__).resolve().parents[4] / "docs" / "openapi.json"


def test_committed_schema_matches_the_live_api() -> None:
    live = render_schema()
    committed = COMMITTED.read_text(encoding="utf-8") if COMMITTED.exists() else ""
    assert live == committed, (
        "docs/openapi.json differs from the live API schema. If the change is intended, "
        "regenerate it with `.venv/bin/keleshek openapi --out docs/openapi.json` and commit it."
    )


def test_public_operations_declare_the_token_optional() -> None:
    import json

    schema = json.loads(render_schema())
    institutions = schema["paths"]["/api/v1/institutions"]["get"]
    assert institutions["security"] == [{"TokenAuth": []}, {}]
    enrolment = schema["paths"]["/api/v1/enrolment"]["get"]
    assert enrolment["security"] == [{"TokenAuth": []}]
    assert {"200", "401", "422"} <= set(enrolment["responses"])


def test_every_mounted_operation_has_complete_parameter_models() -> None:
    from keleshek.api.main import broken_operations

    assert broken_operations() == [], (
        "remove `from __future__ import annotations` from these routers' modules"
    )
