"""Work on case documents that reads their rows as well as their files (vigil/cases/document_files.py keeps
to the files): sealing every file again at key rotation, and the daily sweep of files no row names."""

from __future__ import annotations

import time
import uuid

from vigil.cases import document_files
from vigil.cases.documents import CaseDocument
from vigil.work.registry import durable


@durable
def sweep_orphan_documents():
    sweep_orphans()


def reseal_all() -> int:
    """Seal every stored document again with the current field key (privacy's key rotation calls this
    through its registry). Returns the files rewritten."""
    rewritten = 0
    for document_id in CaseDocument.objects.values_list("pk", flat=True).iterator():
        if document_files.path_of(document_id).exists():
            document_files.seal_to_disk(document_files.open_sealed(document_id), document_id)
            rewritten += 1
    return rewritten


def sweep_orphans(now: float | None = None) -> int:
    """Remove the files (and leftover temporary files) that no row names and that are older than
    document_files.ORPHAN_AGE_SECONDS. Returns how many went."""
    root = document_files.root_folder()
    if not root.is_dir():
        return 0
    now = time.time() if now is None else now
    old = []
    for path in root.iterdir():
        try:
            if path.is_file() and now - path.stat().st_mtime > document_files.ORPHAN_AGE_SECONDS:
                old.append(path)
        except FileNotFoundError:
            continue  # removed meanwhile
    ids = {}
    for path in old:
        try:
            ids[path] = uuid.UUID(path.name.strip(".").split(".")[0])
        except ValueError:
            ids[path] = None  # not a document file: not ours to judge, left alone
    known = set(CaseDocument.objects.filter(pk__in=[i for i in ids.values() if i]).values_list("pk", flat=True))
    removed = 0
    for path, document_id in ids.items():
        if document_id is None or (document_id in known and not path.name.startswith(".")):
            continue
        path.unlink(missing_ok=True)
        removed += 1
    return removed
