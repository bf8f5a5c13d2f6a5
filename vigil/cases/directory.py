"""Loading the directory of providers (jurisdictions/<city>/directory.toml) into the database.

After the first load the database is authoritative. Each provider row keeps the fingerprint of its entry
as last loaded and when it was last edited in Vigil: a reload creates new entries, updates entries whose
row nobody edited since its last load, leaves alone entries that did not change, and lists as conflicts
entries that changed in the file while their row was edited here. Live data (open slots, staff on call)
is set by the provider's staff: the file gives open slots only to a provider it creates.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from vigil.accounts import audit
from vigil.accounts.actions import create_organization
from vigil.accounts.models import Organization
from vigil.cases.models import Court, DetentionStatus, Provider, Service, ServiceKind

PROVIDER_FIELDS = {
    "slug",
    "name",
    "kind",
    "fictional",
    "source",
    "description",
    "automatic_proposals",
    "intake_contact",
    "boroughs",
    "languages",
    "courts",
    "open_slots",
    "service",
}
SERVICE_FIELDS = {"kind", "residence", "detention_statuses", "income_band"}
ORGANIZATION_KINDS = {"legal_provider", "hotline", "community_group"}


class DirectoryError(ValueError):
    """The file cannot be loaded; the message names the entry and the field."""


@dataclass
class LoadResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    courts: int = 0


def _string_list(value, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DirectoryError(f"{where}: must be a list of strings")
    return value


def _check_entry(entry: dict, index: int, court_codes: set[str], boroughs: set[str], languages: set[str]) -> dict:
    slug = entry.get("slug")
    where = f"provider #{index + 1}" + (f" ({slug})" if isinstance(slug, str) else "")
    unknown = set(entry) - PROVIDER_FIELDS
    if unknown:
        raise DirectoryError(f"{where}: unknown field {sorted(unknown)[0]!r}")
    for name in ("slug", "name"):
        if not isinstance(entry.get(name), str) or not entry[name].strip():
            raise DirectoryError(f"{where}: field {name!r} is required")
    kind = entry.get("kind", "legal_provider")
    if kind not in ORGANIZATION_KINDS:
        raise DirectoryError(f"{where}: field 'kind' must be one of {sorted(ORGANIZATION_KINDS)}")
    for name in ("boroughs", "languages", "courts"):
        values = _string_list(entry.get(name, []), f"{where}: field {name!r}")
        allowed = {"boroughs": boroughs, "languages": languages, "courts": court_codes}[name]
        bad = [v for v in values if v not in allowed]
        if bad:
            raise DirectoryError(f"{where}: field {name!r}: unknown code {bad[0]!r}")
    slots = entry.get("open_slots", 0)
    if not isinstance(slots, int) or isinstance(slots, bool) or slots < 0:
        raise DirectoryError(f"{where}: field 'open_slots' must be a whole number, 0 or more")
    services = entry.get("service", [])
    if not isinstance(services, list) or not services:
        raise DirectoryError(f"{where}: at least one [[provider.service]] is required")
    seen = set()
    for number, service in enumerate(services, start=1):
        swhere = f"{where}: service #{number}"
        unknown = set(service) - SERVICE_FIELDS
        if unknown:
            raise DirectoryError(f"{swhere}: unknown field {sorted(unknown)[0]!r}")
        if service.get("kind") not in ServiceKind.values:
            raise DirectoryError(f"{swhere}: field 'kind' must be one of {ServiceKind.values}")
        if service["kind"] in seen:
            raise DirectoryError(f"{swhere}: service {service['kind']!r} is listed twice")
        seen.add(service["kind"])
        bad = [
            v for v in _string_list(service.get("residence", []), f"{swhere}: field 'residence'") if v not in boroughs
        ]
        if bad:
            raise DirectoryError(f"{swhere}: field 'residence': unknown borough {bad[0]!r}")
        statuses = _string_list(service.get("detention_statuses", []), f"{swhere}: field 'detention_statuses'")
        if any(s not in DetentionStatus.values for s in statuses):
            raise DirectoryError(f"{swhere}: field 'detention_statuses' must be among {DetentionStatus.values}")
        if service.get("income_band", "any") not in ("any", "low"):
            raise DirectoryError(f"{swhere}: field 'income_band' must be 'any' or 'low'")
    return entry


def _known_boroughs() -> set[str]:
    from vigil.geo.areas import neighborhoods_by_borough

    return {code for code, _name, _ntas in neighborhoods_by_borough()}


def _known_languages() -> set[str]:
    from django.conf import settings

    return {code for code, _name in settings.LANGUAGES}


def parse(text: str) -> tuple[list[dict], list[dict]]:
    """(courts, providers) from the file's text, checked; DirectoryError names what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DirectoryError(f"not valid TOML: {exc}") from None
    if data.get("version") != 1:
        raise DirectoryError("field 'version' must be 1")
    courts = data.get("court", [])
    codes = set()
    for number, court in enumerate(courts, start=1):
        if not isinstance(court.get("code"), str) or not isinstance(court.get("name"), str):
            raise DirectoryError(f"court #{number}: fields 'code' and 'name' are required")
        codes.add(court["code"])
    boroughs, languages = _known_boroughs(), _known_languages()
    providers = [_check_entry(e, i, codes, boroughs, languages) for i, e in enumerate(data.get("provider", []))]
    slugs = [p["slug"] for p in providers]
    duplicate = next((s for s in slugs if slugs.count(s) > 1), None)
    if duplicate:
        raise DirectoryError(f"provider ({duplicate}): slug listed twice")
    return courts, providers


def reload_existing(row, entry: dict, key: str, result, apply, now, entry_fingerprint: str) -> None:
    """The reload rule for an entry already in the database (providers, facilities): unchanged in the file,
    left; edited in Vigil since its last load, a conflict left for a person; else updated from the file."""
    if row.directory_fingerprint == entry_fingerprint:
        result.unchanged.append(key)
    elif row.edited_at is not None and (row.loaded_at is None or row.edited_at > row.loaded_at):
        result.conflicts.append(key)
    else:
        apply(row, entry, now)
        result.updated.append(key)


def fingerprint(entry: dict) -> str:
    """What a reload compares: the entry without its live data."""
    kept = {k: v for k, v in entry.items() if k != "open_slots"}
    return hashlib.sha256(json.dumps(kept, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _apply(provider: Provider, entry: dict, now) -> None:
    provider.name = entry["name"].strip()
    provider.is_fictional = bool(entry.get("fictional", False))
    provider.source = entry.get("source", "")
    provider.description = entry.get("description", "")
    provider.automatic_proposals = bool(entry.get("automatic_proposals", True))
    provider.intake_contact = entry.get("intake_contact", "")
    provider.boroughs = entry.get("boroughs", [])
    provider.languages = entry.get("languages", [])
    provider.directory_fingerprint = fingerprint(entry)
    provider.loaded_at = now
    provider.edited_at = None
    provider.save()
    provider.courts.set(Court.objects.filter(code__in=entry.get("courts", [])))
    provider.services.all().delete()
    Service.objects.bulk_create(
        Service(
            provider=provider,
            kind=s["kind"],
            residence=s.get("residence", []),
            detention_statuses=s.get("detention_statuses", []),
            income_band=s.get("income_band", "any"),
        )
        for s in entry["service"]
    )


def load(path: Path, *, actor=None) -> LoadResult:
    """Steps: parse and check the whole file first (nothing is written if any entry is wrong); then, in
    one transaction, upsert the courts and each provider (with its organization) as the module docstring
    says; audit the counts."""
    courts, providers = parse(Path(path).read_text(encoding="utf-8"))
    result = LoadResult()
    now = timezone.now()
    with transaction.atomic():
        for court in courts:
            Court.objects.update_or_create(
                code=court["code"], defaults={"name": court["name"], "is_fictional": bool(court.get("fictional"))}
            )
            result.courts += 1
        for entry in providers:
            slug = entry["slug"]
            provider = Provider.objects.select_for_update().filter(slug=slug).first()
            if provider is None:
                organization = Organization.objects.filter(slug=slug).first() or create_organization(
                    name=entry["name"].strip(), slug=slug, kind=entry.get("kind", "legal_provider"), actor=actor
                )
                provider = Provider(organization=organization, slug=slug, open_slots=entry.get("open_slots", 0))
                _apply(provider, entry, now)
                result.created.append(slug)
            else:
                reload_existing(provider, entry, slug, result, _apply, now, fingerprint(entry))
        audit.record(
            "provider.directory_loaded",
            actor=actor,
            object_type="cases.provider",
            count=len(result.created) + len(result.updated),
        )
    return result
