"""What the commands that regenerate a jurisdiction's committed files share."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def default_out_dir() -> Path:
    configured = getattr(settings, "JURISDICTION_DIR", None)
    if configured:
        return Path(configured)
    return Path(settings.BASE_DIR) / "jurisdictions" / "nyc"


class ConversionCommand(BaseCommand):
    """``manage.py <command> PATH [--out DIR]``: read source files in PATH, write the committed files.

    Subclasses set `source_help` and `out_help` and write `convert(path, jurisdiction_dir)`.
    """

    source_help = "folder holding the source files"
    out_help = "jurisdiction folder to write into (default: settings.JURISDICTION_DIR)"
    # A data conversion touches neither the database nor the site; it should run on a fresh clone
    # before any secret or database is configured.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help=self.source_help)
        parser.add_argument("--out", type=Path, default=None, help=self.out_help)

    def handle(self, *args, path, out=None, **options):
        # call_command(..., out="...") skips argparse, so the type conversion happens here too.
        path = Path(path)
        if not path.is_dir():
            raise CommandError(f"{path} is not a folder")
        self.convert(path, Path(out) if out else default_out_dir())

    def convert(self, path: Path, jurisdiction_dir: Path) -> None:
        raise NotImplementedError
