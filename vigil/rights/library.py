"""Which text a reader sees, and what a review still allows.

The rules (docs/rights.md "Review"): the English source is public once it has a legal review of its exact
words; a translation once it has a language review of its exact words made from the English that is public
now, and was not left as machine output. A review goes stale when its text changed (a new revision), when a
fact it cites changed its statement, source or status, or when it is older than RIGHTS_REVIEW_MAX_AGE_DAYS.
In production an unreviewed text is not shown; in demo mode (VIGIL_DEMO) drafts are, under a banner.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from vigil.rights.facts import fact_book
from vigil.rights.models import SOURCE_LANGUAGE, Review, Revision


def fact_hash(fact_id: str) -> str:
    fact = fact_book().cite(fact_id)
    return hashlib.sha256(f"{fact.statement}\n{fact.source}\n{fact.status}".encode()).hexdigest()


def fact_hashes(fact_ids) -> dict[str, str]:
    return {fact_id: fact_hash(fact_id) for fact_id in fact_ids}


def review_max_age() -> timedelta:
    return timedelta(days=getattr(settings, "RIGHTS_REVIEW_MAX_AGE_DAYS", 180))


def latest(kind: str, slug: str, language: str) -> Revision | None:
    return Revision.objects.filter(kind=kind, slug=slug, language=language).order_by("-number").first()


def changed_facts(review: Review) -> list[str]:
    current = fact_hashes(review.revision.cites)
    return sorted(fact_id for fact_id in current if review.fact_hashes.get(fact_id) != current[fact_id])


def valid_review(revision: Revision, *, kind: str) -> Review | None:
    """The newest review of this kind that still holds for these exact words and facts."""
    for review in revision.reviews.filter(kind=kind).select_related("organization"):
        if review.text_hash == revision.text_hash and not changed_facts(review):
            return review
    return None


def public_review(revision: Revision | None) -> Review | None:
    """The review that makes this revision public, or None."""
    if revision is None or revision.translated_by == Revision.TranslatedBy.MACHINE:
        return None
    if revision.is_source:
        return valid_review(revision, kind=Review.Kind.LEGAL)
    source = latest(revision.kind, revision.slug, SOURCE_LANGUAGE)
    if public_review(source) is None or revision.source_hash != source.text_hash:
        return None
    return valid_review(revision, kind=Review.Kind.LANGUAGE)


@dataclass
class Shown:
    """What a page shows: `revision` (None: not yet available), the review that made it public (None in
    demo mode for a draft), and whether it is in another language than the reader's."""

    revision: Revision | None
    review: Review | None
    draft: bool
    fallback: bool


def shown(kind: str, slug: str, language: str) -> Shown:
    wanted = latest(kind, slug, language)
    source = latest(kind, slug, SOURCE_LANGUAGE)
    for revision, fallback in ((wanted, False), (source, language != SOURCE_LANGUAGE)):
        review = public_review(revision)
        if review is not None:
            return Shown(revision, review, draft=False, fallback=fallback)
    if settings.DEMO:
        revision = wanted or source
        return Shown(revision, None, draft=True, fallback=revision is not None and revision.language != language)
    return Shown(None, None, draft=False, fallback=False)


def slugs(kind: str) -> list[str]:
    return list(Revision.objects.filter(kind=kind, language=SOURCE_LANGUAGE).values_list("slug", flat=True).distinct())


@dataclass
class Awaiting:
    revision: Revision
    reason: str  # "unreviewed", "old", "facts", "source"
    facts: list[str]


def awaiting_review(now=None) -> list[Awaiting]:
    """Every latest revision not public, and every reviewed one whose review is old or whose facts changed."""
    now = now or timezone.now()
    found = []
    latest_ids = {}
    for revision in Revision.objects.order_by("kind", "slug", "language", "-number"):
        latest_ids.setdefault((revision.kind, revision.slug, revision.language), revision)
    for revision in latest_ids.values():
        reviews = list(revision.reviews.all())
        current = [r for r in reviews if r.text_hash == revision.text_hash]
        stale_facts = sorted({f for r in current for f in changed_facts(r)})
        if stale_facts:
            found.append(Awaiting(revision, "facts", stale_facts))
        elif current and min(now - r.reviewed_at for r in current) > review_max_age():
            found.append(Awaiting(revision, "old", []))
        elif public_review(revision) is None:
            source = latest(revision.kind, revision.slug, SOURCE_LANGUAGE)
            moved = not revision.is_source and current and source and revision.source_hash != source.text_hash
            found.append(Awaiting(revision, "source" if moved else "unreviewed", []))
    return found
