"""``manage.py import_areas PATH [--out DIR]``: regenerate a jurisdiction's committed area files."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from vigil.geo import areas
from vigil.geo.importer import ConversionError, import_areas


def default_out_dir() -> Path:
    configured = getattr(settings, "JURISDICTION_DIR", None)
    if configured:
        return Path(configured)
    return Path(settings.BASE_DIR) / "jurisdictions" / "nyc"


class Command(BaseCommand):
    help = (
        "Convert City Planning boundary layers (nta2020.geojson, community_districts.geojson, "
        "boroughs.geojson, nta2020_simplified.geojson in PATH) into the committed areas/ folder."
    )
    # A data conversion touches neither the database nor the site; it should run on a fresh clone
    # before any secret or database is configured.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="folder holding the source GeoJSON layers")
        parser.add_argument(
            "--out",
            type=Path,
            default=None,
            help="jurisdiction folder to write areas/ into (default: settings.JURISDICTION_DIR)",
        )

    def handle(self, *args, path, out=None, **options):
        # call_command(..., out="...") skips argparse, so the type conversion happens here too.
        path = Path(path)
        out_dir = Path(out) if out else default_out_dir()
        if not path.is_dir():
            raise CommandError(f"{path} is not a folder")
        try:
            conversion = import_areas(path, out_dir)
        except ConversionError as exc:
            raise CommandError(str(exc)) from exc
        # This process may already hold the old copy in memory.
        areas.reset_cache()
        for relative, data in sorted(conversion.files.items()):
            self.stdout.write(f"wrote {out_dir / relative} ({len(data):,} bytes)")
        self.stdout.write(json.dumps(conversion.report["lookup"], indent=2))
