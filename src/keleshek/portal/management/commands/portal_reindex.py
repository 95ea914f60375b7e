"""`keleshek portal_reindex`: rebuild the catalogue's search index where it is stale."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from keleshek.portal.services import search_index_refresh


class Command(BaseCommand):
    help = "Refresh the programme catalogue's search index (only changed offerings)."

    def handle(self, *args: Any, **opts: Any) -> None:
        result = search_index_refresh()
        self.stdout.write(f"examined {result.examined} offerings, rebuilt {result.rebuilt}")
