"""Documents of a case (docs/cases.md, "Documents"): a hearing notice, an identity paper, a detention paper,
kept as a sealed file beside a row. Imported by models.py, so the model belongs to the cases app.

The row holds what the case page lists (a kind, the media type sniffed from the bytes, the size, when and by
whom) and the file's name as uploaded, sealed. The file itself is sealed on disk under
MEDIA_ROOT/case-documents/ (vigil/cases/document_files.py), bound to the row's id; no hash of its plaintext
is stored (see document_files). Who reads a document is decided by `organization`, the uploader's, with the
rule of notes (vigil/cases/documents_access.py).
"""

import uuid

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.cases import document_files
from vigil.privacy.fields import EncryptedTextField


class DocumentKind(models.TextChoices):
    IDENTITY = "identity", _("Identity document (passport, consular or school ID, birth certificate)")
    COURT_NOTICE = "court_notice", _("Court or hearing notice")
    IMMIGRATION_PAPER = "immigration_paper", _("Immigration paper (notice to appear, ICE or USCIS form)")
    DETENTION = "detention", _("Detention or custody paper")
    MEDICAL = "medical", _("Medical record or prescription")
    OTHER = "other", _("Other")


class CaseDocument(models.Model):
    """A sealed file of a case. Visible to its uploader's organization; the case organization's documents
    are also visible to the provider that accepted the case, and a provider's documents to that provider
    only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="documents")
    # The uploader's organization: the coalition's, or the provider's that was sent or accepted the case.
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=24, choices=DocumentKind.choices)
    # The name as uploaded (a name can say whose paper it is), cleaned of any folder, sealed.
    original_name = EncryptedTextField()
    # Sniffed from the bytes, never taken from the browser or the name.
    media_type = models.CharField(max_length=64)
    # Of the stored plaintext (an image after its metadata was removed).
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["case", "created_at"], name="casedocument_case_created")]

    def __str__(self):
        return f"case document {str(self.pk)[:8]}"


@receiver(post_delete, sender=CaseDocument)
def remove_sealed_file(sender, instance, **kwargs):
    """A row goes by itself (deleted by its organization) or with its case (the retention purge, a
    cascade): its file goes once the deletion is committed, never before (a rolled-back deletion keeps
    both)."""
    document_id = instance.pk
    transaction.on_commit(lambda: document_files.remove(document_id))
