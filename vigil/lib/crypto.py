"""Field encryption and blind indexes for personal data.

AES-GCM from the `cryptography` package (a reviewed, maintained implementation; we write none of the
primitive). Each value is bound to where it lives (table, field, row id) through the associated data,
so a ciphertext copied to another row or column fails to decrypt instead of silently moving data.

Stored layout: b"V1" | key version (2 bytes, big endian) | nonce (12 bytes) | ciphertext+tag.
Blind indexes are HMAC-SHA256 over a normalized value, keyed by a separate key ring.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"V1"
NONCE_BYTES = 12


class KeyError_(Exception):  # noqa: N801  (not the builtin KeyError: a configuration problem)
    """The key ring is missing, malformed, or lacks the version a value was written with."""


class DecryptionError(Exception):
    """A value cannot be decrypted with the configured keys in this place. Carries no content."""


@dataclass(frozen=True)
class KeyRing:
    keys: dict[int, bytes]

    @property
    def current_version(self) -> int:
        return max(self.keys)

    @property
    def current(self) -> bytes:
        return self.keys[self.current_version]


def generate_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def parse_keyring(spec: str) -> KeyRing:
    """Read "1:base64,2:base64" into a key ring; every key must be 32 bytes."""
    keys: dict[int, bytes] = {}
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        version_text, sep, encoded = part.partition(":")
        if not sep or not version_text.isdigit():
            raise KeyError_("each key must be written as version:base64")
        try:
            raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except ValueError as exc:
            raise KeyError_("a key is not valid base64") from exc
        if len(raw) != 32:
            raise KeyError_("each key must be 32 bytes")
        version = int(version_text)
        if not 0 < version < 65536:
            raise KeyError_("key versions run from 1 to 65535")
        keys[version] = raw
    if not keys:
        raise KeyError_("no key configured")
    return KeyRing(keys)


@lru_cache(maxsize=8)
def _ring(spec: str) -> KeyRing:
    return parse_keyring(spec)


def field_keyring() -> KeyRing:
    from django.conf import settings

    return _ring(settings.FIELD_ENCRYPTION_KEYS)


def index_keyring() -> KeyRing:
    from django.conf import settings

    return _ring(settings.BLIND_INDEX_KEYS)


def associated_data(table: str, field: str, row_id: object) -> bytes:
    return f"{table}\x1f{field}\x1f{row_id}".encode()


def encrypt(plaintext: bytes, aad: bytes, ring: KeyRing | None = None) -> bytes:
    ring = ring or field_keyring()
    version = ring.current_version
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.keys[version]).encrypt(nonce, plaintext, aad)
    return MAGIC + version.to_bytes(2, "big") + nonce + sealed


def key_version_of(blob: bytes) -> int:
    if len(blob) < 4 + NONCE_BYTES + 16 or blob[:2] != MAGIC:
        raise DecryptionError("not an encrypted value")
    return int.from_bytes(blob[2:4], "big")


def decrypt(blob: bytes, aad: bytes, ring: KeyRing | None = None) -> bytes:
    ring = ring or field_keyring()
    blob = bytes(blob)
    version = key_version_of(blob)
    key = ring.keys.get(version)
    if key is None:
        raise DecryptionError(f"no key with version {version} is configured")
    nonce = blob[4 : 4 + NONCE_BYTES]
    try:
        return AESGCM(key).decrypt(nonce, blob[4 + NONCE_BYTES :], aad)
    except InvalidTag as exc:
        raise DecryptionError("wrong key, or the value belongs to another row or field") from exc


def encrypt_text(text: str, aad: bytes) -> bytes:
    return encrypt(text.encode("utf-8"), aad)


def decrypt_text(blob: bytes, aad: bytes) -> str:
    return decrypt(blob, aad).decode("utf-8")


def blind_index(normalized: str, *, purpose: str, version: int | None = None) -> str:
    """Keyed HMAC of an already-normalized value; `purpose` keeps indexes of different fields apart."""
    ring = index_keyring()
    version = version or ring.current_version
    digest = hmac.new(ring.keys[version], f"{purpose}\x1f{normalized}".encode(), hashlib.sha256).hexdigest()
    return f"{version}:{digest[:40]}"


def blind_index_candidates(normalized: str, *, purpose: str) -> list[str]:
    """Indexes under every configured key, so lookups keep working while a rotation is under way."""
    ring = index_keyring()
    return [blind_index(normalized, purpose=purpose, version=v) for v in sorted(ring.keys, reverse=True)]
