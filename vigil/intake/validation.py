"""Turning what a reporter sent into clean values, with errors in the reporter's language.

What a report may hold is declared once, in vigil.intake.bodies. The partner API validates its JSON body
against it (``from_body``); the web form, the hotline form, SMS and the tests hand flat form fields to
``build_input``, which reads them into the same declaration. This module keeps what is ours: the messages
people read, by field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic import TypeAdapter, ValidationError

from vigil.intake.bodies import (  # noqa: F401 - the limits are read from here by the forms
    MAX_CONTACT,
    MAX_PLACE,
    MAX_TEXT,
    SALUTE_KEYS,
    SALUTE_MAX,
    ReportBody,
    ReportText,
)
from vigil.lib.digits import ascii_digits

# The SALUTE questions the web and phone forms ask (the report's own text says what is happening).
FORM_SALUTE_KEYS = ("size", "vehicles", "uniform", "agency", "equipment")

CANNOT_STORE = _("This contains characters that cannot be stored.")
REQUIRED_TEXT = _("Please say what is happening.")
MUST_BE_TEXT = _("This must be text.")
TOO_LONG = _("This is too long (at most %(limit)d characters).")
MESSAGES = {
    "location": _("The map position could not be read."),
    "area": _("We do not know this neighborhood."),
    "people_detained": _("Please choose yes, no or don't know."),
    "language": _("Unknown language."),
    "occurred_at": _("We could not read this time. Use a date and time like 2026-05-01 14:30."),
    "salute": _("These details could not be read."),
    "channel": "unknown",  # partners only, never a person: not translated
}
RULE_MESSAGES = {
    "location outside the covered area": _("This place is outside the area this network covers."),
    "future": _("This time is in the future."),
    "past": _("This time is more than 30 days ago."),
    "contact is not a phone number or e-mail address": _(
        "Please give a phone number or an e-mail address, or leave this empty."
    ),
}
TEXT_FIELDS = {"text", "place_text", "contact", "altcha"}


class InvalidReport(ValueError):
    """The submission cannot be stored. ``errors`` maps field names to translated messages; ``rules`` maps
    the fields refused by a domain rule (vigil.intake.bodies.DOMAIN_RULES) to that rule's name."""

    def __init__(self, errors: dict, rules: dict | None = None):
        super().__init__("invalid report")
        self.errors = errors
        self.rules = rules or {}

    @property
    def only_domain_rules(self) -> bool:
        """Every problem is a domain rule: the body itself was well formed."""
        return bool(self.rules) and set(self.errors) == set(self.rules)


@dataclass
class ReportInput:
    text: str
    occurred_at: datetime
    language: str | None = None
    place_text: str = ""
    lat: float | None = None
    lon: float | None = None
    area: str | None = None
    salute: dict = field(default_factory=dict)
    people_detained: str = ""
    contact: str = ""


def _field_of(loc: tuple) -> str:
    if loc[:1] == ("location",):
        return {"description": "place_text", "area": "area"}.get(loc[1] if len(loc) > 1 else "", "location")
    return str(loc[0]) if loc else "body"


def _message(name: str, error: dict):
    kind = error["type"]
    if kind == "domain_rule":
        return RULE_MESSAGES[error["ctx"]["why"]]
    if name in TEXT_FIELDS:
        value = error.get("input")
        if kind == "unstorable" or (kind == "string_pattern_mismatch" and isinstance(value, str) and "\x00" in value):
            return CANNOT_STORE
        if kind == "string_too_long":
            return TOO_LONG % {"limit": error["ctx"]["max_length"]}
        if name == "text" and (kind in ("missing", "string_pattern_mismatch") or value is None):
            return REQUIRED_TEXT
        return MUST_BE_TEXT
    return MESSAGES.get(name, MUST_BE_TEXT)


def invalid_report(exc: ValidationError) -> InvalidReport:
    """Pydantic's errors as fields and messages; with all of them at once, so they are fixed in one go."""
    errors: dict = {}
    rules: dict = {}
    for error in exc.errors(include_url=False):
        name = _field_of(error["loc"])
        errors.setdefault(name, _message(name, error))
        if error["type"] == "domain_rule":
            rules.setdefault(name, error["ctx"]["rule"])
    return InvalidReport(errors, rules)


def from_body(body: ReportBody) -> ReportInput:
    location = body.location
    salute = body.salute.model_dump(exclude_none=True) if body.salute else {}
    return ReportInput(
        text=body.text,
        occurred_at=body.occurred_at or timezone.now(),
        language=body.language or None,
        place_text=(location.description if location else None) or "",
        lat=location.lat if location else None,
        lon=location.lon if location else None,
        area=(location.area if location else None) or None,
        salute={key: str(value) for key, value in salute.items() if value != ""},
        people_detained=body.people_detained or "",
        contact=body.contact or "",
    )


def validate_body(payload, *, strict: bool) -> ReportInput:
    """A report's body (nested as the API takes it), or InvalidReport."""
    try:
        return from_body(ReportBody.model_validate(payload, strict=strict))
    except ValidationError as exc:
        raise invalid_report(exc) from None


def build_input(raw: dict) -> ReportInput:
    """Flat form fields (text, place_text, lat, lon, area, occurred_at, salute, people_detained, contact,
    language) as one report; an empty field is a field left out. Read leniently (a form sends "40.7" for a
    number), against the same declaration as the API. Raises InvalidReport with every problem at once."""

    def given(name):
        value = raw.get(name)
        if name in DIGIT_FIELDS:
            value = ascii_digits(value)
        return None if value is None or value == "" else value

    location = {
        key: given(name)
        for key, name in (("description", "place_text"), ("lat", "lat"), ("lon", "lon"), ("area", "area"))
        if given(name) is not None
    }
    salute = raw.get("salute")
    if isinstance(salute, dict):
        salute = {
            key: ascii_digits(value) if key in DIGIT_SALUTE_KEYS else value
            for key, value in salute.items()
            if value is not None and value != ""
        }
    body = {
        "text": raw.get("text"),
        "language": given("language"),
        # Callers in code (benches, tests) may pass a datetime; forms and the API pass text.
        "occurred_at": occurred.isoformat() if isinstance(occurred := given("occurred_at"), datetime) else occurred,
        "location": location or None,
        "salute": salute or None,
        "people_detained": given("people_detained"),
        "contact": given("contact"),
    }
    return validate_body(body, strict=False)


# Form fields that take digits: typed in any script's digits (a phone's Arabic or Bengali keyboard), read
# as ASCII digits (vigil.lib.digits). Free text (text, place_text, uniforms…) keeps the writer's digits.
DIGIT_FIELDS = {"contact", "occurred_at", "lat", "lon"}
DIGIT_SALUTE_KEYS = {"size", "vehicles"}

_report_text = TypeAdapter(ReportText)


def clean_text(value, name: str, errors: dict) -> str:
    """One more text of a report (a follow-up), under the same rules as a report's text."""
    try:
        return _report_text.validate_python(value, strict=True)
    except ValidationError as exc:
        errors[name] = _message("text", exc.errors(include_url=False)[0])
        return ""
