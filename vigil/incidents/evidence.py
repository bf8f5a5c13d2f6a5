"""Evidence files: sniffing, metadata removal, encryption at rest.

Libraries, not hand-written parsers: `puremagic` reads the magic bytes, Pillow re-encodes images without
their metadata (and refuses decompression bombs), and the ffmpeg binary shipped in the `imageio-ffmpeg`
wheel rewrites video containers without metadata. Files are sealed with the field keys (AES-GCM), bound
to the evidence id and role, and stored under MEDIA_ROOT/evidence/.
"""

from __future__ import annotations

import hashlib
import io
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

import puremagic
from django.conf import settings
from PIL import Image, ImageOps

from vigil.lib import crypto
from vigil.lib.durable_files import write_atomically

IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
VIDEO_TYPES = {"video/mp4": "mp4", "video/quicktime": "mov", "video/webm": "webm"}
# The one demuxer each sniffed type may be read with. Naming it keeps ffmpeg from guessing another from
# the bytes: a playlist or concat script disguised as a video could otherwise make it open other files.
VIDEO_DEMUXERS = {"video/mp4": "mov", "video/quicktime": "mov", "video/webm": "matroska"}
MAX_IMAGE_PIXELS = 40_000_000
MAX_EVIDENCE_BYTES = 100 * 1024 * 1024


class EvidenceRefused(ValueError):
    """The file cannot be accepted; ``code`` says why (for a translated message)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def sniff(head: bytes) -> str:
    """The media type the bytes are, among the ones we accept: the first accepted type among puremagic's
    most confident matches (a file that looks more like something else is refused)."""
    try:
        matches = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        raise EvidenceRefused("type") from None
    best = max((m.confidence for m in matches), default=0)
    for match in matches:
        if match.confidence == best and (match.mime_type in IMAGE_TYPES or match.mime_type in VIDEO_TYPES):
            return match.mime_type
    raise EvidenceRefused("type")


def strip_image(data: bytes, media_type: str) -> bytes:
    """Decode and re-encode the pixels alone: EXIF, GPS, XMP and comments do not survive."""
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_IMAGE_PIXELS:
                raise EvidenceRefused("too_large")
            img.load()
            upright = ImageOps.exif_transpose(img)
            # A new image from the raw pixels carries none of the original's info, EXIF or text chunks.
            clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
            if upright.mode == "P" and upright.getpalette():
                clean.putpalette(upright.getpalette())
            fmt = IMAGE_TYPES[media_type]
            if fmt == "JPEG" and clean.mode not in ("RGB", "L"):
                clean = clean.convert("RGB")
            out = io.BytesIO()
            clean.save(out, format=fmt, **({"quality": 90} if fmt == "JPEG" else {}))
            return out.getvalue()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise EvidenceRefused("too_large")
    except EvidenceRefused:
        raise
    # Malformed files surface from Pillow's decoders as any of these (zlib and struct errors included).
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, TypeError, struct.error, zlib.error):
        raise EvidenceRefused("unreadable")


def strip_video(data: bytes, media_type: str) -> bytes:
    """Rewrite the container with no global, stream or chapter metadata (no re-encoding)."""
    import imageio_ffmpeg

    suffix = VIDEO_TYPES[media_type]
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / f"in.{suffix}", Path(tmp) / f"out.{suffix}"
        src.write_bytes(data)
        command = [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-nostdin",
            "-loglevel",
            "error",
            "-protocol_whitelist",
            "file",
            "-f",
            VIDEO_DEMUXERS[media_type],
            "-i",
            str(src),
            "-map",
            "0:v?",
            "-map",
            "0:a?",
            "-map_metadata",
            "-1",
            "-map_metadata:s",
            "-1",
            "-map_chapters",
            "-1",
            "-c",
            "copy",
            "-fflags",
            "+bitexact",
            "-flags:v",
            "+bitexact",
            "-flags:a",
            "+bitexact",
            str(dst),
        ]
        result = subprocess.run(command, capture_output=True, timeout=120, check=False)
        if result.returncode != 0 or not dst.exists():
            raise EvidenceRefused("unreadable")
        return dst.read_bytes()


def strip(data: bytes, media_type: str) -> bytes:
    if media_type in IMAGE_TYPES:
        return strip_image(data, media_type)
    return strip_video(data, media_type)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / "evidence"


def _aad(evidence_id, role: str) -> bytes:
    return crypto.associated_data("incidents_evidence", role, evidence_id)


def seal_to_disk(data: bytes, evidence_id, role: str) -> str:
    """Write encrypted bytes atomically (vigil/lib/durable_files.py); return the path relative to the root."""
    name = f"{evidence_id}.{role}.sealed"
    write_atomically(_root() / name, crypto.encrypt(data, _aad(evidence_id, role)))
    return name


def open_sealed(name: str, evidence_id, role: str) -> bytes:
    return crypto.decrypt((_root() / name).read_bytes(), _aad(evidence_id, role))


def remove(name: str) -> None:
    if name:
        (_root() / name).unlink(missing_ok=True)


def reseal_all() -> int:
    """Seal every stored evidence file again with the current field key (privacy's key rotation calls
    this through its registry). Returns the files rewritten."""
    from vigil.incidents.models import Evidence

    rewritten = 0
    for item in Evidence.objects.all().iterator():
        for role, name in (("original", item.original_path), ("viewing", item.viewing_path)):
            if name:
                seal_to_disk(open_sealed(name, item.pk, role), item.pk, role)
                rewritten += 1
    return rewritten
