"""Turning what a reporter sent into clean values, with errors in the reporter's language."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

MAX_TEXT = 4000
MAX_PLACE = 300
MAX_CONTACT = 200
SALUTE_KEYS = ("size", "activity", "uniform", "equipment", "vehicles", "agency")
# The SALUTE questions the web and phone forms ask (the report's own text says what is happening).
FORM_SALUTE_KEYS = ("size", "vehicles", "uniform", "agency", "equipment")
SALUTE_MAX = 300


class InvalidReport(ValueError):
    """The submission cannot be stored. ``errors`` maps field names to translated messages."""

    def __init__(self, errors: dict):
        super().__init__("invalid report")
        self.errors = errors


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


def clean_text(value, name: str, limit: int, errors: dict, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[name] = _("This must be text.")
        return ""
    if "\x00" in value or not _encodable(value):
        errors[name] = _("This contains characters that cannot be stored.")
        return ""
    value = value.strip()
    if required and not value:
        errors[name] = _("Please say what is happening.")
    elif len(value) > limit:
        errors[name] = _("This is too long (at most %(limit)d characters).") % {"limit": limit}
    return value


def _encodable(value: str) -> bool:
    """Lone surrogates (possible in JSON) cannot be stored or encrypted as UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def clean_coordinate(value, low: float, high: float):
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return "bad"
    if isinstance(value, bool) or not math.isfinite(number) or not low <= number <= high:
        return "bad"
    return number


def clean_time(value, errors: dict) -> datetime:
    now = timezone.now()
    if value in (None, ""):
        return now
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
    else:
        parsed = None
    if parsed is None:
        errors["occurred_at"] = _("We could not read this time. Use a date and time like 2026-05-01 14:30.")
        return now
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    if parsed > now + timedelta(minutes=10):
        errors["occurred_at"] = _("This time is in the future.")
    elif parsed < now - timedelta(days=30):
        errors["occurred_at"] = _("This time is more than 30 days ago.")
    return parsed


def clean_salute(value, errors: dict) -> dict:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        errors["salute"] = _("These details could not be read.")
        return {}
    out = {}
    for key in SALUTE_KEYS:
        item = value.get(key)
        if item in (None, ""):
            continue
        if isinstance(item, bool) or not isinstance(item, str | int):
            errors["salute"] = _("These details could not be read.")
            continue
        item = str(item).strip()
        if "\x00" in item or len(item) > SALUTE_MAX or not _encodable(item):
            errors["salute"] = _("These details could not be read.")
            continue
        out[key] = item
    return out


def build_input(raw: dict) -> ReportInput:
    """Steps: clean every field, collecting errors; check the point and area; raise InvalidReport with
    every problem at once, so the reporter fixes them in one go."""
    from vigil.geo import areas

    errors: dict = {}
    text = clean_text(raw.get("text"), "text", MAX_TEXT, errors, required=True)
    place_text = clean_text(raw.get("place_text"), "place_text", MAX_PLACE, errors)
    contact = clean_text(raw.get("contact"), "contact", MAX_CONTACT, errors)
    lat = clean_coordinate(raw.get("lat"), -90, 90)
    lon = clean_coordinate(raw.get("lon"), -180, 180)
    if "bad" in (lat, lon) or (lat is None) != (lon is None):
        errors["location"] = _("The map position could not be read.")
        lat = lon = None
    elif lat is not None and areas.resolve_point(lat, lon) is None:
        errors["location"] = _("This place is outside the area this network covers.")
    elif lat is not None:
        # About 100 m: enough to find the scene, too coarse to mark the door the reporter stood at.
        lat, lon = round(lat, 3), round(lon, 3)
    area = raw.get("area") or None
    if area is not None:
        if not isinstance(area, str) or areas.get_area(area) is None:
            errors["area"] = _("We do not know this neighborhood.")
            area = None
    detained = raw.get("people_detained") or ""
    if detained not in ("", "yes", "no", "unknown"):
        errors["people_detained"] = _("Please choose yes, no or don't know.")
    language = raw.get("language") or None
    if language is not None and not isinstance(language, str):
        errors["language"] = _("Unknown language.")
    occurred_at = clean_time(raw.get("occurred_at"), errors)
    salute = clean_salute(raw.get("salute"), errors)
    if contact:
        from vigil.lib.normalize import InvalidAddress, normalize_contact

        try:
            normalize_contact(contact)
        except InvalidAddress:
            errors["contact"] = _("Please give a phone number or an e-mail address, or leave this empty.")
    if errors:
        raise InvalidReport(errors)
    return ReportInput(
        text=text,
        occurred_at=occurred_at,
        language=language,
        place_text=place_text,
        lat=lat,
        lon=lon,
        area=area,
        salute=salute,
        people_detained=detained,
        contact=contact,
    )
