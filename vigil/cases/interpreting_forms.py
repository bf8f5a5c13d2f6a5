"""What staff type about interpreters and interpretation requests. Language tags are checked by the
actions (one rule, in languages.py); the forms check the shapes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vigil.cases.models import InterpretingMode


def _borough_choices():
    from vigil.incidents.labels import borough_choices

    return borough_choices()


def _datetime(label):
    return forms.DateTimeField(label=label, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class InterpreterForm(forms.Form):
    display_name = forms.CharField(
        label=_("Name as the team knows them"),
        max_length=120,
        help_text=_("A first name or a nickname is enough: no phone number, no address."),
    )
    languages = forms.CharField(
        label=_("Languages (codes, separated by spaces: es yue cmn mam quc)"),
        max_length=300,
    )
    modes = forms.MultipleChoiceField(
        label=_("Modes"), choices=InterpretingMode.choices, widget=forms.CheckboxSelectMultiple
    )
    boroughs = forms.MultipleChoiceField(
        label=_("Boroughs they go to in person"), required=False, choices=(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["boroughs"].choices = _borough_choices()

    def clean_languages(self):
        return [tag for tag in self.cleaned_data["languages"].replace(",", " ").split() if tag]


class WindowForm(forms.Form):
    starts_at = _datetime(_("Available from"))
    ends_at = _datetime(_("Until"))
    modes = forms.MultipleChoiceField(
        label=_("Modes"), choices=InterpretingMode.choices, widget=forms.CheckboxSelectMultiple
    )


class InterpretationForm(forms.Form):
    language = forms.CharField(
        label=_("Language (code)"),
        max_length=35,
        help_text=_("The language the family speaks, e.g. es, yue (Cantonese), cmn (Mandarin), mam, quc."),
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=InterpretingMode.choices)
    borough = forms.ChoiceField(label=_("Borough (in person)"), required=False, choices=())
    starts_at = _datetime(_("From"))
    ends_at = _datetime(_("Until"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["borough"].choices = [("", "—"), *_borough_choices()]


class CompleteForm(forms.Form):
    minutes = forms.IntegerField(label=_("Minutes worked"), min_value=0, max_value=24 * 60)
