from django.core.management.base import BaseCommand, CommandError

from vigil.accounts import actions
from vigil.accounts.models import Organization


class Command(BaseCommand):
    help = "Create an API token for a partner organization (a hotline). The token is shown once."

    def add_arguments(self, parser):
        parser.add_argument("org", help="the organization's slug")
        parser.add_argument("--label", default="")

    def handle(self, *args, org, label, **options):
        organization = Organization.objects.filter(slug=org, is_active=True).first()
        if organization is None:
            raise CommandError("No active organization with that slug.")
        token = actions.create_partner_token(organization, label=label)
        self.stdout.write(token)
