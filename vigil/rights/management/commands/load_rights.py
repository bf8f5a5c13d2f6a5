"""Load the library's text files (jurisdictions/*/rights/{articles,cards}) as revisions."""

from django.core.management.base import BaseCommand, CommandError

from vigil.rights import actions, content


class Command(BaseCommand):
    help = "Load the know-your-rights texts from the repository's files (refuses to overwrite a newer console revision without --replace)."

    def add_arguments(self, parser):
        parser.add_argument("--replace", action="store_true", help="load files even over newer console revisions")

    def handle(self, *args, replace=False, **options):
        loaded = refused = 0
        texts = content.text_files()
        # English first: a translation records the hash of the English it was made from.
        for text in sorted(texts, key=lambda t: t.language != "en"):
            try:
                if actions.load_file(text, replace=replace) is not None:
                    loaded += 1
            except actions.NewerInConsole as error:
                refused += 1
                self.stderr.write(f"{text.path}: {error}; use --replace to overwrite it")
        self.stdout.write(f"{loaded} text(s) loaded, {len(texts) - loaded - refused} unchanged")
        if refused:
            raise CommandError(f"{refused} file(s) not loaded: newer revisions in the console")
