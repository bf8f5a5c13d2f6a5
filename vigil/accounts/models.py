import secrets
import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


def new_security_stamp() -> str:
    return secrets.token_hex(16)


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    DISPATCHER = "dispatcher", _("Dispatcher")
    RESPONDER = "responder", _("Responder")
    CASEWORKER = "caseworker", _("Caseworker")
    PROVIDER_STAFF = "provider_staff", _("Legal-provider staff")
    MONITOR = "monitor", _("Monitor")
    RIGHTS_REVIEWER = "rights_reviewer", _("Know-your-rights reviewer")


class Organization(models.Model):
    class Kind(models.TextChoices):
        HOTLINE = "hotline", _("Hotline")
        LEGAL_PROVIDER = "legal_provider", _("Legal provider")
        COMMUNITY_GROUP = "community_group", _("Community group")
        COALITION = "coalition", _("Coalition")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Which bases of verification the organization accepts. One person alone is never one of them, and
    # at least one basis stays accepted (a CHECK): the safe default is both.
    verify_by_responder = models.BooleanField(_("a responder on the scene confirms"), default=True)
    verify_by_two_people = models.BooleanField(
        _("two verifiers confirm (one proposes, another approves)"), default=True
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(verify_by_responder=True) | models.Q(verify_by_two_people=True),
                name="organization_accepts_a_basis",
            )
        ]

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A staff member. Staff sign in by username; no e-mail address or real name is required."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="members", null=True)
    # Mixed into the session hash: changing it ends every session of the account at once.
    security_stamp = models.CharField(max_length=32, default=new_security_stamp, editable=False)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    # A second factor is set up with the password and a one-time code an admin hands over, so a stolen
    # password alone cannot enroll the thief's authenticator: a keyed hash of the code, and its expiry.
    setup_code_index = models.CharField(max_length=48, blank=True, editable=False)
    setup_code_expires = models.DateTimeField(null=True, blank=True, editable=False)
    # The languages the person reads (codes of settings.LANGUAGES): the console flags a report written in
    # any other, with the colleagues on duty who can read it.
    languages = models.JSONField(_("languages I read"), default=list, blank=True)

    objects = UserManager()
    REQUIRED_FIELDS = []

    # Deactivated accounts are removed this long after deactivation (active ones never are).
    retention_key = "inactive_user"
    retention_date_field = "deactivated_at"

    class Meta:
        ordering = ["username"]

    def get_session_auth_hash(self):
        return salted_hmac(
            "vigil.accounts.User.session",
            f"{self.password}\x1f{self.security_stamp}",
            algorithm="sha256",
        ).hexdigest()

    def has_role(self, *roles) -> bool:
        return self.is_active and self.role in roles


class ApiToken(models.Model):
    """A bearer token, kept only as a SHA-256 hash (the token has 256 bits of entropy: no slow hash needed).

    Partner tokens belong to an organization (a hotline posting reports); staff tokens belong to a user
    and die with the user's sessions.
    """

    class Kind(models.TextChoices):
        PARTNER = "partner", _("Partner")
        STAFF = "staff", _("Staff")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="tokens")
    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="tokens")
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_on = models.DateField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.kind} token {self.prefix}…"


class AuditEvent(models.Model):
    """Who did what to which object, when. Never the content. Append-only."""

    id = models.BigAutoField(primary_key=True)
    # Every report writes an event, so each index here is a page written per report: only the two that
    # queries use are kept (the organization's log, newest first; the retention purge by time). Deleting
    # a user, which sets `actor` to null, scans the table: rare, and done by an admin, not by a surge.
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False)
    actor_kind = models.CharField(max_length=16)  # user, partner, public, system
    organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    retention_key = "audit_event"
    retention_date_field = "at"

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organization", "-at"], name="audit_organization_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)
