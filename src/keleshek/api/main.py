"""The REST API (django-ninja) under ``/api/v1/``: read-only registries (ADR 0030).

The registries' routers live here (``routers/``); the workflow and indicator apps write their
own (``support.api``, ``transport.api``, ``indicators.api``) with the shared pieces of
``keleshek.core.api``, and this module, the last layer but the demo, imports and mounts them
at ``/api/v1/<app>/`` with their authentication: staff only, or public.
"""

from __future__ import annotations

import copy
from functools import cached_property
from typing import Any

from django.utils import translation
from ninja import NinjaAPI, Swagger
from pydantic.errors import PydanticUserError

from keleshek.indicators import api as indicators_api
from keleshek.support import api as support_api
from keleshek.transport import api as transport_api

from .auth import PublicAuth, TokenAuth, public_auth, staff_auth
from .caching import cached_public_read
from .routers import construction, institutions, news, partnerships, programmes, territory

TOKEN_SCHEME = TokenAuth.__name__
PUBLIC_SCHEME = PublicAuth.__name__

_ERROR = {"type": "object", "properties": {"detail": {}}, "required": ["detail"]}


class KeleshekAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """The schema below, built once per process for each prefix and language (pydantic
        takes about 0.4 s to draw it, and the operations are fixed at start-up); each caller
        gets its own copy."""
        key = (translation.get_language(), repr(sorted(kwargs.items())))
        if key not in self._schemas:
            self._schemas[key] = self._build_openapi_schema(**kwargs)
        return copy.deepcopy(self._schemas[key])

    @cached_property
    def _schemas(self) -> dict[tuple[str | None, str], Any]:
        return {}

    def _build_openapi_schema(self, **kwargs: Any) -> Any:
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
api.add_router("/support/", support_api.router, auth=staff_auth)
api.add_router("/transport/", transport_api.router, auth=staff_auth)
api.add_router("/indicators/", indicators_api.router, auth=public_auth)
# Anonymous reads of the public registries from the page cache (ADR 0204); everything else
# passes through untouched.
api.add_decorator(cached_public_read, mode="view")
