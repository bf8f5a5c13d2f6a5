"""Durable work of case documents (vigil/cases/document_files.py): the daily sweep of files no row names."""

from vigil.work.registry import durable


@durable
def sweep_orphan_documents():
    from vigil.cases.document_files import sweep_orphans

    sweep_orphans()
