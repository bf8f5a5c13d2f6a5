"""The evidence export: a zip of an incident's photos and videos with a manifest of SHA-256 sums.

Written into a file the caller gives (the view: an unnamed temporary file, removed when closed) one item
at a time, so a worker holds one decrypted file in memory rather than every file of a large incident;
the items are read in one query, whether they came with a report or were added on the incident.
"""

from __future__ import annotations

import json
import zipfile

from django.db.models import Q

from vigil.accounts import audit
from vigil.incidents.models import Evidence, Incident


def evidence_of(incident: Incident):
    """Everything added on the incident and everything that came with its reports, oldest first."""
    return Evidence.objects.filter(Q(incident=incident) | Q(report__incident=incident)).order_by("received_at", "pk")


def write_evidence_archive(incident: Incident, out, *, actor) -> int:
    """Steps: list the items (one query); for each, decrypt the original (or the viewing copy where no
    original is kept), write it to the archive and note its hash, then let it go; write the manifest;
    audit the export with the count. Returns the number of files."""
    from vigil.incidents import evidence as files

    manifest = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for item in evidence_of(incident).iterator():
            role = "original" if item.original_path else "viewing"
            data = files.open_sealed(item.original_path or item.viewing_path, item.pk, role)
            name = f"{item.pk}.{item.media_type.split('/')[1]}"
            archive.writestr(name, data)
            manifest.append(
                {
                    "file": name,
                    "sha256": files.sha256(data),
                    "recorded_sha256": item.sha256,
                    "kind": role,
                    "received_at": item.received_at.isoformat(),
                }
            )
            del data
        archive.writestr("manifest.json", json.dumps({"incident": str(incident.pk), "files": manifest}, indent=2))
    audit.record("evidence.exported", actor=actor, obj=incident, count=len(manifest))
    return len(manifest)
