"""The card page and `render_cards`: PDFs rendered by the command into folders named by the content's
digest, linked by the page, never rendered by a request; a missing font said in words."""

from __future__ import annotations

import shutil

import pytest
from django.core.management import call_command

from vigil.lib import fonts
from vigil.rights import cards

needs_fonts = pytest.mark.skipif(
    shutil.which("fc-match") is None, reason="fontconfig and the Noto fonts are not installed"
)


@pytest.fixture
def loaded(db, settings):
    settings.DEMO = True
    settings.HOTLINE_NUMBER = "+1 212-555-0100"
    settings.PUBLIC_BASE_URL = "https://vigil.example.org"
    call_command("load_rights", verbosity=0)


@pytest.mark.django_db
def test_the_card_content_cites_its_facts_and_points_at_the_report_form_in_its_language(loaded):
    card = cards.card_content("es")
    assert card.language == "es" and not card.reviewed
    assert card.citations == ("silence", "door-no-open", "no-consent", "no-sign", "lawyer")
    assert card.report_address == "https://vigil.example.org/report/?lang=es"
    assert all("[[" not in line for line in (*card.rights, *card.officer_lines))
    assert card.officer_lines[0].startswith("I may remain silent")


@pytest.mark.django_db
def test_a_request_never_renders_a_pdf(client, loaded, monkeypatch):
    from vigil.rights.printing import pdf

    def refuse(*args, **kwargs):
        raise AssertionError("rendered during a request")

    for name in ("render_card", "render_sheet", "render_flyer"):
        monkeypatch.setattr(pdf, name, refuse)
    page = client.get("/rights/card/?lang=es").content.decode()
    assert "not ready yet" in page or "no están listos" in page


@needs_fonts
@pytest.mark.django_db
def test_render_cards_writes_every_file_under_the_digest_and_the_page_links_them(client, loaded):
    call_command("render_cards", verbosity=0)
    card = cards.card_content("en")
    folder = cards.output_root() / card.digest()
    assert sorted(p.name for p in folder.iterdir()) == sorted(name for name, _k, _p in cards.FILES)
    page = client.get("/rights/card/?lang=en").content.decode()
    address = f"/rights/card/{card.digest()}/sheet-a4.pdf"
    assert address in page
    response = client.get(address)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
def test_a_missing_font_is_said_in_words_on_the_download_page(client, loaded, monkeypatch):
    from vigil.rights.printing import pdf

    def missing(*args, **kwargs):
        raise fonts.FontMissing("the font Noto Sans Bengali is not installed (Debian: fonts-noto-core, fonts-noto-cjk)")

    monkeypatch.setattr(pdf, "render_card", missing)
    call_command("render_cards", verbosity=0)
    page = client.get("/rights/card/?lang=bn").content.decode()
    assert "Noto Sans Bengali is not installed" in page


@pytest.mark.django_db
def test_a_changed_card_is_rendered_again_in_the_background_and_once(loaded, staff_factory, org, monkeypatch):
    from vigil.accounts.models import Role
    from vigil.rights import actions, library
    from vigil.work.actions import run_pending_now
    from vigil.work.models import Job

    Job.objects.filter(handler="vigil.rights.jobs.render_cards").delete()  # the load's own render
    reviewer = staff_factory("card-editor", Role.RIGHTS_REVIEWER, org)
    before = cards.card_content("es").digest()
    revision = library.latest("card", "red-card", "es")
    actions.edit_text(revision, title=revision.title + " (2)", body=revision.body, actor=reviewer)
    actions.edit_text(
        library.latest("card", "red-card", "es"), title=revision.title, body=revision.body, actor=reviewer
    )
    assert Job.objects.filter(handler="vigil.rights.jobs.render_cards").count() == 1

    rendered = []
    monkeypatch.setattr(cards, "render_files", lambda card: rendered.append((card.language, card.digest())))
    run_pending_now()
    after = cards.card_content("es").digest()
    assert after != before and ("es", after) in rendered


@needs_fonts
@pytest.mark.django_db
@pytest.mark.parametrize("language", ["bn", "zh-hant", "ar"])
def test_an_unreviewed_card_prints_its_back_in_english_review_line_included(loaded, language):
    # The back's review line was printed in the reader's language with the English face, and every
    # non-Latin card refused to render in the demo ("Noto Sans cannot print …").
    import pypdfium2

    from vigil.rights.printing import pdf

    card = cards.card_content(language)
    assert card.review_line != "Draft, not reviewed by a lawyer"
    assert card.officer_review_line == "Draft, not reviewed by a lawyer"
    document = pypdfium2.PdfDocument(pdf.render_card(card))
    back = document[1].get_textpage().get_text_range()
    assert "Draft, not reviewed by a lawyer" in back


@needs_fonts
@pytest.mark.django_db
def test_a_card_too_long_for_the_wallet_size_still_prints_as_a_flyer_and_says_so(client, loaded, monkeypatch):
    from vigil.rights.printing import pdf

    def too_long(*args, **kwargs):
        raise pdf.DoesNotFit("es: the text does not fit")

    monkeypatch.setattr(pdf, "render_card", too_long)
    monkeypatch.setattr(pdf, "render_sheet", too_long)
    folder = cards.render_files(cards.card_content("es"))
    assert sorted(p.name for p in folder.glob("*.pdf")) == ["flyer-a4.pdf", "flyer-letter.pdf"]
    page = client.get("/rights/card/?lang=es").content.decode()
    assert "flyer-letter.pdf" in page and "card.pdf" not in page
    assert "imprima el volante" in page


@needs_fonts
@pytest.mark.django_db
def test_every_shipped_card_fits_the_wallet_size_at_its_scripts_smallest_size(loaded):
    # The Urdu card in Nastaliq did not fit 85 × 55 mm at 9 pt and was offered as a flyer only.
    from django.conf import settings

    from vigil.rights.printing import pdf

    for code, _name in settings.LANGUAGES:
        card = cards.card_content(code)
        assert card is not None and card.language == code, code
        pdf.render_card(card)  # raises DoesNotFit when it does not fit
