"""The public family form: what a relative types, checked field by field, every message in their language.

Numbers (dates, the A-number, a phone number) may come in any script's digits (an Arabic or Bengali
keyboard): they are read as ASCII digits before anything is checked. Free text keeps what was typed.
"""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from vigil.cases.family import Consent, ContactChannel, Relationship
from vigil.cases.forms import DetainedPersonChecks
from vigil.cases.urgency import UrgentNeed
from vigil.lib.digits import ascii_digits

# Fields holding numbers, read with ASCII digits whatever keyboard typed them.
NUMBER_FIELDS = ("person_birth_date", "a_number", "taken_at", "address")
# The fields in the order the page shows them: the error summary links to them in this order.
FIELD_ORDER = (
    "person_name",
    "person_aliases",
    "person_birth_date",
    "person_birth_country",
    "a_number",
    "language",
    "taken_at",
    "taken_place",
    "borough",
    "urgent_needs",
    "relationship",
    "contact_language",
    "channel",
    "address",
    "consents",
)


def _language_choices():
    from vigil.lib.language_names import language_choices

    return [("", _("Choose (optional)")), *language_choices()]


def _borough_choices():
    from vigil.incidents.labels import borough_choices

    return [("", _("Choose (optional)")), *borough_choices()]


class FamilyIntakeForm(DetainedPersonChecks, forms.Form):
    person_name = forms.CharField(label=_("Name of the person who was taken"), max_length=300)
    person_aliases = forms.CharField(
        label=_("Other names they use (optional)"), required=False, max_length=2000, widget=forms.Textarea
    )
    person_birth_date = forms.DateField(label=_("Date of birth (optional)"), required=False)
    person_birth_country = forms.CharField(label=_("Country of birth (optional)"), required=False, max_length=100)
    a_number = forms.CharField(label=_("A-number, if you know it (optional)"), required=False, max_length=40)
    language = forms.ChoiceField(label=_("The language they speak best"), required=False, choices=())
    taken_at = forms.DateTimeField(label=_("When were they taken? (optional)"), required=False)
    taken_place = forms.CharField(label=_("Where were they taken? (optional)"), required=False, max_length=500)
    borough = forms.ChoiceField(label=_("Your borough"), required=False, choices=())
    urgent_needs = forms.MultipleChoiceField(
        label=_("Is any of this true?"), required=False, choices=UrgentNeed.choices
    )
    relationship = forms.ChoiceField(label=_("How are you related to them?"), choices=Relationship.choices)
    contact_language = forms.ChoiceField(label=_("Your language"), choices=())
    channel = forms.ChoiceField(label=_("How should we reach you?"), choices=ContactChannel.choices)
    address = forms.CharField(label=_("Your phone number or e-mail"), required=False, max_length=200)
    consents = forms.MultipleChoiceField(label=_("What you agree to"), required=False, choices=Consent.Scope.choices)
    intake_key = forms.UUIDField(required=False)

    def __init__(self, data=None, *, language: str = "en"):
        if data is not None:
            data = data.copy()
            for name in NUMBER_FIELDS:
                if name in data:
                    data[name] = ascii_digits(data[name])
        super().__init__(data)
        self.fields["language"].choices = _language_choices()
        self.fields["contact_language"].choices = _language_choices()[1:]
        self.fields["borough"].choices = _borough_choices()
        if not self.is_bound:
            self.initial.update({"intake_key": uuid.uuid4(), "contact_language": language, "channel": "sms"})

    def clean(self):
        return clean_contact(self, super().clean())

    def errors_in_order(self) -> list[tuple[str, str, str]]:
        """(field, label, message) for the error summary, in the page's order."""
        rows = []
        for name in FIELD_ORDER:
            for message in self.errors.get(name, ()):
                rows.append((name, str(self.fields[name].label), message))
        return rows

    def person(self) -> dict:
        data = self.cleaned_data
        return {
            "person_name": data["person_name"],
            "person_aliases": data["person_aliases"],
            "person_birth_date": data["person_birth_date"],
            "person_birth_country": data["person_birth_country"],
            "a_number": data["a_number"],
            "language": data["language"],
            "taken_at": data["taken_at"],
            "taken_place": data["taken_place"],
            "borough": data["borough"],
            "urgent_needs": data["urgent_needs"],
        }

    def contact(self) -> dict:
        data = self.cleaned_data
        return {
            "relationship": data["relationship"],
            "language": data["contact_language"],
            "channel": data["channel"],
            "address": data["address"],
        }


def clean_contact(form, data: dict) -> dict:
    """A channel that sends messages needs an address it can reach (normalized as messaging stores it);
    updates by message need a channel; a phone call needs a number."""
    from vigil.lib.normalize import InvalidAddress, normalize_email, normalize_phone

    channel = data.get("channel")
    raw = (data.get("address") or "").strip()
    if channel and channel != ContactChannel.NONE:
        if not raw:
            form.add_error("address", _("Give a phone number or e-mail so we can reach you, or choose no updates."))
            return data
        try:
            data["address"] = normalize_email(raw) if channel == ContactChannel.EMAIL else normalize_phone(raw)
        except InvalidAddress:
            message = (
                _("This is not an e-mail address we can write to.")
                if channel == ContactChannel.EMAIL
                else _("This is not a phone number we can reach. Include the area code.")
            )
            form.add_error("address", message)
    else:
        data["address"] = ""
        if Consent.Scope.UPDATES in (data.get("consents") or ()):
            form.add_error("channel", _("Choose how we should send you updates."))
    return data


class RelativeForm(forms.Form):
    """A caseworker adding a relative who called, with the consents they gave on the call."""

    relationship = forms.ChoiceField(label=_("Relationship to the person"), choices=Relationship.choices)
    language = forms.ChoiceField(label=_("Their language"), choices=())
    channel = forms.ChoiceField(label=_("Updates by"), choices=ContactChannel.choices)
    address = forms.CharField(label=_("Phone number or e-mail"), required=False, max_length=200)
    consents = forms.MultipleChoiceField(
        label=_("Consents given"), required=False, choices=Consent.Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    method = forms.ChoiceField(
        label=_("How they were given"),
        choices=[
            (Consent.Method.PHONE, Consent.Method.PHONE.label),
            (Consent.Method.IN_PERSON, Consent.Method.IN_PERSON.label),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = _language_choices()[1:]

    def clean_address(self):
        return ascii_digits(self.cleaned_data.get("address", ""))

    def clean(self):
        return clean_contact(self, super().clean())
