"""The library: citations, safe rendering, review rules, what production and demo show, files in and out."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from conftest import make_staff
from vigil.accounts.models import Role
from vigil.rights import actions, content, library
from vigil.rights.facts import UnknownFact
from vigil.rights.models import Review, Revision

# English words that state law: a paragraph or list item using one must cite a fact (where checkable).
LAW_WORDS = re.compile(r"\b(right|rights|law|must|warrant|allowed|illegal|crime|need|needs|protects?|order)\b", re.I)


@pytest.fixture
def loaded(db):
    call_command("load_rights", verbosity=0)


@pytest.fixture
def reviewer(org):
    return make_staff("lawyer", Role.RIGHTS_REVIEWER, org)


@pytest.fixture
def second_reviewer(other_org):
    return make_staff("translator-reviewer", Role.RIGHTS_REVIEWER, other_org)


def _text(body, cites=(), **extra):
    return content.TextFile(
        kind="article",
        slug="sample",
        language="en",
        jurisdiction="us",
        title="Sample",
        body=body,
        version=1,
        cites=list(cites),
        **extra,
    )


# --- Citations -------------------------------------------------------------------------------


def test_it_refuses_an_unknown_fact_id():
    with pytest.raises(UnknownFact):
        content.check(_text("You may stay silent. [[fact:no-such-fact]]", cites=["no-such-fact"]))


def test_it_refuses_an_inline_citation_missing_from_the_front_matter():
    with pytest.raises(content.ContentError):
        content.check(_text("You may stay silent. [[fact:silence]]"))


def test_every_shipped_text_cites_only_known_facts_and_states_no_law_without_a_citation():
    texts = content.text_files()
    assert {t.slug for t in texts if t.kind == "article"} >= {
        "at-the-door",
        "street-and-car",
        "at-work",
        "at-court",
        "city-facilities",
        "if-detained",
        "what-vigil-keeps",
    }
    for text in texts:
        content.check(text)
        if text.language != "en" or text.about_vigil:
            continue
        for block in re.split(r"\n\s*\n|\n(?=- )", text.body):
            if LAW_WORDS.search(block) and "[[fact:" not in block and not block.startswith("#"):
                pytest.fail(f"{text.path}: a statement of law without a citation: {block!r}")


def test_the_law_check_catches_an_uncited_statement():
    block = "Agents need a judicial warrant to enter."
    assert LAW_WORDS.search(block) and "[[fact:" not in block


def test_every_shipped_text_is_a_draft_with_no_review_record():
    for path in content.rights_root().glob("*/rights/*/*/*.md"):
        head = path.read_text(encoding="utf-8").split("+++")[1]
        for word in ("review", "state", "reviewed_by", "published"):
            assert not re.search(rf"^\s*{word}\s*=", head, re.M), path
    with pytest.raises(content.ContentError):
        content.parse(
            "+++\ntitle = 'x'\nreviewed_by = 'a lawyer'\n+++\nText\n",
            kind="article",
            slug="x",
            language="en",
            jurisdiction="us",
        )


def test_every_translation_is_marked_as_translated():
    for text in content.text_files():
        if text.language != "en":
            assert text.translated_by in ("human", "machine"), text.path


# --- Glossary ----------------------------------------------------------------------------------


def test_the_glossary_has_every_term_in_every_language():
    from django.conf import settings

    for term in ("judicial-warrant", "administrative-warrant", "detainer", "a-number", "removal", "immigration-court"):
        assert set(content.glossary()[term]["words"]) == {code for code, _ in settings.LANGUAGES}


def test_articles_use_the_glossarys_terms():
    terms = content.glossary()
    for text in content.text_files():
        lowered = text.body.lower()
        for term in text.terms:
            assert terms[term]["words"][text.language].lower() in lowered, (text.path, term)
        if text.language == "en":
            for entry in terms.values():
                for avoided in entry["avoid"]:
                    assert avoided.lower() not in lowered, (text.path, avoided)


# --- Rendering safety ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_script_tag_in_markdown_never_reaches_the_page():
    rendered = content.render('Hello <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror="y">')
    assert "<script" not in rendered.html
    assert 'href="javascript' not in rendered.html
    assert "<img" not in rendered.html and "&lt;script&gt;" in rendered.html


@pytest.mark.django_db
def test_a_citation_becomes_a_footnote_that_flags_unverified_and_contested_facts(client, loaded, settings):
    settings.DEMO = True
    page = client.get("/rights/at-the-door/").content.decode()
    assert 'href="#fact-1"' in page
    assert "Payton v. New York" in page and "(contested)" in page
    assert "[[fact:" not in page


# --- Reviews -----------------------------------------------------------------------------------


def _en(slug="at-the-door", kind="article"):
    return library.latest(kind, slug, "en")


@pytest.mark.django_db
def test_only_a_rights_reviewer_may_review(loaded, owner, colleague, outsider, reviewer):
    for user in (owner, colleague, outsider):
        with pytest.raises(PermissionDenied):
            actions.record_review(_en(), kind="legal", actor=user)
    review = actions.record_review(_en(), kind="legal", actor=reviewer)
    assert review.organization == reviewer.organization
    assert review.text_hash == _en().text_hash and review.fact_hashes["home-entry"]


@pytest.mark.django_db
def test_it_refuses_a_review_by_the_texts_author(loaded, reviewer):
    draft = actions.edit_text(_en(), title="At the door", body=_en().body, actor=reviewer)
    with pytest.raises(PermissionDenied):
        actions.record_review(draft, kind="legal", actor=reviewer)


@pytest.mark.django_db
def test_a_machine_translation_can_be_reviewed_but_is_never_published(loaded, reviewer, second_reviewer):
    actions.record_review(_en(), kind="legal", actor=reviewer)
    spanish = library.latest("article", "at-the-door", "es")
    assert spanish.translated_by == "machine"
    actions.record_review(spanish, kind="language", actor=second_reviewer)
    assert library.public_review(spanish) is None
    human = actions.edit_text(spanish, title=spanish.title, body=spanish.body, actor=reviewer)
    actions.record_review(human, kind="language", actor=second_reviewer)
    assert library.public_review(human) is not None


@pytest.mark.django_db
def test_a_changed_english_marks_its_reviewed_translations_as_needing_review(loaded, reviewer, second_reviewer):
    actions.record_review(_en(), kind="legal", actor=reviewer)
    spanish = library.latest("article", "at-the-door", "es")
    human = actions.edit_text(spanish, title=spanish.title, body=spanish.body, actor=reviewer)
    actions.record_review(human, kind="language", actor=second_reviewer)
    actions.edit_text(_en(), title="At the door", body=_en().body + "\nStay calm.\n", actor=second_reviewer)
    human.refresh_from_db()
    assert human.state == Revision.State.TRANSLATED
    assert library.public_review(human) is None


@pytest.mark.django_db
def test_the_console_lists_old_reviews_and_reviews_whose_facts_changed(loaded, reviewer, settings, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    review = actions.record_review(_en(), kind="legal", actor=reviewer)
    assert all(a.revision != _en() for a in library.awaiting_review())
    Review.objects.filter(pk=review.pk).update(reviewed_at=timezone.now() - timedelta(days=181))
    assert any(a.revision == _en() and a.reason == "old" for a in library.awaiting_review())
    Review.objects.filter(pk=review.pk).update(reviewed_at=timezone.now())
    monkeypatch.setattr(library, "fact_hash", lambda fact_id: "changed" if fact_id == "silence" else "same")
    listed = [a for a in library.awaiting_review() if a.revision == _en()]
    assert listed and listed[0].reason == "facts" and "silence" in listed[0].facts


# --- Production and demo -------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unreviewed_text_is_not_public_with_demo_mode_off(client, loaded, settings):
    settings.DEMO = False
    settings.HOTLINE_NUMBER = "+1 212-555-0100"
    page = client.get("/rights/at-the-door/").content.decode()
    assert "You do not have to open the door" not in page
    assert "not yet available" in page and "212-555-0100" in page


@pytest.mark.django_db
def test_demo_mode_shows_drafts_under_a_banner(client, loaded, settings):
    settings.DEMO = True
    page = client.get("/rights/at-the-door/").content.decode()
    assert "Draft, not reviewed by a lawyer" in page and "You do not have to open the door" in page


@pytest.mark.django_db
def test_production_shows_the_reviewed_english_with_a_note_and_the_review_line(client, loaded, settings, reviewer):
    settings.DEMO = False
    actions.record_review(_en(), kind="legal", actor=reviewer)
    page = client.get("/rights/at-the-door/?lang=es").content.decode()
    assert "You do not have to open the door" in page
    assert 'lang="en"' in page and "First-Hotline" in page.replace("First Hotline", "First-Hotline")
    assert "Draft, not reviewed" not in page


@pytest.mark.django_db
def test_the_retention_page_follows_the_running_settings(client, loaded, settings):
    settings.DEMO = True
    settings.RETENTION = {**settings.RETENTION, "report": 90}
    assert "kept for 90 days" in client.get("/rights/what-vigil-keeps/").content.decode()
    settings.RETENTION = {**settings.RETENTION, "report": 17}
    assert "kept for 17 days" in client.get("/rights/what-vigil-keeps/").content.decode()


def test_the_hotline_in_a_text_is_a_link_to_dial_isolated_left_to_right(settings):
    settings.HOTLINE_NUMBER = "+1 212-555-0100"
    html = content.render("ہاٹ لائن پر فون کریں: [[hotline]]۔").html
    assert '<a href="tel:+12125550100" rel="noreferrer"><bdi dir="ltr">+1 212-555-0100</bdi></a>' in html
    settings.HOTLINE_NUMBER = ""
    assert "<a" not in content.render("[[hotline]]").html


@pytest.mark.django_db
def test_the_review_console_is_for_reviewers_and_admins_only(client, loaded, reviewer, colleague, outsider):
    for user, status in ((reviewer, 200), (outsider, 200), (colleague, 403)):
        client.force_login(user)
        assert client.get("/staff/rights/").status_code == status
        assert client.get(f"/staff/rights/{_en().pk}/").status_code == status


# --- Files in and out --------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_refuses_to_overwrite_a_newer_console_revision_without_replace(loaded, reviewer):
    from django.core.management.base import CommandError

    actions.edit_text(_en(), title="At the door", body=_en().body + "\nEdited.\n", actor=reviewer)
    # The file is unchanged, so it is older: a load touches nothing unless the file itself changed.
    text = next(t for t in content.text_files() if t.slug == "at-the-door" and t.language == "en")
    with pytest.raises(actions.NewerInConsole):
        actions.load_file(text)
    assert actions.load_file(text, replace=True) is not None
    actions.edit_text(_en(), title="At the door", body=_en().body + "\nAgain.\n", actor=reviewer)
    with pytest.raises(CommandError):
        call_command("load_rights", verbosity=0)


@pytest.mark.django_db
def test_export_writes_files_that_load_back_to_the_same_texts(loaded, tmp_path, reviewer, settings):
    actions.edit_text(_en(), title="At the door", body=_en().body + "\nEdited in the console.\n", actor=reviewer)
    call_command("export_rights", to=str(tmp_path), verbosity=0)
    exported = tmp_path / "us" / "rights" / "articles" / "at-the-door" / "en.md"
    text = content.parse(exported.read_text(), kind="article", slug="at-the-door", language="en", jurisdiction="us")
    assert "Edited in the console." in text.body and text.version == _en().number
    assert actions.load_file(text) is None  # the same words: nothing new
