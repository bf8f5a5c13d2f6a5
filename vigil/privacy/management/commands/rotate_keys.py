from django.core.management.base import BaseCommand

from vigil.privacy.actions import rotate_keys


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the newest key and recompute blind indexes."

    def handle(self, *args, **options):
        for label, count in rotate_keys().items():
            self.stdout.write(f"{label}: {count} rows re-encrypted")
