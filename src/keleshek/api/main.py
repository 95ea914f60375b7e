"""The REST API (django-ninja). Routers per registry are added in ``keleshek.api.routers``."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Keleshek API",
    version="1.0.0",
    description="Education management and planning for East Kazakhstan: read the registries.",
    urls_namespace="api-v1",
)
