import time

from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo account (demo mode only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not settings.DEMO:
            raise CommandError("Only in demo mode (VIGIL_DEMO=1).")
        authenticator = Authenticator.objects.filter(user__username=username, type=Authenticator.Type.TOTP).first()
        if authenticator is None:
            raise CommandError("That account has no TOTP authenticator.")
        secret = get_adapter().decrypt(authenticator.data["secret"])
        self.stdout.write(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
