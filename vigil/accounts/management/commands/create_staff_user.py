import getpass

from django.core.management.base import BaseCommand, CommandError

from vigil.accounts import actions
from vigil.accounts.models import Organization, Role


class Command(BaseCommand):
    help = (
        "Create a staff account and print its one-time set-up code: at first sign-in the person needs it, "
        "with the password, to set up a second factor."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=Role.values, required=True)
        parser.add_argument("--org", required=True, help="organization slug")

    def handle(self, *args, username, role, org, **options):
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError("No organization with that slug.")
        password = getpass.getpass("Password: ")
        user = actions.create_user(username=username, password=password, role=role, organization=organization)
        code = actions.issue_setup_code(user)
        self.stdout.write(
            f"created; set-up code (give it to the person, valid {actions.SETUP_CODE_HOURS} hours): {code}"
        )
