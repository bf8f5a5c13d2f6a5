"""The library's texts as revisions, and the reviews that let them be public.

A revision is one version of one text (an article or a card) in one language: loaded from the repository's
files or written in the console. Texts are never edited in place: a change is a new revision, so a review
always names the exact words it approved (its `text_hash`), and the English source they were translated
from (`source_hash`).
"""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SOURCE_LANGUAGE = "en"


def text_hash(title: str, body: str) -> str:
    return hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()


class Revision(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        CARD = "card", _("Card")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        TRANSLATED = "translated", _("Translated")
        REVIEWED = "reviewed", _("Reviewed")

    class Origin(models.TextChoices):
        FILE = "file", _("File")
        CONSOLE = "console", _("Console")

    class TranslatedBy(models.TextChoices):
        SOURCE = "", _("Source text")
        HUMAN = "human", _("A person")
        MACHINE = "machine", _("A machine")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    slug = models.SlugField(max_length=80)
    language = models.CharField(max_length=16)
    jurisdiction = models.CharField(max_length=16, default="us")
    number = models.PositiveIntegerField(help_text="the text's version")
    title = models.CharField(max_length=200)
    body = models.TextField()
    cites = models.JSONField(default=list, blank=True)
    terms = models.JSONField(default=list, blank=True)
    about_vigil = models.BooleanField(default=False)
    translated_by = models.CharField(max_length=16, choices=TranslatedBy.choices, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    origin = models.CharField(max_length=16, choices=Origin.choices)
    # For a translation: the hash of the English revision it was made from.
    source_hash = models.CharField(max_length=64, blank=True)
    text_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind", "slug", "language", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug", "language", "number"], name="rights_revision_unique")
        ]

    def __str__(self):
        return f"{self.kind} {self.slug} ({self.language}) v{self.number}"

    @property
    def is_source(self) -> bool:
        return self.language == SOURCE_LANGUAGE


class Review(models.Model):
    class Kind(models.TextChoices):
        LEGAL = "legal", _("Legal")
        LANGUAGE = "language", _("Language")
        COMMUNITY = "community", _("Community")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    reviewed_at = models.DateTimeField(default=timezone.now)
    # The exact words reviewed: the translation's hash, and the English source's (the same for English).
    text_hash = models.CharField(max_length=64)
    source_hash = models.CharField(max_length=64)
    # {fact id: hash of its statement, source and status} when reviewed: a changed fact calls for a new review.
    fact_hashes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-reviewed_at"]
