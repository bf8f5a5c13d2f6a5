from django.core.management.base import BaseCommand, CommandError

from vigil.accounts import actions
from vigil.accounts.models import Organization, User


class Command(BaseCommand):
    help = (
        "Staff and partner API tokens: issue one (shown once, only its hash is kept), list the live ones, "
        "revoke one by its prefix. Every issue and revocation is audited."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        issue = commands.add_parser("issue", help="issue a staff token for USERNAME, or a partner token with --partner")
        who = issue.add_mutually_exclusive_group(required=True)
        who.add_argument("username", nargs="?", help="the staff account the token acts for")
        who.add_argument("--partner", metavar="ORG_SLUG", help="a partner token for this organization instead")
        issue.add_argument("--label", default="", help="what the token is for")
        listing = commands.add_parser("list", help="the live tokens (prefix, kind, holder, label, created, last used)")
        listing.add_argument("--org", metavar="ORG_SLUG")
        revoke = commands.add_parser("revoke", help="revoke the live token with this prefix")
        revoke.add_argument("prefix", help="the eight characters after vgl_, as `list` shows them")

    def handle(self, *args, command, **options):
        getattr(self, f"_{command}")(**options)

    def _issue(self, *, username, partner, label, **options):
        if partner:
            organization = Organization.objects.filter(slug=partner, is_active=True).first()
            if organization is None:
                raise CommandError("No active organization with that slug.")
            token = actions.create_partner_token(organization, label=label)
        else:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError("No active account with that username.")
            token = actions.create_staff_token(user, label=label, actor=None)
        self.stderr.write("The token, shown this once (only its hash is kept):")
        self.stdout.write(token)

    def _list(self, *, org, **options):
        organization = None
        if org:
            organization = Organization.objects.filter(slug=org).first()
            if organization is None:
                raise CommandError("No organization with that slug.")
        for token in actions.live_tokens(organization):
            holder = token.user.username if token.user else token.organization.slug
            used = token.last_used_on.isoformat() if token.last_used_on else "never"
            created = token.created_at.date().isoformat()
            self.stdout.write(f"{token.prefix}\t{token.kind}\t{holder}\t{token.label or '-'}\t{created}\t{used}")

    def _revoke(self, *, prefix, **options):
        matches = list(actions.live_tokens().filter(prefix=prefix.removeprefix(actions.TOKEN_PREFIX)[:8]))
        if not matches:
            raise CommandError("No live token with that prefix.")
        if len(matches) > 1:
            raise CommandError("Several live tokens have that prefix: revoke them in the staff admin instead.")
        actions.revoke_token(matches[0], actor=None)
        self.stdout.write(f"revoked {matches[0].prefix}")
