from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.dispatch import receiver

from vigil.accounts import actions


@receiver([password_changed, password_set, password_reset])
def end_sessions_on_password_change(sender, request, user, **kwargs):
    actions.password_changed(user, actor=user)
    # Keep the session that made the change signed in; every other session is gone.
    from django.contrib.auth import update_session_auth_hash

    if request is not None and getattr(request, "user", None) == user:
        update_session_auth_hash(request, user)


@receiver(authenticator_added)
def audit_authenticator_added(sender, request, user, authenticator, **kwargs):
    actions.mfa_changed(user, actor=user, kind=f"added_{authenticator.type}")


@receiver(authenticator_removed)
def audit_authenticator_removed(sender, request, user, authenticator, **kwargs):
    actions.mfa_changed(user, actor=user, kind=f"removed_{authenticator.type}")


@receiver(authenticator_reset)
def audit_authenticator_reset(sender, request, user, authenticator, **kwargs):
    actions.mfa_changed(user, actor=user, kind=f"reset_{authenticator.type}")
