"""Retention purge, legal holds and key rotation: each a transaction with its audit event."""

from __future__ import annotations

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from vigil.accounts import audit
from vigil.lib import crypto
from vigil.privacy.fields import blind_index_fields, encrypted_fields
from vigil.privacy.registry import PURGE_GUARDS
from vigil.privacy.retention import cutoff, retention_models


def purge_expired(now=None) -> dict[str, int]:
    """Steps: for each model with a retention key, delete rows past their period that carry no legal hold
    and that no app keeps (its registered purge guards; deleting cascades to everything hanging from
    them); then blank fields that have shorter periods of their own; write one audit event per model with
    the count; on SQLite, checkpoint the write-ahead log so the purged bytes leave the files."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for model in retention_models():
        label = model._meta.label_lower
        with transaction.atomic():
            qs = model.objects.filter(**{f"{model.retention_date_field}__lt": cutoff(model.retention_key, now)})
            if any(f.name == "legal_hold" for f in model._meta.fields):
                qs = qs.filter(legal_hold=False)
            if any(f.name == "incident" for f in model._meta.fields):
                qs = qs.exclude(incident__legal_hold=True)  # a held incident keeps its reports and evidence
            if label == "accounts.user":
                qs = qs.filter(is_active=False)
            for kept_ids in PURGE_GUARDS.get(label, ()):
                qs = qs.exclude(pk__in=kept_ids())
            deleted, _ = qs.delete()
            blanked = 0
            for field_name, key in getattr(model, "retention_fields", {}).items():
                early = model.objects.filter(**{f"{model.retention_date_field}__lt": cutoff(key, now)}).exclude(
                    **{f"{field_name}__isnull": True}
                )
                if any(f.name == "legal_hold" for f in model._meta.fields):
                    early = early.filter(legal_hold=False)
                linked = {f.name: None for f in blind_index_fields(model) if f.source == field_name}
                blanked += early.update(**{field_name: None}, **linked)
            if deleted or blanked:
                audit.record("privacy.purged", object_type=label, count=deleted + blanked)
            counts[label] = deleted + blanked
    from django.contrib.sessions.models import Session

    with transaction.atomic():
        counts["sessions.session"] = Session.objects.filter(expire_date__lt=now).delete()[0]
    _checkpoint_sqlite()
    return counts


def _checkpoint_sqlite() -> None:
    """Copy the write-ahead log into the database file and empty it: until then the log still holds the
    frames written before the purge, ciphertext included. Best effort: a reader that holds an old snapshot
    makes it stop short, and the next purge or the last connection's close finishes it."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def set_legal_hold(obj, held: bool, *, actor) -> None:
    with transaction.atomic():
        type(obj).objects.filter(pk=obj.pk).update(legal_hold=held)
        obj.legal_hold = held
        audit.record("privacy.legal_hold_set" if held else "privacy.legal_hold_lifted", actor=actor, obj=obj)


def _normalizer(path: str):
    module, _, name = path.rpartition(".")
    return getattr(__import__(module, fromlist=[name]), name)


def _rotate_sealed_elsewhere() -> dict[str, int]:
    """What the field keys seal outside model fields: what the apps above registered (evidence files)
    and allauth's MFA secrets."""
    from allauth.mfa.models import Authenticator

    from vigil.accounts.adapter import MFAAdapter
    from vigil.privacy.registry import SEALED_ELSEWHERE

    counts = {"mfa.authenticator": 0}
    for name, reseal in sorted(SEALED_ELSEWHERE.items()):
        counts[name] = reseal()
    adapter = MFAAdapter()
    for authenticator in Authenticator.objects.all().iterator():
        data = dict(authenticator.data)
        changed = False
        for field in ("secret", "seed"):
            if isinstance(data.get(field), str):
                data[field] = adapter.encrypt(adapter.decrypt(data[field]))
                changed = True
        if changed:
            with transaction.atomic():
                Authenticator.objects.filter(pk=authenticator.pk).update(data=data)
            counts["mfa.authenticator"] += 1
    return counts


def rotate_keys(batch_size: int = 500) -> dict[str, int]:
    """Steps: for every model with encrypted fields, read each row, decrypt with the version it was written
    with, encrypt with the current key, recompute blind indexes with the current index key, and write
    the row back in batches. Rows already on the current versions are rewritten too (cheap, and it makes
    the blind indexes current). Returns rows rewritten per model."""
    ring = crypto.field_keyring()
    counts: dict[str, int] = {}
    for model in apps.get_models():
        enc = encrypted_fields(model)
        idx = blind_index_fields(model)
        if not enc and not idx:
            continue
        label = model._meta.label_lower
        rewritten = 0
        pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), batch_size):
            with transaction.atomic():
                for row in model.objects.filter(pk__in=pks[start : start + batch_size]):
                    updates = {}
                    plain = {f.name: getattr(row, f.attname) for f in enc}
                    for field in enc:
                        # The field seals its own plaintext (text, or a dict as JSON).
                        updates[field.name] = field.seal(plain[field.name], row)
                    for field in idx:
                        source = plain.get(field.source)
                        if source in (None, ""):
                            updates[field.name] = None
                        else:
                            normalized = _normalizer(field.normalizer)(source) if field.normalizer else source
                            updates[field.name] = crypto.blind_index(normalized, purpose=field.purpose)
                    model.objects.filter(pk=row.pk).update(**updates)
                    rewritten += 1
        if rewritten:
            audit.record("privacy.keys_rotated", object_type=label, count=rewritten, key_version=ring.current_version)
        counts[label] = rewritten
    for label, count in _rotate_sealed_elsewhere().items():
        if count:
            audit.record("privacy.keys_rotated", object_type=label, count=count, key_version=ring.current_version)
        counts[label] = count
    return counts
