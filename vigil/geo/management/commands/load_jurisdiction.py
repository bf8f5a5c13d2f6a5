from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Check and load the committed jurisdiction pack (areas, places) into this process's caches."

    def handle(self, *args, **options):
        from vigil.geo import areas

        if not (settings.JURISDICTION_DIR / "areas").exists():
            raise CommandError(f"No jurisdiction data at {settings.JURISDICTION_DIR}")
        codes = areas.all_area_codes()
        self.stdout.write(f"jurisdiction {settings.JURISDICTION}: {len(codes)} areas")
