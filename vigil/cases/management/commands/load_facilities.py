from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Load the facilities directory (jurisdictions/<city>/facilities.toml): courts with their time zones and "
        "facilities. A reload updates only facilities not edited in Vigil since their last load."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="the facilities file (default: the jurisdiction's)")

    def handle(self, *args, **options):
        from vigil.cases.directory import DirectoryError
        from vigil.cases.locating_directory import default_path, load

        path = Path(options["path"] or default_path())
        if not path.exists():
            raise CommandError(f"No facilities file at {path}")
        try:
            result = load(path)
        except DirectoryError as exc:
            raise CommandError(f"{path.name}: {exc}") from None
        self.stdout.write(
            f"facilities: {len(result.created)} created, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged, {len(result.conflicts)} conflicts; {result.courts} courts"
        )
        for code in result.conflicts:
            self.stdout.write(
                f"  conflict: {code} was edited in Vigil since its last load; the file's entry was not applied"
            )
