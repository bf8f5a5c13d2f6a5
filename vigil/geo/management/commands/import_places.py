"""``manage.py import_places PATH [--out DIR]``: regenerate a jurisdiction's committed gazetteer files."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from vigil.geo import places
from vigil.geo.places_importer import SourceError, build, default_locate, write


def default_out_dir() -> Path:
    configured = getattr(settings, "JURISDICTION_DIR", None)
    if configured:
        return Path(configured)
    return Path(settings.BASE_DIR) / "jurisdictions" / "nyc"


class Command(BaseCommand):
    help = (
        "Convert the city's place files (intersections_cscl.csv, intersections_osm.csv, subway_stations.csv, "
        "subway_entrances.csv, school_locations.csv, points_of_interest.csv in PATH) into the committed "
        "places/ folder. Needs the areas/ folder (import_areas) to name each point's NTA."
    )
    # A data conversion touches neither the database nor the site; it should run on a fresh clone.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="folder holding the source CSV files")
        parser.add_argument(
            "--out",
            type=Path,
            default=None,
            help="jurisdiction folder to write places/ into (default: settings.JURISDICTION_DIR)",
        )

    def handle(self, *args, path, out=None, **options):
        # call_command(..., out="...") skips argparse, so the type conversion happens here too.
        path = Path(path)
        out_dir = (Path(out) if out else default_out_dir()) / "places"
        if not path.is_dir():
            raise CommandError(f"{path} is not a folder")
        try:
            files = build(path, default_locate)
        except SourceError as exc:
            raise CommandError(str(exc)) from exc
        write(files, out_dir)
        # This process may already hold the old copy in memory.
        places.reset_cache()
        for name, text in sorted(files.items()):
            self.stdout.write(f"wrote {out_dir / name} ({len(text.encode('utf-8')):,} bytes)")
