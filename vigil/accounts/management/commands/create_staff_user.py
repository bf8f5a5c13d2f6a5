import getpass

from django.core.management.base import BaseCommand, CommandError

from vigil.accounts import actions
from vigil.accounts.models import Organization, Role


class Command(BaseCommand):
    help = "Create a staff account. The person sets up a second factor at first sign-in."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=Role.values, required=True)
        parser.add_argument("--org", required=True, help="organization slug")

    def handle(self, *args, username, role, org, **options):
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError("No organization with that slug.")
        password = getpass.getpass("Password: ")
        actions.create_user(username=username, password=password, role=role, organization=organization)
        self.stdout.write("created")
