from vigil.work.registry import durable


@durable
def render_cards():
    """Render the PDFs of every language's card whose words or review changed (unchanged ones are kept
    under their digest and skipped)."""
    from django.conf import settings

    from vigil.rights import cards

    for language, _name in settings.LANGUAGES:
        card = cards.card_content(language)
        if card is not None:
            cards.render_files(card)
