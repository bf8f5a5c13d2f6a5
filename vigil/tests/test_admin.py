"""Every model in the Django admin, walked from the admin site's own registry: each list and change page
opens for an admin, shows only their organization's rows, and second factors stay read-only there."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.urls import reverse

from vigil.accounts import actions as account_actions
from vigil.accounts import audit
from vigil.accounts.models import ApiToken, AuditEvent, Role


def _partner_token(org, user):
    account_actions.create_partner_token(org, label="hotline")
    return ApiToken.objects.filter(organization=org).latest("created_at")


def _audit_event(org, user):
    audit.record("test.admin_row", actor=user, organization=org)
    return AuditEvent.objects.filter(organization=org, action="test.admin_row").get()


def _second_factor(org, user):
    return Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)


def _alert(org, user):
    import secrets

    from vigil.alerts.models import Alert

    return Alert.objects.create(
        ref=secrets.token_hex(3).upper(),
        organization=org,
        kind=Alert.Kind.REMINDER,
        created_by=user,
        texts={"en": {"text": "Know your rights", "sms": "Know your rights"}},
    )


def _delivery(org, user):
    from vigil.alerts.tests.conftest import make_subscriber
    from vigil.messaging.models import Broadcast, Delivery

    number = "+1718555" + str(Delivery.objects.count()).zfill(4)
    alert = _alert(org, user)
    alert.broadcast = Broadcast.objects.create(programme="alerts.alert", recipient_kind="alerts.active_subscriber")
    alert.save(update_fields=["broadcast"])
    return Delivery.objects.create(
        broadcast=alert.broadcast, recipient_id=make_subscriber(number).pk, channel="sms", language="en"
    )


def _job(org, user):
    from vigil.work.models import Job

    return Job.objects.create(handler="vigil.privacy.jobs.purge_expired", state=Job.State.FAILED)


# One row in the given organization, made for its admin, per registered model. A model registered without
# a row here fails the test below: whoever registers it decides how it is kept to one organization.
ROWS = {
    "accounts.organization": lambda org, user: org,
    "accounts.user": lambda org, user: user,
    "accounts.apitoken": _partner_token,
    "accounts.auditevent": _audit_event,
    "mfa.authenticator": _second_factor,
    "alerts.alert": _alert,
    "messaging.delivery": _delivery,
    "work.job": _job,
}

# Rows that belong to no organization (system-wide work, ids only): every admin sees them.
ORGANIZATION_FREE = {"work.job"}


def registered():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower)


def change_url(model, pk) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])


@pytest.fixture
def rows(owner, outsider):
    made = {}
    for model, _ in registered():
        label = model._meta.label_lower
        if label not in ROWS:
            pytest.fail(f"{label} is registered in the admin but the admin test has no row for it")
        mine = ROWS[label](owner.organization, owner)
        theirs = None if label in ORGANIZATION_FREE else ROWS[label](outsider.organization, outsider)
        made[label] = (model, mine, theirs)
    return made


@pytest.mark.django_db
def test_it_opens_every_admin_page_with_only_the_admins_organization(client, owner, outsider, rows):
    client.force_login(owner)
    assert client.get(reverse("admin:index")).status_code == 200
    for label, (model, mine, theirs) in rows.items():
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        page = client.get(changelist)
        assert page.status_code == 200, label
        html = page.content.decode()
        assert change_url(model, mine.pk) in html, label
        assert client.get(change_url(model, mine.pk)).status_code == 200, label
        if theirs is not None:
            assert change_url(model, theirs.pk) not in html, label
            assert str(outsider.organization) not in html, label
            refused = client.get(change_url(model, theirs.pk))
            assert refused.status_code == 302 and refused["Location"] == reverse("admin:index"), label


@pytest.mark.django_db
def test_it_refuses_the_outsider_the_first_organizations_rows(client, owner, outsider, rows):
    client.force_login(outsider)
    for label, (model, mine, theirs) in rows.items():
        if theirs is None:
            continue
        changelist = client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
        assert change_url(model, mine.pk) not in changelist.content.decode(), label
        refused = client.get(change_url(model, mine.pk))
        assert refused.status_code == 302 and refused["Location"] == reverse("admin:index"), label


@pytest.mark.django_db
def test_it_keeps_every_admin_page_from_staff_who_are_not_admins(client, colleague, rows):
    client.force_login(colleague)
    for label, (model, mine, _) in rows.items():
        assert client.get(change_url(model, mine.pk)).status_code == 403, label


@pytest.mark.django_db
def test_it_shows_second_factors_read_only_and_without_their_secret(client, owner, org, staff_factory):
    newcomer = staff_factory("newcomer", Role.DISPATCHER, org, mfa=False)
    second_factor = Authenticator.objects.get(user=owner, type=Authenticator.Type.TOTP)
    client.force_login(owner)
    add = reverse("admin:mfa_authenticator_add")
    assert client.get(add).status_code == 403
    client.post(add, {"user": newcomer.pk, "type": "totp", "data": '{"secret": "JBSWY3DPEHPK3PXP"}'})
    assert not Authenticator.objects.filter(user=newcomer).exists()

    page = client.get(change_url(Authenticator, second_factor.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html and 'name="data"' not in html
    assert second_factor.data["secret"] not in html
    client.post(change_url(Authenticator, second_factor.pk), {"user": newcomer.pk, "type": "totp", "data": "{}"})
    second_factor.refresh_from_db()
    assert second_factor.user_id == owner.pk and second_factor.data.get("secret")

    delete = reverse("admin:mfa_authenticator_delete", args=[second_factor.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Authenticator.objects.filter(pk=second_factor.pk).exists()
