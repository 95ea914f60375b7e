"""``keleshek roads import FILE.osm.pbf``: the region's road graph for the routing matrices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from keleshek.core.context import acting_as
from keleshek.transport.services.roads import import_roads


class Command(BaseCommand):
    help = "Import an OpenStreetMap extract (.osm.pbf or .osm) as the routable road graph."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["import"])
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with acting_as(None, via="cli"):
                network = import_roads(options["file"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"road network {network.pk}: {network.nodes} nodes, {network.edges} segments, "
            f"box {network.min_lon:.4f},{network.min_lat:.4f} – "
            f"{network.max_lon:.4f},{network.max_lat:.4f}"
        )
