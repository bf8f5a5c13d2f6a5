"""Parsing what staff type in: every refusal a clear message in the reader's language."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigil.cases.anumber import ANumberError, normalize_a_number
from vigil.cases.models import Case, CaseEvent, CaseTask, DetentionStatus, IncomeBand, Referral, ServiceKind
from vigil.cases.urgency import UrgentNeed


def _borough_choices():
    from vigil.incidents.labels import borough_choices

    return [("", "—"), *borough_choices()]


def _language_choices():
    from vigil.lib.language_names import language_choices

    return [("", "—"), *language_choices()]


class DetainedPersonChecks:
    """What a caseworker's and a family's intake forms check alike about the person taken: an A-number in one
    of the ways people write it (never a receipt or account number), no date of birth or time taken in the
    future."""

    def clean_a_number(self):
        raw = self.cleaned_data.get("a_number", "").strip()
        if not raw:
            return ""
        try:
            return normalize_a_number(raw)
        except ANumberError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None

    def clean_person_birth_date(self):
        value = self.cleaned_data.get("person_birth_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."), code="future")
        return value

    def clean_taken_at(self):
        value = self.cleaned_data.get("taken_at")
        if value and value > timezone.now():
            raise forms.ValidationError(_("The time the person was taken cannot be in the future."), code="future")
        return value


class CaseIntakeForm(DetainedPersonChecks, forms.Form):
    """A caseworker taking a family's call."""

    person_name = forms.CharField(label=_("Name of the detained person"), max_length=300)
    person_aliases = forms.CharField(
        label=_("Other names (one per line)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    person_birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    person_birth_country = forms.CharField(label=_("Country of birth"), required=False, max_length=100)
    a_number = forms.CharField(label=_("A-number, if known"), required=False, max_length=40)
    language = forms.ChoiceField(label=_("Preferred language"), required=False, choices=())
    borough = forms.ChoiceField(label=_("Family's borough"), required=False, choices=())
    urgent_needs = forms.MultipleChoiceField(
        label=_("Urgent needs"), required=False, choices=UrgentNeed.choices, widget=forms.CheckboxSelectMultiple
    )
    services_needed = forms.MultipleChoiceField(
        label=_("Services needed"), required=False, choices=ServiceKind.choices, widget=forms.CheckboxSelectMultiple
    )
    detention_status = forms.ChoiceField(
        label=_("Detention status"), choices=DetentionStatus.choices, initial=DetentionStatus.DETAINED
    )
    income_band = forms.ChoiceField(label=_("Household income"), choices=IncomeBand.choices, initial=IncomeBand.UNKNOWN)
    taken_at = forms.DateTimeField(
        label=_("When taken"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    taken_place = forms.CharField(label=_("Where taken"), required=False, max_length=500)
    related_parties = forms.CharField(
        label=_("Related parties, for the provider's conflict check (one per line)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    incident_workplace = forms.CharField(label=_("Workplace, if taken at work"), required=False, max_length=300)
    # Made when the form is shown: the same form sent twice opens one case.
    intake_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = _language_choices()
        self.fields["borough"].choices = _borough_choices()
        if not self.is_bound:
            self.initial.setdefault("intake_key", uuid.uuid4())


class TaskForm(forms.Form):
    kind = forms.ChoiceField(label=_("What"), choices=CaseTask.Kind.choices)
    due_at = forms.DateTimeField(label=_("Deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    detail = forms.CharField(label=_("Detail"), required=False, max_length=1000)

    def clean_due_at(self):
        value = self.cleaned_data["due_at"]
        if value <= timezone.now():
            raise forms.ValidationError(_("The deadline must be in the future."), code="past")
        return value


class EventForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What happened"), choices=[(k, v) for k, v in CaseEvent.Kind.choices if k in CaseEvent.RECORDED_KINDS]
    )
    occurred_at = forms.DateTimeField(
        label=_("When"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    detail = forms.CharField(label=_("Detail"), required=False, max_length=1000)


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why the case is closed"), choices=Case.ClosingReason.choices)


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why you decline"), choices=Referral.DeclineReason.choices)
