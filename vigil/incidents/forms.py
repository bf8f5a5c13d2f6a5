from django import forms
from django.utils.translation import gettext_lazy as _

from vigil.incidents import models as m


def _choice(choices):
    return forms.ChoiceField(choices=[("", "—"), *choices], required=False)


class DocumentationForm(forms.Form):
    place_kind = _choice(m.PLACE_KINDS)
    place_kind.label = _("Kind of place")
    area_entered = _choice(m.AREA_ENTERED)
    area_entered.label = _("Area entered")
    agencies = forms.MultipleChoiceField(
        choices=m.AGENCIES, required=False, widget=forms.CheckboxSelectMultiple, label=_("Agencies present")
    )
    local_police_role = _choice(m.POLICE_ROLES)
    local_police_role.label = _("Local police role")
    warrant_seen = _choice(m.WARRANTS)
    warrant_seen.label = _("Warrant seen")
    home_entry = _choice(m.HOME_ENTRY)
    home_entry.label = _("Entry into a home")
    people_detained = forms.IntegerField(min_value=0, max_value=500, required=False, label=_("People detained"))
    detained_targets = forms.IntegerField(min_value=0, max_value=500, required=False, label=_("Of whom targets"))
    detained_collateral = forms.IntegerField(
        min_value=0, max_value=500, required=False, label=_("Of whom collateral (not the target)")
    )
    force_used = _choice(m.FORCE)
    force_used.label = _("Force used")
    agents_count = forms.IntegerField(min_value=0, max_value=500, required=False, label=_("Agents seen"))
    vehicles_count = forms.IntegerField(min_value=0, max_value=200, required=False, label=_("Vehicles seen"))
    activity_started_at = forms.DateTimeField(
        required=False, label=_("Started"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    activity_ended_at = forms.DateTimeField(
        required=False, label=_("Ended"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    field_notes = forms.CharField(required=False, max_length=8000, widget=forms.Textarea, label=_("Notes"))
    first_hand = forms.TypedChoiceField(
        choices=[("1", _("I saw this myself")), ("0", _("Someone there told me"))],
        coerce=lambda v: v != "0",
        initial="1",
        required=False,
        empty_value=True,
        widget=forms.RadioSelect,
        label=_("How you know"),
    )

    def clean(self):
        data = super().clean()
        detained = data.get("people_detained")
        parts = [data.get("detained_targets") or 0, data.get("detained_collateral") or 0]
        if detained is not None and sum(parts) > detained:
            raise forms.ValidationError(_("Targets and collateral cannot add up to more than the people detained."))
        start, end = data.get("activity_started_at"), data.get("activity_ended_at")
        if start and end and end < start:
            raise forms.ValidationError(_("The end is before the start."))
        for name in ("place_kind", "area_entered", "local_police_role", "warrant_seen", "home_entry", "force_used"):
            data[name] = data.get(name) or ""
        return data
