"""Every change to the library's texts and reviews: each in a transaction with its audit event."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from vigil.accounts import audit
from vigil.accounts.models import Role
from vigil.rights import content, library
from vigil.rights.models import SOURCE_LANGUAGE, Review, Revision, text_hash
from vigil.work.actions import enqueue


def _queue_card_render(revision: Revision) -> None:
    """A card's new words or review change what it prints: its PDFs are rendered again in the background,
    never by a request (one pending render covers any number of changes)."""
    if revision.kind == Revision.Kind.CARD:
        enqueue("vigil.rights.jobs.render_cards", dedupe_key="rights.render_cards")


class NewerInConsole(Exception):
    """A file would replace a console revision that is newer than it."""

    def __init__(self, revision):
        self.revision = revision
        super().__init__(f"{revision} was edited in the console after the file's version")


def _source_hash(kind, slug, language) -> str:
    if language == SOURCE_LANGUAGE:
        return ""
    source = library.latest(kind, slug, SOURCE_LANGUAGE)
    return source.text_hash if source else ""


def _state(language: str, translated_by: str) -> str:
    return Revision.State.DRAFT if language == SOURCE_LANGUAGE or not translated_by else Revision.State.TRANSLATED


def _mark_translations(source: Revision) -> int:
    """A new English revision: every translation reviewed against an older English is a draft again."""
    moved = 0
    for language in (
        Revision.objects.filter(kind=source.kind, slug=source.slug)
        .exclude(language=SOURCE_LANGUAGE)
        .values_list("language", flat=True)
        .distinct()
    ):
        translation = library.latest(source.kind, source.slug, language)
        if translation.state == Revision.State.REVIEWED and translation.source_hash != source.text_hash:
            translation.state = Revision.State.TRANSLATED
            translation.save(update_fields=["state"])
            moved += 1
    return moved


def load_file(text: content.TextFile, *, replace: bool = False) -> Revision | None:
    """Load one file as a revision; None when the newest revision already has these words.

    Steps: check the text's citations; refuse to go past a console revision newer than the file's version
    unless `replace`; write the revision; mark translations of a changed English as needing review; audit.
    """
    content.check(text)
    digest = text_hash(text.title, text.body)
    with transaction.atomic():
        current = library.latest(text.kind, text.slug, text.language)
        if current is not None and current.text_hash == digest:
            return None
        if (
            current is not None
            and current.origin == Revision.Origin.CONSOLE
            and current.number >= text.version
            and not replace
        ):
            raise NewerInConsole(current)
        number = max(text.version, (current.number + 1) if current else 1)
        revision = Revision.objects.create(
            kind=text.kind,
            slug=text.slug,
            language=text.language,
            jurisdiction=text.jurisdiction,
            number=number,
            title=text.title,
            body=text.body,
            cites=text.cites,
            terms=text.terms,
            about_vigil=text.about_vigil,
            translated_by=text.translated_by,
            state=_state(text.language, text.translated_by),
            origin=Revision.Origin.FILE,
            source_hash=_source_hash(text.kind, text.slug, text.language),
            text_hash=digest,
        )
        moved = _mark_translations(revision) if revision.is_source else 0
        audit.record("rights.revision_loaded", obj=revision, language=text.language, count=moved)
        _queue_card_render(revision)
    return revision


def edit_text(revision: Revision, *, title: str, body: str, actor) -> Revision:
    """A console edit: a new draft revision written by the actor (a person: never machine output)."""
    if actor.role not in (Role.RIGHTS_REVIEWER, Role.ADMIN):
        raise PermissionDenied
    text = content.TextFile(
        kind=revision.kind,
        slug=revision.slug,
        language=revision.language,
        jurisdiction=revision.jurisdiction,
        title=title.strip(),
        body=body.strip() + "\n",
        version=revision.number + 1,
        cites=content.cited_ids(body) if not revision.about_vigil else [],
        terms=revision.terms,
        about_vigil=revision.about_vigil,
        translated_by="" if revision.is_source else Revision.TranslatedBy.HUMAN,
    )
    try:
        content.check(text)
    except (content.ContentError, LookupError) as error:
        raise ValidationError(str(error)) from error
    with transaction.atomic():
        new = Revision.objects.create(
            kind=text.kind,
            slug=text.slug,
            language=text.language,
            jurisdiction=text.jurisdiction,
            number=library.latest(text.kind, text.slug, text.language).number + 1,
            title=text.title,
            body=text.body,
            cites=text.cites,
            terms=text.terms,
            about_vigil=text.about_vigil,
            translated_by=text.translated_by,
            state=_state(text.language, text.translated_by),
            origin=Revision.Origin.CONSOLE,
            source_hash=_source_hash(text.kind, text.slug, text.language),
            text_hash=text_hash(text.title, text.body),
            created_by=actor,
        )
        moved = _mark_translations(new) if new.is_source else 0
        audit.record("rights.revision_edited", actor=actor, obj=new, language=new.language, count=moved)
        _queue_card_render(new)
    return new


def record_review(revision: Revision, *, kind: str, actor, now=None) -> Review:
    """Record that `actor` reviewed these exact words.

    Steps: only a rights reviewer with an organization; never the revision's author; the English gets a
    legal review, a translation a language or community review; store the hashes of the words, of the
    English source and of every cited fact; a legal or language review marks the revision reviewed.
    """
    if actor.role != Role.RIGHTS_REVIEWER or actor.organization_id is None:
        raise PermissionDenied
    if revision.created_by_id == actor.pk:
        raise PermissionDenied("a text is never reviewed by its author or translator")
    if kind not in Review.Kind.values:
        raise ValidationError("unknown review kind")
    if revision.is_source and kind == Review.Kind.LANGUAGE:
        raise ValidationError("the English source has a legal review, not a language review")
    if not revision.is_source and kind == Review.Kind.LEGAL:
        raise ValidationError("a translation has a language review; its English source has the legal one")
    with transaction.atomic():
        review = Review.objects.create(
            revision=revision,
            reviewer=actor,
            organization=actor.organization,
            kind=kind,
            reviewed_at=now or timezone.now(),
            text_hash=revision.text_hash,
            source_hash=revision.text_hash if revision.is_source else revision.source_hash,
            fact_hashes=library.fact_hashes(revision.cites),
        )
        if kind in (Review.Kind.LEGAL, Review.Kind.LANGUAGE):
            revision.state = Revision.State.REVIEWED
            revision.save(update_fields=["state"])
        audit.record("rights.reviewed", actor=actor, obj=review, kind=kind, language=revision.language)
        _queue_card_render(revision)
    return review
