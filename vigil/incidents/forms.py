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


UNKNOWN_CHOICE = ("", _("Unknown"))


def _known(choices, label):
    return forms.ChoiceField(choices=[UNKNOWN_CHOICE, *choices], required=False, label=label)


class IncidentFactsForm(forms.Form):
    """The incident-level facts the sanctuary-law rules read; each may stay unknown."""

    site_operator = _known(m.SITE_OPERATORS, _("Who runs the place"))
    court = _known(m.COURTS, _("At or near a court"))
    doc_property_office = _known(m.YES_NO, _("An immigration office on Correction property"))
    doc_office_purpose = _known(m.DOC_OFFICE_PURPOSES, _("Its stated purpose"))
    operation_purpose = _known(m.OPERATION_PURPOSES, _("The operation's stated purpose"))
    warrant_source = _known(m.WARRANT_SOURCES, _("How the warrant is known"))


BOOL_CHOICES = [UNKNOWN_CHOICE, ("yes", _("Yes")), ("no", _("No"))]
LIST_STATES = [
    ("unknown", _("Unknown")),
    ("none", _("None")),
    ("listed", _("As listed below")),
]
ROWS = 3  # conviction and incarceration rows of the form; more are added by saving and editing again


def _date(label):
    return forms.DateField(required=False, label=label, widget=forms.DateInput(attrs={"type": "date"}))


class DetentionForm(forms.Form):
    """One detention record (vigil/incidents/detentions.py FIELDS), every field optional."""

    def __init__(self, *args, **kwargs):
        from vigil.incidents.detentions import FIELDS

        super().__init__(*args, **kwargs)
        for name, (label, kind) in FIELDS.items():
            if isinstance(kind, list):
                self.fields[name] = _known(kind, label)
            elif kind == "bool":
                self.fields[name] = forms.ChoiceField(choices=BOOL_CHOICES, required=False, label=label)
            elif kind == "date":
                self.fields[name] = _date(label)
            elif kind == "datetime":
                self.fields[name] = forms.DateTimeField(
                    required=False, label=label, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
                )
            else:
                self.fields[name] = forms.ChoiceField(choices=LIST_STATES, required=False, label=label)
                for i in range(1, ROWS + 1):
                    self._row_fields(kind, i)

    def _row_fields(self, kind, i):
        if kind == "convictions":
            self.fields[f"conviction{i}_sentence_date"] = _date(_("Conviction %(n)s: date of sentence") % {"n": i})
            self.fields[f"conviction{i}_plea_or_verdict_date"] = _date(_("Date of plea or verdict"))
            self.fields[f"conviction{i}_offence"] = forms.CharField(
                required=False,
                max_length=120,
                label=_("Offence: Penal Law section, or the section it is the equivalent of"),
            )
            self.fields[f"conviction{i}_jurisdiction"] = forms.CharField(
                required=False, max_length=60, label=_("Jurisdiction")
            )
        else:
            self.fields[f"incarceration{i}_from"] = _date(_("Incarceration %(n)s: from") % {"n": i})
            self.fields[f"incarceration{i}_to"] = _date(_("To"))
            self.fields[f"incarceration{i}_conviction"] = forms.ChoiceField(
                choices=[UNKNOWN_CHOICE, *((f"c{n}", _("Conviction %(n)s") % {"n": n}) for n in range(1, ROWS + 1))],
                required=False,
                label=_("For which conviction"),
            )

    @classmethod
    def initial_from(cls, facts: dict) -> dict:
        """A stored record's facts as the form's initial values."""
        from vigil.incidents.detentions import FIELDS

        initial = {}
        for name, (_label, kind) in FIELDS.items():
            if name not in facts:
                continue
            value = facts[name]
            if kind == "bool":
                initial[name] = "yes" if value else "no"
            elif kind == "convictions":
                initial[name] = "listed" if value else "none"
                for i, item in enumerate(value[:ROWS], start=1):
                    for key in ("sentence_date", "plea_or_verdict_date", "offence", "jurisdiction"):
                        initial[f"conviction{i}_{key}"] = item.get(key, "")
            elif kind == "incarcerations":
                initial[name] = "listed" if value else "none"
                for i, item in enumerate(value[:ROWS], start=1):
                    for key in ("from", "to", "conviction"):
                        initial[f"incarceration{i}_{key}"] = item.get(key, "")
            elif kind == "datetime":
                initial[name] = value[:16]
            else:
                initial[name] = value
        return initial

    def facts(self) -> dict:
        """The cleaned form as a record's facts (detentions.clean_facts takes it)."""
        from vigil.incidents.detentions import FIELDS

        data, out = self.cleaned_data, {}
        for name, (_label, kind) in FIELDS.items():
            value = data.get(name)
            if kind == "bool":
                out[name] = {"yes": True, "no": False}.get(value)
            elif kind in ("convictions", "incarcerations"):
                out[name] = {"none": [], "listed": self._rows(kind)}.get(value)
            else:
                out[name] = value or None
        return out

    def _rows(self, kind) -> list:
        data, rows = self.cleaned_data, []
        for i in range(1, ROWS + 1):
            if kind == "convictions":
                item = {"id": f"c{i}"}
                for key in ("sentence_date", "plea_or_verdict_date", "offence", "jurisdiction"):
                    value = data.get(f"conviction{i}_{key}")
                    if value:
                        item[key] = value.isoformat() if hasattr(value, "isoformat") else value.strip()
            else:
                item = {}
                for key in ("from", "to", "conviction"):
                    value = data.get(f"incarceration{i}_{key}")
                    if value:
                        item[key] = value.isoformat() if hasattr(value, "isoformat") else value
            if len(item) > (1 if kind == "convictions" else 0):
                rows.append(item)
        return rows
