"""Loading the facilities directory (jurisdictions/<city>/facilities.toml) into the database, as the
providers' directory is loaded (vigil/cases/directory.py): the whole file is checked before anything is
written; after the first load the database is authoritative, so a reload creates new facilities, updates
those nobody edited here since their last load, leaves unchanged ones alone and lists the others as
conflicts. Courts are upserted with their time zone (the zone their hearings are set in).

The file also holds the addresses of the public pages staff look people up in (the detainee locator,
court information), as directory data: Vigil links to them and never queries them. An address is either
written with its source or taken from another directory file (`ref = "us/rights/links.toml#locator"`), so
it is typed in one place only.
"""

from __future__ import annotations

import functools
import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vigil.accounts import audit
from vigil.cases.directory import DirectoryError, reload_existing
from vigil.cases.locating import Facility, FacilityKind
from vigil.cases.models import Court

FACILITY_FIELDS = {"code", "name", "kind", "address", "time_zone", "court", "source", "fictional"}
COURT_FIELDS = {"code", "name", "time_zone", "source", "fictional"}
LINK_FIELDS = {"id", "title", "address", "source", "ref"}


@dataclass
class FacilitiesResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    courts: int = 0


@dataclass(frozen=True)
class DirectoryLink:
    id: str
    title: str
    address: str
    source: str


def default_path() -> Path:
    return settings.JURISDICTION_DIR / "facilities.toml"


def _jurisdictions_root() -> Path:
    return settings.BASE_DIR / "jurisdictions"


def _check_zone(value, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise DirectoryError(f"{where}: field 'time_zone' is required (an IANA name such as America/New_York)")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise DirectoryError(f"{where}: field 'time_zone': unknown time zone {value!r}") from None
    return value


def _unknown(entry: dict, allowed: set[str], where: str) -> None:
    extra = set(entry) - allowed
    if extra:
        raise DirectoryError(f"{where}: unknown field {sorted(extra)[0]!r}")


def _required_text(entry: dict, name: str, where: str) -> str:
    value = entry.get(name)
    if not isinstance(value, str) or not value.strip():
        raise DirectoryError(f"{where}: field {name!r} is required")
    return value


def _resolve_ref(ref: str, where: str) -> tuple[str, str]:
    """(address, source) of `file#id` in another directory file under jurisdictions/."""
    relative, _hash, link_id = ref.partition("#")
    path = (_jurisdictions_root() / relative).resolve()
    if not link_id or _jurisdictions_root().resolve() not in path.parents or not path.exists():
        raise DirectoryError(f"{where}: field 'ref': no directory file {relative!r} with an id after '#'")
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("link", [])
    found = next((e for e in entries if e.get("id") == link_id), None)
    if found is None or not isinstance(found.get("address"), str):
        raise DirectoryError(f"{where}: field 'ref': {relative} has no link {link_id!r}")
    return found["address"], f"{relative}#{link_id}: {found.get('source', '')}".rstrip(": ")


def _check_link(entry: dict, number: int) -> DirectoryLink:
    where = f"link #{number}" + (f" ({entry['id']})" if isinstance(entry.get("id"), str) else "")
    _unknown(entry, LINK_FIELDS, where)
    link_id = _required_text(entry, "id", where)
    title = _required_text(entry, "title", where)
    if "ref" in entry:
        if "address" in entry:
            raise DirectoryError(f"{where}: give either 'address' (with its 'source') or 'ref', not both")
        address, source = _resolve_ref(str(entry["ref"]), where)
    else:
        address = _required_text(entry, "address", where)
        source = _required_text(entry, "source", where)
    if not address.startswith("https://"):
        raise DirectoryError(f"{where}: field 'address' must start with https://")
    return DirectoryLink(link_id, title, address, source)


def parse(text: str) -> tuple[list[dict], list[dict], list[DirectoryLink]]:
    """(courts, facilities, links) from the file's text, checked; DirectoryError names what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DirectoryError(f"not valid TOML: {exc}") from None
    if data.get("version") != 1:
        raise DirectoryError("field 'version' must be 1")
    courts = data.get("court", [])
    for number, court in enumerate(courts, start=1):
        where = f"court #{number}" + (f" ({court['code']})" if isinstance(court.get("code"), str) else "")
        _unknown(court, COURT_FIELDS, where)
        _required_text(court, "code", where)
        _required_text(court, "name", where)
        _check_zone(court.get("time_zone"), where)
    court_codes = {court["code"] for court in courts}
    facilities = data.get("facility", [])
    for number, entry in enumerate(facilities, start=1):
        where = f"facility #{number}" + (f" ({entry['code']})" if isinstance(entry.get("code"), str) else "")
        _unknown(entry, FACILITY_FIELDS, where)
        _required_text(entry, "code", where)
        _required_text(entry, "name", where)
        _check_zone(entry.get("time_zone"), where)
        if entry.get("kind", FacilityKind.DETENTION_CENTER) not in FacilityKind.values:
            raise DirectoryError(f"{where}: field 'kind' must be one of {FacilityKind.values}")
        if entry.get("court") is not None and entry["court"] not in court_codes:
            raise DirectoryError(f"{where}: field 'court': unknown court {entry['court']!r} (list it under [[court]])")
        if not entry.get("fictional") and not str(entry.get("source", "")).strip():
            raise DirectoryError(f"{where}: field 'source' is required for a real facility")
    codes = [entry["code"] for entry in facilities]
    duplicate = next((code for code in codes if codes.count(code) > 1), None)
    if duplicate:
        raise DirectoryError(f"facility ({duplicate}): code listed twice")
    links = [_check_link(entry, number) for number, entry in enumerate(data.get("link", []), start=1)]
    return courts, facilities, links


def fingerprint(entry: dict) -> str:
    return hashlib.sha256(json.dumps(entry, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _apply(facility: Facility, entry: dict, now) -> None:
    facility.name = entry["name"].strip()
    facility.kind = entry.get("kind", FacilityKind.DETENTION_CENTER)
    facility.address = entry.get("address", "")
    facility.time_zone = entry["time_zone"]
    facility.court = Court.objects.filter(code=entry["court"]).first() if entry.get("court") else None
    facility.source = entry.get("source", "")
    facility.is_fictional = bool(entry.get("fictional", False))
    facility.directory_fingerprint = fingerprint(entry)
    facility.loaded_at = now
    facility.edited_at = None
    facility.save()


def load(path: Path | None = None, *, actor=None) -> FacilitiesResult:
    """Steps: parse and check the whole file (nothing written if any entry is wrong); in one transaction
    upsert the courts with their time zones, then each facility as the module docstring says; audit."""
    path = Path(path or default_path())
    courts, facilities, _links = parse(path.read_text(encoding="utf-8"))
    result = FacilitiesResult()
    now = timezone.now()
    with transaction.atomic():
        for court in courts:
            Court.objects.update_or_create(
                code=court["code"],
                defaults={
                    "name": court["name"],
                    "time_zone": court["time_zone"],
                    "is_fictional": bool(court.get("fictional")),
                },
            )
            result.courts += 1
        for entry in facilities:
            code = entry["code"]
            facility = Facility.objects.select_for_update().filter(code=code).first()
            if facility is None:
                _apply(Facility(code=code), entry, now)
                result.created.append(code)
            else:
                reload_existing(facility, entry, code, result, _apply, now, fingerprint(entry))
        audit.record(
            "facility.directory_loaded",
            actor=actor,
            object_type="cases.facility",
            count=len(result.created) + len(result.updated),
        )
    return result


@functools.cache
def _links_of(path: str, mtime: float) -> tuple[DirectoryLink, ...]:
    return tuple(parse(Path(path).read_text(encoding="utf-8"))[2])


def links(path: Path | None = None) -> dict[str, DirectoryLink]:
    """The directory's links by id (read from the file, re-read when it changes); none without a file."""
    path = Path(path or default_path())
    if not path.exists():
        return {}
    return {link.id: link for link in _links_of(str(path), path.stat().st_mtime)}
