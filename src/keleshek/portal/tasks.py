"""Background jobs of the portal: keep the catalogue's search index fresh."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .services import search_index_refresh


@db_task()
def refresh_search_index(offering_ids: list[int] | None = None) -> int:
    """Enqueue after an import or an edit of offerings, specialties or institutions."""
    return search_index_refresh(offering_ids=offering_ids).rebuilt


@db_periodic_task(crontab(minute="*/10"))
def refresh_search_index_periodically() -> int:
    """A safety net: rebuilds only documents whose sources changed."""
    return search_index_refresh().rebuilt
