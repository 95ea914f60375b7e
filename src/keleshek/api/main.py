"""The REST API (django-ninja) under ``/api/v1/``: read-only registries (ADR 0030).

Other apps plug their routers in through ``OPTIONAL_ROUTERS`` ("module:attribute"); a router
is mounted at ``/api/v1/<app>/`` when its module exists. A module that exists but fails to
import is an error, not a silent omission.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from ninja import NinjaAPI, Router, Swagger
from pydantic.errors import PydanticUserError

from .auth import PublicAuth, TokenAuth
from .routers import construction, institutions, news, partnerships, programmes, territory

OPTIONAL_ROUTERS = [
    "keleshek.support.api:router",
    "keleshek.transport.api:router",
    "keleshek.indicators.api:router",
    "keleshek.intake.api:router",
]

TOKEN_SCHEME = TokenAuth.__name__
PUBLIC_SCHEME = PublicAuth.__name__

_ERROR = {"type": "object", "properties": {"detail": {}}, "required": ["detail"]}


class KeleshekAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """Ninja's schema, plus: public operations declare the bearer token optional, and
        every operation documents the 401/403/404/422 answers it can give (401 and 403 where
        a token is involved, 404 where a path names a record, 422 everywhere)."""
        try:
            schema = super().get_openapi_schema(**kwargs)
        except PydanticUserError as exc:
            raise RuntimeError(
                "API operations with unresolved parameter models: "
                + ", ".join(broken_operations())
                + ". Their modules probably use `from __future__ import annotations` with "
                "`Query[...]`: ninja cannot flatten such filters (every request would be a 422). "
                "Remove that import from the router module."
            ) from exc
        schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
        public = schemes.pop(PUBLIC_SCHEME, None)
        if public is not None:
            schemes.setdefault(TOKEN_SCHEME, public)
        for item in schema.get("paths", {}).values():
            for op in item.values():
                security = op.get("security") or []
                names = {name for req in security for name in req}
                if PUBLIC_SCHEME in names:
                    op["security"] = [{TOKEN_SCHEME: []}, {}]
                responses = op.setdefault("responses", {})
                if names:
                    responses.setdefault(
                        401,
                        {
                            "description": "Missing, invalid or revoked token",
                            "content": {"application/json": {"schema": _ERROR}},
                        },
                    )
                if names - {PUBLIC_SCHEME}:
                    responses.setdefault(
                        403,
                        {
                            "description": "Your role has no access to this registry",
                            "content": {"application/json": {"schema": _ERROR}},
                        },
                    )
                if any(p.get("in") == "path" for p in op.get("parameters", [])):
                    responses.setdefault(
                        404,
                        {
                            "description": "No such record (or not in your scope)",
                            "content": {"application/json": {"schema": _ERROR}},
                        },
                    )
                responses.setdefault(
                    422,
                    {
                        "description": "Invalid parameters",
                        "content": {"application/json": {"schema": _ERROR}},
                    },
                )
        return schema


def broken_operations() -> list[str]:
    """Operations whose parameter models pydantic could not complete ("module.function")."""
    found = []
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    try:
                        model.model_json_schema()
                    except PydanticUserError:
                        func = operation.view_func
                        found.append(f"{func.__module__}.{func.__name__}")
                        break
    return found


api = KeleshekAPI(
    title="Keleshek API",
    version="1.0.0",
    description=(
        "Education management and planning for East Kazakhstan: read the registries. "
        "Public registries answer without authentication; restricted ones need "
        "`Authorization: Bearer <token>` (tokens: `keleshek api-token create <username>`). "
        "Lists are paginated with `limit` (at most 500) and `offset` and answer "
        "`{items, count}`. Identifiers are stable: KATO codes, BINs, classifier codes."
    ),
    urls_namespace="api-v1",
    # Swagger UI from ninja's own static files ("ninja" is an installed app), and no call to
    # the public validator service: the docs work offline.
    docs=Swagger(settings={"validatorUrl": None}),
)

for _module in (territory, institutions, programmes, construction, partnerships, news):
    api.add_router("/", _module.router)


def _optional_router(spec: str) -> tuple[str, Router] | None:
    module_name, _, attribute = spec.partition(":")
    try:
        found = importlib.util.find_spec(module_name)
    except ModuleNotFoundError:
        found = None
    if found is None:
        return None
    module = importlib.import_module(module_name)
    app = module_name.split(".")[-2]
    return app, getattr(module, attribute)


for _spec in OPTIONAL_ROUTERS:
    _found = _optional_router(_spec)
    if _found is not None:
        api.add_router(f"/{_found[0]}/", _found[1])
