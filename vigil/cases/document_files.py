"""A case document's file: what is accepted, how it is cleaned, sealed on disk and removed.

Accepted: PDF, JPEG, PNG and WebP, decided from the bytes (puremagic), never from the name or the browser.
Images go through evidence's re-encoding (vigil/incidents/evidence.py: Pillow, pixels only), so EXIF, GPS,
XMP and comments do not survive. PDFs are kept as sent, with their metadata (author, software, dates): no
library in requirements.txt rewrites a PDF safely, and parsing one by hand is not something to do here.
HEIC (an iPhone's photos) is refused with its own message: Pillow reads it only with a plugin we do not have.

No hash of the plaintext is stored. A document's integrity is already held by the seal (AES-GCM refuses a
file changed by one bit), and a plain SHA-256 beside the row would let whoever holds the database confirm
that a file they already have (a hearing notice, an ID they photographed) is in a case.

A file is sealed with the field keys, bound to its row's id, and written atomically before its row is
inserted; a committed row always has its file. A file whose row never committed (a crash, a rolled-back
outer transaction) is removed by the daily sweep (`sweep_orphans`).
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from pathlib import Path

import puremagic
from django.conf import settings

from vigil.incidents import evidence
from vigil.lib import crypto
from vigil.lib.durable_files import write_atomically

PDF = "application/pdf"
ACCEPTED_TYPES = (PDF, "image/jpeg", "image/png", "image/webp")
EXTENSIONS = {PDF: "pdf", "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
HEIF_TYPES = ("image/heif", "image/heic", "image/heif-sequence", "image/heic-sequence")
# A PDF ends with %%EOF, give or take trailing bytes some writers add: a cut-off upload does not.
PDF_TAIL_BYTES = 1024
# How old a file without a row must be before the sweep removes it: an upload in progress has written its
# file and not yet committed its row.
ORPHAN_AGE_SECONDS = 3600
NAME_LIMIT = 120
FOLDER = "case-documents"


class DocumentRefused(ValueError):
    """The file cannot be accepted; ``code`` says why (for a translated message)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def max_bytes() -> int:
    return settings.CASE_DOCUMENT_MAX_BYTES


def sniff(head: bytes) -> str:
    """The media type the bytes are, among the accepted ones: the first accepted type among puremagic's most
    confident matches (a file that looks more like something else is refused)."""
    try:
        matches = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        raise DocumentRefused("type") from None
    best = max((m.confidence for m in matches), default=0)
    confident = [m.mime_type for m in matches if m.confidence == best]
    for media_type in confident:
        if media_type in ACCEPTED_TYPES:
            return media_type
    if any(media_type in HEIF_TYPES for media_type in confident):
        raise DocumentRefused("heic")
    raise DocumentRefused("type")


def _check_pdf(data: bytes) -> None:
    """The two ends a PDF reader needs: the header at the start, the end-of-file marker at the end."""
    if not re.match(rb"%PDF-[12]\.\d", data[:16]) or b"%%EOF" not in data[-PDF_TAIL_BYTES:]:
        raise DocumentRefused("unreadable")


def prepare(data: bytes) -> tuple[str, bytes]:
    """The sniffed media type and the bytes to keep: an image re-encoded without its metadata, a PDF as sent.
    Raises DocumentRefused (empty, too large, not an accepted type, unreadable)."""
    if not data:
        raise DocumentRefused("empty")
    if len(data) > max_bytes():
        raise DocumentRefused("too_large")
    media_type = sniff(data[:8192])
    if media_type == PDF:
        _check_pdf(data)
        return media_type, data
    try:
        return media_type, evidence.strip_image(data, media_type)
    except evidence.EvidenceRefused as exc:
        raise DocumentRefused(exc.code) from None


def clean_name(name: str, media_type: str) -> str:
    """The uploaded name without folders or control characters, at most NAME_LIMIT characters, with the
    extension of the sniffed type (what the file is, whatever it was called)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C")
    stem = base.rsplit(".", 1)[0] if "." in base.strip(".") else base
    stem = stem.strip(" .")[:NAME_LIMIT] or "document"
    return f"{stem}.{EXTENSIONS[media_type]}"


def root_folder() -> Path:
    return Path(settings.MEDIA_ROOT) / FOLDER


def path_of(document_id) -> Path:
    return root_folder() / f"{uuid.UUID(str(document_id))}.sealed"


def _aad(document_id) -> bytes:
    return crypto.associated_data("cases_casedocument", "file", uuid.UUID(str(document_id)))


def seal_to_disk(data: bytes, document_id) -> Path:
    """Write the sealed bytes atomically (vigil/lib/durable_files.py)."""
    final = path_of(document_id)
    write_atomically(final, crypto.encrypt(data, _aad(document_id)))
    return final


def open_sealed(document_id) -> bytes:
    return crypto.decrypt(path_of(document_id).read_bytes(), _aad(document_id))


def remove(document_id) -> None:
    path_of(document_id).unlink(missing_ok=True)
