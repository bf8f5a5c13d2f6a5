from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Load the directory of legal providers (jurisdictions/<city>/directory.toml). A reload updates only "
        "entries not edited in Vigil since their last load and lists the others as conflicts."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="the directory file (default: the jurisdiction's)")

    def handle(self, *args, **options):
        from vigil.cases.directory import DirectoryError, load

        path = Path(options["path"] or settings.JURISDICTION_DIR / "directory.toml")
        if not path.exists():
            raise CommandError(f"No directory file at {path}")
        try:
            result = load(path)
        except DirectoryError as exc:
            raise CommandError(f"{path.name}: {exc}") from None
        self.stdout.write(
            f"providers: {len(result.created)} created, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged, {len(result.conflicts)} conflicts; {result.courts} courts"
        )
        for slug in result.conflicts:
            self.stdout.write(
                f"  conflict: {slug} was edited in Vigil since its last load; the file's entry was not applied"
            )
        if not options["path"]:
            # The jurisdiction's facilities (and their courts' time zones) come with its providers.
            from vigil.cases.locating_directory import default_path

            if default_path().exists():
                call_command("load_facilities", stdout=self.stdout)
