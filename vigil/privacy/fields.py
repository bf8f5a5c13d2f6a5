"""Model fields that keep personal data encrypted at rest.

An ``EncryptedTextField`` holds ciphertext in the database and plaintext only in memory, decrypted on
first access. The associated data binds each value to (table, field, row id): rows that hold such
fields use application-generated UUID keys so the id exists before the insert.
"""

from __future__ import annotations

import json

from django.db import models

from vigil.lib import crypto


class _Sealed:
    """Ciphertext as read from the database, not yet decrypted."""

    __slots__ = ("blob",)

    def __init__(self, blob: bytes):
        self.blob = bytes(blob)


class _EncryptedDescriptor:
    def __init__(self, field: EncryptedTextField):
        self.field = field

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__.get(self.field.attname)
        if isinstance(value, _Sealed):
            value = crypto.decrypt_text(value.blob, self.field.aad_for(instance))
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance, value):
        if isinstance(value, bytes | memoryview):
            value = _Sealed(value)
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.BinaryField):
    """Text encrypted with AES-GCM; never queryable, never shown as ciphertext.

    ``aad_field`` names the attribute that identifies the row in the associated data: the primary key,
    or (for tables whose key the database assigns on insert) a UUID column made before the insert.
    """

    def __init__(self, *args, aad_field: str = "pk", **kwargs):
        self.aad_field = aad_field
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("editable", None)
        if self.aad_field != "pk":
            kwargs["aad_field"] = self.aad_field
        return name, path, args, kwargs

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only=private_only)
        setattr(cls, self.attname, _EncryptedDescriptor(self))

    def aad_for(self, instance) -> bytes:
        return crypto.associated_data(instance._meta.db_table, self.column, getattr(instance, self.aad_field))

    def pre_save(self, model_instance, add):
        value = model_instance.__dict__.get(self.attname)
        if value is None or value == "":
            return None
        if isinstance(value, _Sealed):
            return value.blob
        if getattr(model_instance, self.aad_field) is None:
            raise ValueError("rows with encrypted fields need their id before saving")
        return self.seal(value, model_instance)

    def seal(self, value, instance) -> bytes | None:
        """The ciphertext of a plaintext value for this field and row (None for an empty value)."""
        if value is None or value == "":
            return None
        return crypto.encrypt_text(str(value), self.aad_for(instance))

    def get_db_prep_value(self, value, connection, prepared=False):
        if isinstance(value, _Sealed):
            value = value.blob
        if isinstance(value, str):
            raise TypeError("plaintext reached the database layer; encrypted fields encrypt in pre_save")
        return super().get_db_prep_value(value, connection, prepared)

    def sealed_blob(self, instance) -> bytes | None:
        value = instance.__dict__.get(self.attname)
        return value.blob if isinstance(value, _Sealed) else None


class _EncryptedJSONDescriptor(_EncryptedDescriptor):
    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__.get(self.field.attname)
        if isinstance(value, _Sealed):
            value = json.loads(crypto.decrypt_text(value.blob, self.field.aad_for(instance)))
            instance.__dict__[self.field.attname] = value
        return {} if value is None else value


class EncryptedJSONField(EncryptedTextField):
    """A dict of free text, kept as encrypted JSON: read and written as a dict, never queryable. An empty
    dict is stored as NULL."""

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only=private_only)
        setattr(cls, self.attname, _EncryptedJSONDescriptor(self))

    def pre_save(self, model_instance, add):
        value = model_instance.__dict__.get(self.attname)
        if isinstance(value, _Sealed):
            return value.blob
        if not value:
            return None
        if getattr(model_instance, self.aad_field) is None:
            raise ValueError("rows with encrypted fields need their id before saving")
        return self.seal(value, model_instance)

    def seal(self, value, instance) -> bytes | None:
        if not value:
            return None
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        return crypto.encrypt_text(text, self.aad_for(instance))


class BlindIndexField(models.CharField):
    """A keyed HMAC of a normalized value, for equality lookups of an encrypted field."""

    def __init__(self, *args, purpose: str = "", source: str = "", normalizer: str = "", **kwargs):
        self.purpose = purpose
        # Where the value comes from and how it was normalized, so rotate_keys can recompute it.
        self.source = source
        self.normalizer = normalizer
        kwargs.setdefault("max_length", 48)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(purpose=self.purpose, source=self.source, normalizer=self.normalizer)
        kwargs.pop("editable", None)
        return name, path, args, kwargs


def encrypted_fields(model) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def seal_now(instance) -> None:
    """Encrypt the instance's encrypted fields now instead of at save: lets an action do the work before
    it takes a lock. The plaintext is decrypted again on first read, as for a row loaded from the database."""
    for f in encrypted_fields(type(instance)):
        blob = f.pre_save(instance, True)
        if blob is not None:
            setattr(instance, f.attname, blob)


def blind_index_fields(model) -> list[BlindIndexField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]
