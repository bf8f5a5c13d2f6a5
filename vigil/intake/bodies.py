"""A report as the partner API takes it and gives it back, declared once (pydantic): the API validates
bodies with these models, the OpenAPI document is generated from them (vigil.lib.openapi), and the web,
phone and SMS forms read their fields into the same declaration (vigil.intake.validation.build_input).

Two kinds of constraint live here. Schema constraints (types, lengths, patterns, ranges, the known area
codes) appear in the document. Domain rules need the city's map or the clock, which a schema cannot
state: they raise ``domain_rule`` errors naming the rule, and the document lists them under the 400 answer
(``x-domain-rules``), so a caller can tell a malformed body from one the domain refused.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

MAX_TEXT = 4000
MAX_PLACE = 300
MAX_CONTACT = 200
SALUTE_MAX = 300
SALUTE_KEYS = ("size", "activity", "uniform", "equipment", "vehicles", "agency")
CHANNELS = ("api", "hotline", "sms", "whatsapp", "web")
PEOPLE_DETAINED = ("yes", "no", "unknown")
# The time window a report's occurred_at must fall in, around the moment it is received.
FUTURE_SLACK = timedelta(minutes=10)
OLDEST = timedelta(days=30)

# The characters str.isspace() calls blank, as a regular-expression class every engine reading the document
# understands alike (Python's re, the Rust regex of pydantic, ECMA-262): `\s` differs between them, and text
# is stripped with str.strip(), so "not blank" must mean what strip() means (checked in the tests).
BLANK = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# PostgreSQL cannot store a NUL in text.
STORABLE = r"^[^\x00]*$"
NON_BLANK = rf"^[^\x00]*[^\x00{BLANK}][^\x00]*$"

RULE_AREA = "location outside the covered area"
RULE_TIME = "occurred_at outside the time window"
RULE_CONTACT = "contact is not a phone number or e-mail address"
DOMAIN_RULES = {
    RULE_AREA: "location.lat and location.lon fall outside every area of the network (and more than 1 km from "
    "the nearest).",
    RULE_TIME: f"occurred_at is more than {FUTURE_SLACK.seconds // 60} minutes ahead of the time of receipt, or "
    f"more than {OLDEST.days} days before it.",
    RULE_CONTACT: "contact is neither a phone number valid in its country (a number without a country code is "
    "read as a US number) nor an e-mail address.",
}


def domain_rule(rule: str, why: str = "") -> PydanticCustomError:
    return PydanticCustomError("domain_rule", "{rule}", {"rule": rule, "why": why or rule})


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _encodable(value: str) -> str:
    """Lone surrogates (possible in JSON, never in a schema-valid string) cannot be stored as UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError("unstorable", "contains characters that cannot be stored") from None
    return value


def _text(limit: int, pattern: str = STORABLE):
    # Stripped before the length and pattern checks (a BeforeValidator placed after the constraints runs
    # first, and leaves them in the schema): a schema-valid string stays valid once stripped.
    return (
        StringConstraints(max_length=limit, pattern=pattern),
        BeforeValidator(_strip),
        AfterValidator(_encodable),
    )


ReportText = Annotated[str, *_text(MAX_TEXT, NON_BLANK)]
Place = Annotated[str, *_text(MAX_PLACE)]


def _reachable(value: str) -> str:
    from vigil.lib.normalize import InvalidAddress, normalize_contact

    if value:
        try:
            normalize_contact(value)
        except InvalidAddress:
            raise domain_rule(RULE_CONTACT) from None
    return value


Contact = Annotated[str, *_text(MAX_CONTACT), AfterValidator(_reachable)]


def _received_time(value: str) -> datetime:
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    try:
        # RFC 3339 allows a lower-case t and z; Django reads only the upper-case ones.
        parsed = parse_datetime(value.strip().upper())
    except ValueError:
        parsed = None
    if parsed is None:
        raise PydanticCustomError("datetime_unreadable", "not a date and time")
    if timezone.is_naive(parsed):  # the forms send local times
        parsed = timezone.make_aware(parsed)
    now = timezone.now()
    if parsed > now + FUTURE_SLACK:
        raise domain_rule(RULE_TIME, "future")
    if parsed < now - OLDEST:
        raise domain_rule(RULE_TIME, "past")
    return parsed


OccurredAt = Annotated[
    str,
    AfterValidator(_received_time),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "description": f"When it was seen (RFC 3339); the time of receipt if left out. Domain rule "
            f"'{RULE_TIME}': at most {FUTURE_SLACK.seconds // 60} minutes ahead, at most {OLDEST.days} days ago.",
        }
    ),
]


def _known_area(value: str) -> str:
    from vigil.geo import areas

    if areas.get_area(value) is None:
        raise PydanticCustomError("unknown_area", "unknown area")
    return value


class _AreaCodes:
    """The codes of the loaded jurisdiction's areas, as the schema's enum (read when the document is built)."""

    def __get_pydantic_json_schema__(self, core_schema, handler):
        from vigil.geo import areas

        schema = handler(core_schema)
        schema["enum"] = sorted(areas.all_area_codes())
        return schema


AreaCode = Annotated[str, AfterValidator(_known_area), _AreaCodes()]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]


def _integral(value):
    # JSON Schema counts 5.0 as an integer; pydantic's strict int would not.
    return int(value) if isinstance(value, float) and value.is_integer() else value


SaluteAnswer = (
    Annotated[str, *_text(SALUTE_MAX)] | Annotated[int, Field(ge=-(10**9), le=10**9), BeforeValidator(_integral)]
)


def _no_default(schema: dict) -> None:
    # Left out means "no point"; null is not a coordinate, so the schema shows no default of null.
    schema.pop("default", None)


class Location(BaseModel):
    model_config = ConfigDict(
        title="Location",
        # Both coordinates or neither.
        json_schema_extra={"dependentRequired": {"lat": ["lon"], "lon": ["lat"]}},
    )

    description: Place | None = Field(None, description="The place in the reporter's words")
    lat: Latitude = Field(
        None, description=f"With lon. Domain rule '{RULE_AREA}'.", json_schema_extra=_no_default, validate_default=False
    )
    lon: Longitude = Field(None, description="With lat.", json_schema_extra=_no_default, validate_default=False)
    area: AreaCode | None = Field(None, description="The code of a neighborhood, district or borough")

    @model_validator(mode="after")
    def _in_covered_area(self):
        from vigil.geo import areas

        if (self.lat is None) != (self.lon is None):
            raise PydanticCustomError("position_incomplete", "lat and lon go together")
        if self.lat is not None:
            if areas.resolve_point(self.lat, self.lon) is None:
                raise domain_rule(RULE_AREA)
            # About 100 m: enough to find the scene, too coarse to mark the door the reporter stood at.
            self.lat, self.lon = round(self.lat, 3), round(self.lon, 3)
        return self


class Salute(BaseModel):
    """The SALUTE answers (size, activity, uniform, equipment, vehicles, agency); others are ignored."""

    model_config = ConfigDict(title="Salute")

    size: SaluteAnswer | None = None
    activity: SaluteAnswer | None = None
    uniform: SaluteAnswer | None = None
    equipment: SaluteAnswer | None = None
    vehicles: SaluteAnswer | None = None
    agency: SaluteAnswer | None = None


class ReportBody(BaseModel):
    """The body of POST /api/v1/reports. Keys it does not know are ignored."""

    model_config = ConfigDict(title="ReportBody")

    text: ReportText = Field(description="What is happening: not blank")
    language: str | None = Field(None, description="A deployment language code; otherwise detected from the text")
    occurred_at: OccurredAt | None = None
    location: Location | None = None
    salute: Salute | None = None
    people_detained: Literal[PEOPLE_DETAINED] | None = Field(
        None,
        description="The answer to 'Are people being detained?': yes, no, or unknown (the reporter does not know)",
    )
    contact: Contact | None = Field(
        None,
        description=f"A phone number or an e-mail address, to reach the reporter. Domain rule '{RULE_CONTACT}'.",
    )
    channel: Literal[CHANNELS] | None = Field(
        None, description="How the report came in (partners only; api for anonymous callers)"
    )
    altcha: str | None = Field(None, description="ALTCHA v1 solution, when a 429 asked for it")


class ReportOut(BaseModel):
    model_config = ConfigDict(title="ReportOut")

    id: UUID
    receipt: str
    language: str
    area: str | None
    incident: UUID | None = Field(description="The incident the report was grouped into; null for anonymous callers")
    people_detained: Literal["yes", "no", "unknown", None] = Field(
        description="The reporter's answer to 'Are people being detained?'; null when not answered"
    )


class ReportRead(ReportOut):
    model_config = ConfigDict(title="ReportRead")

    duplicate_candidates: list[UUID] = Field(description="The other reports of the same incident (at most 50)")
