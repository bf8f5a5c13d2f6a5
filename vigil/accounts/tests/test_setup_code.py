"""A first second factor needs the admin's one-time set-up code as well as the password."""

from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.utils import timezone

from conftest import PASSWORD
from vigil.accounts import actions
from vigil.accounts.models import AuditEvent, Role, User

ACTIVATE = "/accounts/2fa/totp/activate/"


def sign_in_without_factor(client, username):
    response = client.post("/accounts/login/", {"login": username, "password": PASSWORD})
    assert response.status_code == 302
    # allauth asks for the password again before any change to the account's factors.
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    return page


def totp_now(client) -> str:
    secret = client.session[SECRET_SESSION_KEY]
    return format_hotp_value(hotp_value(secret, int(timezone.now().timestamp()) // 30))


@pytest.fixture
def newcomer(org, staff_factory):
    return staff_factory("newcomer", Role.DISPATCHER, org, mfa=False)


@pytest.mark.django_db
def test_it_asks_for_the_set_up_code_and_refuses_a_wrong_one(client, newcomer):
    code = actions.issue_setup_code(newcomer)
    page = sign_in_without_factor(client, "newcomer")
    assert 'name="setup_code"' in page.content.decode()
    wrong = client.post(ACTIVATE, {"code": totp_now(client), "setup_code": "AAAAA-AAAAA"})
    assert wrong.status_code == 200 and "set-up code" in wrong.content.decode().lower()
    assert not Authenticator.objects.filter(user=newcomer).exists()
    assert code != "AAAAA-AAAAA"
    assert AuditEvent.objects.filter(action="user.setup_code_refused").exists()


@pytest.mark.django_db
def test_it_sets_up_the_factor_with_the_right_code_and_uses_the_code_up(client, newcomer):
    code = actions.issue_setup_code(newcomer)
    sign_in_without_factor(client, "newcomer")
    done = client.post(ACTIVATE, {"code": totp_now(client), "setup_code": code.lower()})
    assert done.status_code == 302
    assert Authenticator.objects.filter(user=newcomer, type=Authenticator.Type.TOTP).exists()
    assert not actions.use_setup_code(newcomer, code)  # once only
    assert User.objects.get(pk=newcomer.pk).setup_code_index == ""


@pytest.mark.django_db
def test_it_refuses_an_expired_code(newcomer):
    code = actions.issue_setup_code(newcomer)
    User.objects.filter(pk=newcomer.pk).update(setup_code_expires=timezone.now() - timedelta(minutes=1))
    assert not actions.use_setup_code(newcomer, code)


@pytest.mark.django_db
def test_it_does_not_ask_an_account_that_already_has_a_factor(client, colleague):
    from vigil.accounts.forms import ActivateTOTPWithSetupCodeForm

    request = type("R", (), {"session": client.session})()
    from allauth.core import context

    with context.request_context(request):
        form = ActivateTOTPWithSetupCodeForm(user=colleague)
    assert "setup_code" not in form.fields


@pytest.mark.django_db
def test_it_shows_a_new_code_once_to_the_admin_who_resets_a_factor(client, owner, colleague, outsider):
    client.force_login(owner)
    response = client.post(f"/staff/users/{colleague.pk}/reset-mfa/")
    assert response.status_code == 200
    shown = response.content.decode().split('id="setup-code"><bdi dir="ltr">')[1].split("<")[0]
    assert not Authenticator.objects.filter(user=colleague).exists()
    assert actions.use_setup_code(colleague, shown)
    client.force_login(outsider)  # an admin of another organization
    assert client.post(f"/staff/users/{colleague.pk}/reset-mfa/").status_code == 404


@pytest.mark.django_db
def test_it_still_takes_a_code_issued_before_a_key_rotation(settings, newcomer):
    import base64

    code = actions.issue_setup_code(newcomer)
    newer = "2:" + base64.urlsafe_b64encode(b"n" * 32).decode()
    settings.BLIND_INDEX_KEYS = f"{newer},{settings.BLIND_INDEX_KEYS}"
    assert actions.use_setup_code(newcomer, code)
