"""`manage.py api_token issue|list|revoke`: the token is printed once and works; list never shows it;
a revoked token stops working at once; each issue and revocation is audited."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from vigil.accounts.actions import authenticate_token
from vigil.accounts.models import AuditEvent


def api_token(*args) -> str:
    out = StringIO()
    call_command("api_token", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


@pytest.mark.django_db
def test_it_issues_a_staff_token_that_acts_for_the_account_and_audits_it(colleague):
    token = api_token("issue", colleague.username, "--label", "console script")
    found = authenticate_token(token)
    assert found is not None and found.user == colleague and found.kind == "staff"
    event = AuditEvent.objects.get(action="token.created")
    assert event.actor is None and event.organization == colleague.organization  # issued at the shell


@pytest.mark.django_db
def test_it_issues_a_partner_token_for_an_organization(org):
    found = authenticate_token(api_token("issue", "--partner", org.slug))
    assert found is not None and found.kind == "partner" and found.organization == org and found.user is None


@pytest.mark.django_db
def test_it_lists_live_tokens_by_prefix_without_ever_showing_one(colleague, org):
    token = api_token("issue", colleague.username)
    listing = api_token("list", "--org", org.slug)
    prefix = token.removeprefix("vgl_")[:8]
    assert prefix in listing and colleague.username in listing
    assert token not in listing


@pytest.mark.django_db
def test_it_revokes_a_token_by_prefix_at_once_and_audits_it(colleague):
    token = api_token("issue", colleague.username)
    api_token("revoke", token[:12])
    assert authenticate_token(token) is None
    assert AuditEvent.objects.filter(action="token.revoked").count() == 1
    assert token.removeprefix("vgl_")[:8] not in api_token("list")


@pytest.mark.django_db
def test_it_refuses_unknown_accounts_and_prefixes(staff_factory, org):
    retired = staff_factory("retired", "dispatcher", org)
    retired.is_active = False
    retired.save()
    with pytest.raises(CommandError):
        api_token("issue", "retired")
    with pytest.raises(CommandError):
        api_token("revoke", "nothing1")
