"""The cases' test base on the shared one: a caseworker (the owner of the case), a colleague caseworker
in the same organization, an outsider caseworker in another, and two providers with a staff member each."""

from __future__ import annotations

import pytest

from conftest import make_org, make_staff
from vigil.accounts.models import Organization, Role
from vigil.cases import actions
from vigil.cases.models import Provider, Service


def make_provider(slug: str, *, services=("detained_removal_defense",), open_slots: int = 3, **fields) -> Provider:
    organization = make_org(slug, kind=Organization.Kind.LEGAL_PROVIDER)
    provider = Provider.objects.create(
        organization=organization, slug=slug, name=slug.title(), open_slots=open_slots, is_fictional=True, **fields
    )
    for kind in services:
        Service.objects.create(provider=provider, kind=kind)
    return provider


def open_case(caseworker, **fields):
    fields.setdefault("person_name", "Ana Example")
    return actions.open_case(organization=caseworker.organization, actor=caseworker, **fields)[0]


def send(case, provider, caseworker, service="detained_removal_defense", hours=24):
    referral = actions.propose_referral(case, provider, service, actor=caseworker)
    return actions.send_referral(referral, actor=caseworker, response_hours=hours)


@pytest.fixture
def caseworker(org):
    return make_staff("caseworker", Role.CASEWORKER, org)


@pytest.fixture
def case_colleague(org):
    return make_staff("caseworker-colleague", Role.CASEWORKER, org)


@pytest.fixture
def case_outsider(other_org):
    return make_staff("caseworker-outsider", Role.CASEWORKER, other_org)


@pytest.fixture
def provider_a(db):
    return make_provider("first-legal")


@pytest.fixture
def provider_b(db):
    return make_provider("second-legal")


@pytest.fixture
def staff_a(provider_a):
    return make_staff("staff-a", Role.PROVIDER_STAFF, provider_a.organization)


@pytest.fixture
def staff_b(provider_b):
    return make_staff("staff-b", Role.PROVIDER_STAFF, provider_b.organization)
