"""The shared test base: an owner, a colleague in the same organization, and an outsider from another."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from vigil.accounts import actions
from vigil.accounts.models import Organization, Role

PASSWORD = "correct horse battery staple 42"


def make_org(slug: str, kind: str = Organization.Kind.HOTLINE) -> Organization:
    return actions.create_organization(name=slug.title(), slug=slug, kind=kind)


def make_staff(username: str, role: str, org: Organization, *, mfa: bool = True):
    user = actions.create_user(username=username, password=PASSWORD, role=role, organization=org)
    if mfa:
        TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def org(db):
    return make_org("first-hotline")


@pytest.fixture
def other_org(db):
    return make_org("other-hotline")


@pytest.fixture
def owner(org):
    return make_staff("owner", Role.ADMIN, org)


@pytest.fixture
def colleague(org):
    return make_staff("colleague", Role.DISPATCHER, org)


@pytest.fixture
def outsider(other_org):
    return make_staff("outsider", Role.ADMIN, other_org)


@pytest.fixture
def staff_factory(db):
    return make_staff


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    """Evidence written by a test goes to its own folder, never to var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_grouping_context():
    """Each test starts with no grouping statistics or cached summaries from earlier tests."""
    from vigil.incidents import actions

    actions._CONTEXT = None
    actions._STATE_CACHE.clear()
    yield


def verify_by_two_people(incident, proposer, *, reason: str = "Three reports from two channels, with a photo"):
    """Verify an incident through the two-person path: the proposer proposes, a second verifier of the
    same organization approves (made here once per organization)."""
    from vigil.accounts.models import User
    from vigil.incidents import verification

    approver = User.objects.filter(username=f"approver-{proposer.organization.slug}").first()
    if approver is None:
        approver = make_staff(f"approver-{proposer.organization.slug}", Role.DISPATCHER, proposer.organization)
    proposal = verification.propose_verification(incident, reason=reason, actor=proposer)
    return verification.approve_verification(proposal, actor=approver)
