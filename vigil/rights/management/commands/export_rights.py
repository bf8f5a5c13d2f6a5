"""Write the newest revision of every text back as files, for a diff against the repository."""

from pathlib import Path

from django.core.management.base import BaseCommand

from vigil.rights import content
from vigil.rights.models import Revision


class Command(BaseCommand):
    help = "Write the newest revision of every know-your-rights text as files (under --to, default the repository)."

    def add_arguments(self, parser):
        parser.add_argument("--to", default="", help="a folder to write into instead of jurisdictions/")

    def handle(self, *args, to="", **options):
        written = 0
        newest = {}
        for revision in Revision.objects.order_by("kind", "slug", "language", "-number"):
            newest.setdefault((revision.kind, revision.slug, revision.language), revision)
        for revision in newest.values():
            path = content.file_path(revision.kind, revision.jurisdiction, revision.slug, revision.language)
            if to:
                path = Path(to) / path.relative_to(content.rights_root())
            path.parent.mkdir(parents=True, exist_ok=True)
            text = content.TextFile(
                kind=revision.kind,
                slug=revision.slug,
                language=revision.language,
                jurisdiction=revision.jurisdiction,
                title=revision.title,
                body=revision.body,
                version=revision.number,
                cites=list(revision.cites),
                terms=list(revision.terms),
                translated_by=revision.translated_by,
                about_vigil=revision.about_vigil,
            )
            path.write_text(content.dump(text), encoding="utf-8")
            written += 1
        self.stdout.write(f"{written} file(s) written")
