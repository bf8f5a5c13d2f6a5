"""What staff type about where a detained person is and their hearings. The actions check what depends on
the case (a past hearing in the court's zone, a confirmed location without a place); the forms the shapes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vigil.cases.locating import Facility, HearingKind, HearingSource, LocationSource
from vigil.cases.models import Court


class LocationForm(forms.Form):
    facility = forms.ModelChoiceField(
        label=_("Facility"), queryset=Facility.objects.all(), required=False, empty_label=_("Not in the list")
    )
    place = forms.CharField(
        label=_("Or the place, as written"),
        max_length=500,
        required=False,
        help_text=_("Only when the facility is not in the list."),
    )
    source = forms.ChoiceField(label=_("Source"), choices=LocationSource.choices)
    confirmed = forms.BooleanField(label=_("The person is confirmed to be there"), required=False)
    checked_at = forms.DateTimeField(
        label=_("Checked at"),
        required=False,
        help_text=_("Leave empty for now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args, prefix="location", **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)


class HearingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of hearing"), choices=HearingKind.choices)
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.TimeField(label=_("Time, in the court's time zone"), widget=forms.TimeInput(attrs={"type": "time"}))
    court = forms.ModelChoiceField(
        label=_("Court"), queryset=Court.objects.all(), required=False, empty_label=_("Not known")
    )
    source = forms.ChoiceField(label=_("Source"), choices=HearingSource.choices)

    def __init__(self, *args, prefix="hearing", **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
