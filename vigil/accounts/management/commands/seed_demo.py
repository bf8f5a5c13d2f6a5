"""Demo organizations and staff for `make run` (VIGIL_DEMO=1). Idempotent."""

from importlib import import_module

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from vigil.accounts import actions
from vigil.accounts.models import Organization, Role, User

DEMO_PASSWORD = "vigil-demo-password"
DEMO_STAFF = [
    ("admin", Role.ADMIN, "demo-hotline"),
    ("dispatcher", Role.DISPATCHER, "demo-hotline"),
    ("responder", Role.RESPONDER, "demo-hotline"),
    ("caseworker", Role.CASEWORKER, "demo-hotline"),
    ("provider", Role.PROVIDER_STAFF, "demo-legal"),
    ("monitor", Role.MONITOR, "demo-coalition"),
]
DEMO_ORGS = [
    ("Demo Rapid Response Hotline", "demo-hotline", Organization.Kind.HOTLINE),
    ("Demo Immigrant Legal Services", "demo-legal", Organization.Kind.LEGAL_PROVIDER),
    ("Demo Coalition", "demo-coalition", Organization.Kind.COALITION),
]


class Command(BaseCommand):
    help = "Create demo organizations, staff with TOTP, and sample data (demo mode only)."

    def handle(self, *args, **options):
        if not settings.DEMO:
            raise CommandError("Demo data is loaded only with VIGIL_DEMO=1.")
        orgs = {}
        for name, slug, kind in DEMO_ORGS:
            orgs[slug] = Organization.objects.filter(slug=slug).first() or actions.create_organization(
                name=name, slug=slug, kind=kind
            )
        for username, role, slug in DEMO_STAFF:
            if User.objects.filter(username=username).exists():
                continue
            with transaction.atomic():
                user = actions.create_user(
                    username=username, password=DEMO_PASSWORD, role=role, organization=orgs[slug]
                )
                TOTP.activate(user, generate_totp_secret())
        from django.apps import apps

        for app in apps.get_app_configs():
            if _has_demo(app):
                import_module(f"{app.name}.demo").seed(orgs)
        self.stdout.write("Demo staff (password for all: %s):" % DEMO_PASSWORD)
        for username, role, _slug in DEMO_STAFF:
            self.stdout.write(f"  {username:<11} {role}")
        self.stdout.write(
            "Second factor (TOTP): in another terminal, `make demo-code ACCOUNT=dispatcher` prints the current code"
        )


def _has_demo(app) -> bool:
    from importlib.util import find_spec

    return app.name.startswith("vigil.") and find_spec(f"{app.name}.demo") is not None
