"""Writing audit events. Called from actions, inside their transaction.

An event names its object by type and by a keyed hash of the object's id, never the id itself: once the
object is purged, nothing in the audit log leads back to it, while whoever holds the key can still find
the events of an object that exists (`object_key`, `object_keys`)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from vigil.accounts.models import AuditEvent
from vigil.lib import crypto, rows

OBJECT_KEY_PURPOSE = "audit.object"

# detail may only carry these keys: counts, states and codes, never free text or personal data.
ALLOWED_DETAIL_KEYS = {
    "count",
    "from_state",
    "to_state",
    "role",
    "reason_code",
    "channel",
    "kind",
    "fields",
    "format",
    "key_version",
    "days",
    "language",
    "area",
    "outcome",
}


def object_key(object_type: str, object_id: object) -> str:
    """The keyed hash an event stores for an object, under the current index key."""
    return crypto.blind_index(f"{object_type}\x1f{object_id}", purpose=OBJECT_KEY_PURPOSE)


def object_keys(object_type: str, object_id: object) -> list[str]:
    """The hashes an object's events may carry, under every configured index key (during a rotation)."""
    return crypto.blind_index_candidates(f"{object_type}\x1f{object_id}", purpose=OBJECT_KEY_PURPOSE)


def key_of(obj: models.Model) -> str:
    return object_key(obj._meta.label_lower, obj.pk)


def record(
    action: str,
    *,
    actor=None,
    actor_kind: str | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    organization=None,
    **detail,
) -> None:
    unknown = set(detail) - ALLOWED_DETAIL_KEYS
    if unknown:
        raise ValueError(f"audit detail keys not allowed: {sorted(unknown)}")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    user = actor if getattr(actor, "is_authenticated", False) else None
    if actor_kind is None:
        actor_kind = "user" if user else "system"
    organization_id = organization.pk if organization is not None else None
    if organization_id is None and user is not None:
        organization_id = user.organization_id
    # Inserted without the ORM's compiler or a model instance: every report writes one, and both cost
    # more than the insert itself (vigil/lib/rows.py). Audit events are only ever inserted.
    rows.insert_values(
        AuditEvent,
        {
            "at": timezone.now(),
            "action": action,
            "actor_id": user.pk if user is not None else None,
            "actor_kind": actor_kind,
            "organization_id": organization_id,
            "object_type": object_type,
            "object_id": object_key(object_type, object_id) if object_id != "" else "",
            "detail": detail,
        },
    )
