"""Locating the detained person (docs/cases.md, "Locating the person"): the facilities directory, the
location history of a case and its hearings. Imported by models.py, so the models belong to the cases app.

A facility is directory data (jurisdictions/<city>/facilities.toml): public, not sealed. What is said about
the person is: a place typed as free text when the facility is not in the directory. A hearing's time is
stored in UTC with the time zone it was given in (its court's), and shown in that zone.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.privacy.fields import EncryptedTextField


class FacilityKind(models.TextChoices):
    DETENTION_CENTER = "detention_center", _("Detention center")
    JAIL = "jail", _("County or local jail")
    FIELD_OFFICE = "field_office", _("Field office or holding room")
    HOSPITAL = "hospital", _("Hospital")
    OTHER = "other", _("Other")


class LocationSource(models.TextChoices):
    DETAINEE_LOCATOR = "detainee_locator", _("Online detainee locator")
    FACILITY = "facility", _("The facility")
    LAWYER = "lawyer", _("A lawyer")
    FAMILY = "family", _("The family")


class HearingKind(models.TextChoices):
    MASTER = "master", _("Master calendar hearing")
    BOND = "bond", _("Bond hearing")
    INDIVIDUAL = "individual", _("Individual hearing")
    CREDIBLE_FEAR_REVIEW = "credible_fear_review", _("Credible-fear review")


class HearingSource(models.TextChoices):
    COURT_INFORMATION = "court_information", _("The court's case information")
    NOTICE = "notice", _("A hearing notice")
    LAWYER = "lawyer", _("A lawyer")
    FAMILY = "family", _("The family")
    FACILITY = "facility", _("The facility")


class Facility(models.Model):
    """A place where people are held, with the immigration court that hears their cases and its time zone:
    directory data, loaded from jurisdictions/<city>/facilities.toml."""

    code = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=24, choices=FacilityKind.choices, default=FacilityKind.DETENTION_CENTER)
    address = models.CharField(max_length=300, blank=True)
    time_zone = models.CharField(max_length=64)
    court = models.ForeignKey("cases.Court", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    source = models.CharField(max_length=300, blank=True)
    is_fictional = models.BooleanField(default=False)
    # Directory bookkeeping, as for providers: a reload updates only rows not edited here since their load.
    directory_fingerprint = models.CharField(max_length=64, blank=True)
    loaded_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "facilities"

    def __str__(self):
        return self.name


class LocationRecord(models.Model):
    """One check of where the person is: a facility of the directory or, sealed, a place typed in; who
    checked, when and from what source; confirmed or not (a locator that lists nobody is a check too)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="locations")
    # The organization of whoever recorded it (the coalition's, or the provider's that accepted the case).
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    place = EncryptedTextField()
    source = models.CharField(max_length=24, choices=LocationSource.choices)
    confirmed = models.BooleanField(default=False)
    checked_at = models.DateTimeField()
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-checked_at", "-created_at"]
        indexes = [models.Index(fields=["case", "confirmed", "checked_at"], name="location_case_confirmed")]


class Hearing(models.Model):
    """A hearing of the person's case: its kind, when (UTC, shown in `time_zone`, its court's), the court."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="hearings")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=24, choices=HearingKind.choices)
    starts_at = models.DateTimeField()
    # The zone the time was given in: the court's, or the deployment's when the court is not known.
    time_zone = models.CharField(max_length=64)
    court = models.ForeignKey("cases.Court", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    source = models.CharField(max_length=24, choices=HearingSource.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["case", "starts_at"], name="hearing_case_starts")]
