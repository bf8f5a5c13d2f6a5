import pytest
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.test import Client, override_settings

from conftest import PASSWORD
from vigil.accounts import actions
from vigil.accounts.models import ApiToken, AuditEvent

LOGIN = "/accounts/login/"


def attempt(client, username, password):
    return client.post(LOGIN, {"login": username, "password": password})


@pytest.mark.django_db
@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "100/m/ip,3/900s/key"})
def test_it_locks_an_account_after_repeated_failures_without_revealing_it_exists(colleague):
    real, ghost = Client(), Client()
    for _ in range(3):
        attempt(real, "colleague", "wrong password")
        attempt(ghost, "nobody-by-this-name", "wrong password")
    locked_real = attempt(real, "colleague", PASSWORD)
    locked_ghost = attempt(ghost, "nobody-by-this-name", PASSWORD)
    assert locked_real.status_code == locked_ghost.status_code
    assert "_auth_user_id" not in real.session
    text_real = locked_real.content.decode().replace("colleague", "X")
    text_ghost = locked_ghost.content.decode().replace("nobody-by-this-name", "X")
    assert ("Too many" in text_real) and ("Too many" in text_ghost)


@pytest.mark.django_db
def test_it_asks_for_the_second_factor_before_signing_in(client, colleague):
    response = attempt(client, "colleague", PASSWORD)
    assert response.status_code == 302
    assert "/accounts/2fa/authenticate/" in response["Location"]
    assert client.get("/staff/").status_code == 302  # not signed in yet


@pytest.mark.django_db
def test_it_signs_out_every_session_and_revokes_tokens(colleague):
    phone, laptop = Client(), Client()
    phone.force_login(colleague)
    laptop.force_login(colleague)
    actions.create_staff_token(colleague)
    assert laptop.get("/staff/").status_code == 200
    phone.post("/staff/account/sign-out-everywhere/")
    assert laptop.get("/staff/").status_code == 302
    assert not ApiToken.objects.filter(user=colleague, revoked_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action="user.signed_out_everywhere").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["password", "mfa_reset", "deactivate"])
def test_it_ends_sessions_and_tokens_on_security_changes(change, colleague, owner):
    browser = Client()
    browser.force_login(colleague)
    actions.create_staff_token(colleague)
    if change == "password":
        actions.set_password(colleague, "a brand new long passphrase 9", actor=colleague)
    elif change == "mfa_reset":
        actions.reset_mfa(colleague, actor=owner)
        assert not Authenticator.objects.filter(user=colleague).exists()
    else:
        actions.deactivate_user(colleague, actor=owner)
    assert browser.get("/staff/").status_code == 302
    assert not ApiToken.objects.filter(user=colleague, revoked_at__isnull=True).exists()
    remaining = [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(colleague.pk)]
    assert remaining == []


@pytest.mark.django_db
def test_it_lets_admins_of_the_same_organization_deactivate_but_not_outsiders(client, owner, colleague, outsider):
    client.force_login(outsider)
    assert client.post(f"/staff/users/{colleague.pk}/deactivate/").status_code == 404
    colleague.refresh_from_db()
    assert colleague.is_active
    client.force_login(owner)
    client.post(f"/staff/users/{colleague.pk}/deactivate/")
    colleague.refresh_from_db()
    assert not colleague.is_active


@pytest.mark.django_db
def test_it_stores_partner_tokens_only_hashed(org):
    raw = actions.create_partner_token(org)
    token = ApiToken.objects.get()
    assert raw not in (token.token_hash, token.prefix)
    assert actions.authenticate_token(raw) == token
    assert actions.authenticate_token(raw + "x") is None
    actions.revoke_token(token, actor=None)
    assert actions.authenticate_token(raw) is None


@pytest.mark.django_db
def test_it_keeps_the_audit_log_append_only(colleague):
    event = AuditEvent.objects.filter(action="user.created").first()
    event.action = "something.else"
    with pytest.raises(PermissionError):
        event.save()


@pytest.mark.django_db
def test_it_refuses_content_in_audit_details():
    from vigil.accounts import audit

    with pytest.raises(ValueError):
        audit.record("report.viewed", text="Maria was taken")
