"""Every change to organizations, staff accounts and tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from datetime import timedelta

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from vigil.accounts import audit
from vigil.accounts.models import ApiToken, Organization, Role, User, new_security_stamp

TOKEN_PREFIX = "vgl_"


# Sent inside the transaction of a role change or a deactivation: apps above accounts (which it cannot
# import) end what the person held there (their dispatches, open proposals, notification address).
access_changed = Signal()


def create_organization(*, name: str, slug: str, kind: str, actor=None) -> Organization:
    with transaction.atomic():
        org = Organization.objects.create(name=name, slug=slug, kind=kind)
        audit.record("organization.created", actor=actor, obj=org, kind=kind)
    return org


def create_user(*, username: str, password: str, role: str, organization: Organization, actor=None) -> User:
    if role not in Role.values:
        raise ValueError("unknown role")
    with transaction.atomic():
        user = User(
            username=username,
            role=role,
            organization=organization,
            is_staff=(role == Role.ADMIN),
            is_superuser=(role == Role.ADMIN),
        )
        user.set_password(password)
        user.save()
        audit.record("user.created", actor=actor, obj=user, role=role, organization=organization)
    return user


def change_role(user: User, role: str, *, actor) -> None:
    if role not in Role.values:
        raise ValueError("unknown role")
    with transaction.atomic():
        old = user.role
        User.objects.filter(pk=user.pk).update(
            role=role, is_staff=(role == Role.ADMIN), is_superuser=(role == Role.ADMIN)
        )
        user.role = role
        _end_all_sessions(user)
        audit.record("user.role_changed", actor=actor, obj=user, from_state=old, to_state=role)
        # Apps above end what the old role held (dispatches, proposals), in this transaction.
        access_changed.send(sender=User, user=user, actor=actor, reason="role_changed")


def _end_all_sessions(user: User) -> None:
    """A new security stamp changes the session hash (every session fails its check at the next request)
    and every staff token of the account is revoked."""
    stamp = new_security_stamp()
    User.objects.filter(pk=user.pk).update(security_stamp=stamp)
    user.security_stamp = stamp
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    # Sessions stored server-side are deleted outright, so nothing of them is left to steal either.
    from django.contrib.sessions.models import Session

    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()


def sign_out_everywhere(user: User, *, actor) -> None:
    with transaction.atomic():
        _end_all_sessions(user)
        audit.record("user.signed_out_everywhere", actor=actor, obj=user)


def set_password(user: User, password: str, *, actor) -> None:
    with transaction.atomic():
        user.set_password(password)
        User.objects.filter(pk=user.pk).update(password=user.password)
        _end_all_sessions(user)
        audit.record("user.password_changed", actor=actor, obj=user)


def password_changed(user: User, *, actor) -> None:
    """allauth already stored the new password; end every other session and token."""
    with transaction.atomic():
        _end_all_sessions(user)
        audit.record("user.password_changed", actor=actor, obj=user)


def reset_mfa(user: User, *, actor) -> str:
    """Remove the account's second factors and end its sessions; returns a new one-time set-up code."""
    from allauth.mfa.models import Authenticator

    with transaction.atomic():
        Authenticator.objects.filter(user=user).delete()
        _end_all_sessions(user)
        audit.record("user.mfa_reset", actor=actor, obj=user)
        return issue_setup_code(user, actor=actor)


# No 0/O, 1/I/L: the code is read out over the phone or written down.
SETUP_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SETUP_CODE_HOURS = 72


def issue_setup_code(user: User, *, actor=None) -> str:
    """A one-time code, shown once to the admin, that the person needs (with their password) to set up
    their first second factor; it replaces any earlier code and expires after SETUP_CODE_HOURS."""
    from vigil.lib import crypto

    raw = "".join(secrets.choice(SETUP_CODE_ALPHABET) for _ in range(10))
    code = f"{raw[:5]}-{raw[5:]}"
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(
            setup_code_index=crypto.blind_index(_normal_setup_code(code), purpose="staff_setup_code"),
            setup_code_expires=timezone.now() + timedelta(hours=SETUP_CODE_HOURS),
        )
        audit.record("user.setup_code_issued", actor=actor, obj=user)
    return code


def use_setup_code(user: User, code: str) -> bool:
    """Whether `code` is the account's current set-up code; a right one is used up."""
    from vigil.lib import crypto

    with transaction.atomic():
        current = (
            User.objects.select_for_update().filter(pk=user.pk).values_list("setup_code_index", "setup_code_expires")
        )
        index, expires = current.get()
        # Hashed with the key the stored index was made with, so a key rotation does not void open codes.
        version = int(index.split(":", 1)[0]) if index else None
        try:
            given = crypto.blind_index(_normal_setup_code(code), purpose="staff_setup_code", version=version)
        except KeyError:  # that key was retired since: the code cannot be checked any more
            given = ""
        if not index or expires is None or expires < timezone.now() or not hmac.compare_digest(index, given):
            audit.record("user.setup_code_refused", actor_kind="user", obj=user)
            return False
        User.objects.filter(pk=user.pk).update(setup_code_index="", setup_code_expires=None)
        audit.record("user.setup_code_used", actor_kind="user", obj=user)
    return True


def _normal_setup_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch in SETUP_CODE_ALPHABET)


def mfa_changed(user: User, *, actor, kind: str) -> None:
    with transaction.atomic():
        audit.record("user.mfa_changed", actor=actor, obj=user, kind=kind)


def set_languages(user: User, languages, *, actor) -> list[str]:
    """The languages a staff member reads, set by the person or an admin of their organization. Unknown
    codes are dropped; the order of settings.LANGUAGES is kept. The audit lists the codes (no content)."""
    from django.conf import settings

    wanted = set(languages)
    chosen = [code for code, _name in settings.LANGUAGES if code in wanted]
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(languages=chosen)
        user.languages = chosen
        audit.record("user.languages_set", actor=actor, obj=user, language=chosen, count=len(chosen))
    return chosen


def deactivate_user(user: User, *, actor) -> None:
    with transaction.atomic():
        now = timezone.now()
        User.objects.filter(pk=user.pk).update(is_active=False, deactivated_at=now)
        user.is_active = False
        _end_all_sessions(user)
        audit.record("user.deactivated", actor=actor, obj=user)
        access_changed.send(sender=User, user=user, actor=actor, reason="deactivated")


def _new_token() -> tuple[str, str, str]:
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return raw, raw[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8], hash_token(raw)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_partner_token(organization: Organization, *, label: str = "", actor=None) -> str:
    """Returns the token once; only its hash is kept."""
    raw, prefix, digest = _new_token()
    with transaction.atomic():
        token = ApiToken.objects.create(
            kind=ApiToken.Kind.PARTNER, organization=organization, prefix=prefix, token_hash=digest, label=label
        )
        audit.record("token.created", actor=actor, obj=token, organization=organization, kind="partner")
    return raw


_SELF = object()


def create_staff_token(user: User, *, label: str = "", actor=_SELF) -> str:
    """Returns the token once; only its hash is kept. It acts for `user` and dies with their sessions.
    `actor` is who issued it (the user themself unless given; None for an operator at the shell)."""
    if not user.is_active:
        raise ValueError("inactive account")
    raw, prefix, digest = _new_token()
    with transaction.atomic():
        token = ApiToken.objects.create(
            kind=ApiToken.Kind.STAFF,
            organization=user.organization,
            user=user,
            prefix=prefix,
            token_hash=digest,
            label=label,
        )
        audit.record(
            "token.created",
            actor=user if actor is _SELF else actor,
            obj=token,
            organization=user.organization,
            kind="staff",
        )
    return raw


def live_tokens(organization: Organization | None = None):
    """Tokens not revoked, newest first, with their holders (never the token: only its hash is kept)."""
    tokens = ApiToken.objects.filter(revoked_at__isnull=True).select_related("organization", "user")
    if organization is not None:
        tokens = tokens.filter(organization=organization)
    return tokens.order_by("-created_at")


def revoke_token(token: ApiToken, *, actor) -> None:
    _partner_tokens.pop(token.token_hash, None)
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
        audit.record("token.revoked", actor=actor, obj=token)


# Partner tokens just checked, per process, for a few seconds: a hotline posting a surge of reports
# should not pay a database round trip per report. A revoked partner token stops working within this
# many seconds; staff tokens are never cached, so revocation on sign-out-everywhere is immediate.
PARTNER_TOKEN_CACHE_SECONDS = 5.0
_partner_tokens: dict[str, tuple[float, ApiToken]] = {}


def authenticate_token(raw: str) -> ApiToken | None:
    """The token for a bearer string, if live. Marks the day of use (not the time: less to learn from it)."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    digest = hash_token(raw)
    cached = _partner_tokens.get(digest)
    if cached is not None and time.monotonic() - cached[0] < PARTNER_TOKEN_CACHE_SECONDS:
        return cached[1]
    token = (
        ApiToken.objects.select_related("organization", "user")
        .filter(token_hash=digest, revoked_at__isnull=True, organization__is_active=True)
        .first()
    )
    if token is None or (token.user is not None and not token.user.is_active):
        _partner_tokens.pop(digest, None)
        return None
    today = timezone.localdate()
    if token.last_used_on != today:
        ApiToken.objects.filter(pk=token.pk).update(last_used_on=today)
        token.last_used_on = today
    if token.kind == ApiToken.Kind.PARTNER:
        if len(_partner_tokens) > 1000:
            _partner_tokens.clear()
        _partner_tokens[digest] = (time.monotonic(), token)
    return token


class BasesRefused(ValueError):
    """An organization must accept at least one basis of verification."""


def set_verification_bases(organization: Organization, *, responder: bool, two_people: bool, actor) -> None:
    """Which bases of verification the organization accepts (its admin's choice, audited). One person
    alone is never a basis, and at least one basis stays accepted (the database holds that too)."""
    if not (responder or two_people):
        raise BasesRefused("at least one basis")
    with transaction.atomic():
        Organization.objects.filter(pk=organization.pk).update(
            verify_by_responder=bool(responder), verify_by_two_people=bool(two_people)
        )
        chosen = [name for name, on in (("responder", responder), ("two_people", two_people)) if on]
        audit.record("organization.verification_bases", actor=actor, obj=organization, fields=chosen)
        organization.verify_by_responder, organization.verify_by_two_people = bool(responder), bool(two_people)
