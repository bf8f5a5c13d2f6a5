"""``manage.py import_places PATH [--out DIR]``: regenerate a jurisdiction's committed gazetteer files."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from vigil.geo import gazetteer
from vigil.geo.management.commands._conversion import ConversionCommand
from vigil.geo.places_importer import SourceError, build, default_locate, write


class Command(ConversionCommand):
    help = (
        "Convert the city's place files (intersections_cscl.csv, intersections_osm.csv, subway_stations.csv, "
        "subway_entrances.csv, school_locations.csv, points_of_interest.csv in PATH) into the committed "
        "places/ folder. Needs the areas/ folder (import_areas) to name each point's NTA."
    )
    source_help = "folder holding the source CSV files"
    out_help = "jurisdiction folder to write places/ into (default: settings.JURISDICTION_DIR)"

    def convert(self, path: Path, jurisdiction_dir: Path) -> None:
        out_dir = jurisdiction_dir / "places"
        try:
            files = build(path, default_locate)
        except SourceError as exc:
            raise CommandError(str(exc)) from exc
        write(files, out_dir)
        # This process may already hold the old copy in memory.
        gazetteer.reset_cache()
        for name, text in sorted(files.items()):
            self.stdout.write(f"wrote {out_dir / name} ({len(text.encode('utf-8')):,} bytes)")
