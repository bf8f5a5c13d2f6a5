"""``manage.py import_areas PATH [--out DIR]``: regenerate a jurisdiction's committed area files."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import CommandError

from vigil.geo import areas
from vigil.geo.importer import ConversionError, import_areas
from vigil.geo.management.commands._conversion import ConversionCommand


class Command(ConversionCommand):
    help = (
        "Convert City Planning boundary layers (nta2020.geojson, community_districts.geojson, "
        "boroughs.geojson, nta2020_simplified.geojson in PATH) into the committed areas/ folder."
    )
    source_help = "folder holding the source GeoJSON layers"
    out_help = "jurisdiction folder to write areas/ into (default: settings.JURISDICTION_DIR)"

    def convert(self, path: Path, jurisdiction_dir: Path) -> None:
        try:
            conversion = import_areas(path, jurisdiction_dir)
        except ConversionError as exc:
            raise CommandError(str(exc)) from exc
        # This process may already hold the old copy in memory.
        areas.reset_cache()
        for relative, data in sorted(conversion.files.items()):
            self.stdout.write(f"wrote {jurisdiction_dir / relative} ({len(data):,} bytes)")
        self.stdout.write(json.dumps(conversion.report["lookup"], indent=2))
