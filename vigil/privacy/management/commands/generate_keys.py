from django.core.management.base import BaseCommand

from vigil.lib.crypto import generate_key


class Command(BaseCommand):
    help = "Print new random keys for FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEYS (version 1)."

    def handle(self, *args, **options):
        self.stdout.write(f"FIELD_ENCRYPTION_KEYS=1:{generate_key()}")
        self.stdout.write(f"BLIND_INDEX_KEYS=1:{generate_key()}")
