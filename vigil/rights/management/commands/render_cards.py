"""Render the red card's PDFs (card, sheets, flyers) for every language, ahead of any request."""

from django.conf import settings
from django.core.management.base import BaseCommand

from vigil.rights import cards


class Command(BaseCommand):
    help = "Render the know-your-rights card, sheet and flyer PDFs into MEDIA_ROOT/rights/<digest>/."

    def handle(self, *args, **options):
        for language, _name in settings.LANGUAGES:
            card = cards.card_content(language)
            if card is None:
                self.stdout.write(f"{language}: nothing to print")
                continue
            folder = cards.render_files(card)
            missing = folder / cards.FONT_MISSING
            note = f" (font missing: {missing.read_text()})" if missing.exists() else ""
            self.stdout.write(f"{language}: {folder.name}{note}")
