"""The matcher's JSON input (docs/cases.md, "Matching"), read strictly: every error names the object and field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from . import languages
from .model import URGENT_NEEDS, Case, MatchingInputError, Provider, tier_of

CASE_FIELDS = {
    "id",
    "tier",
    "urgent_needs",
    "language",
    "borough",
    "services",
    "court",
    "funding",
    "received_at",
    "conflict_declined_by",
}
FUNDING_FIELDS = {"residence", "detention", "income_band"}
PROVIDER_FIELDS = {
    "id",
    "services",
    "languages",
    "interpreter_languages",
    "boroughs",
    "courts",
    "eligibility",
    "capacity",
    "automatic",
}
ELIGIBILITY_FIELDS = {"residence", "detention", "max_income_band"}
PAIR_FIELDS = {"case", "provider"}


@dataclass(frozen=True)
class Problem:
    cases: tuple[Case, ...]
    providers: tuple[Provider, ...]
    pinned: tuple[tuple[str, str], ...] = ()
    dropped: tuple[tuple[str, str], ...] = ()


class _Object:
    """One JSON object being read, named in every error as e.g. "cases[3] (id 'c4')"."""

    def __init__(self, name: str, data, fields: set[str], required: set[str]):
        self.name = name
        if not isinstance(data, dict):
            raise MatchingInputError(f"{name}: must be an object")
        self.data = data
        if isinstance(data.get("id"), str):
            self.name = f"{name} (id {data['id']!r})"
        for key in data:
            if key not in fields:
                raise MatchingInputError(f"{self.name}: unknown field {key!r} (fields: {', '.join(sorted(fields))})")
        for key in sorted(required):
            if key not in data:
                raise MatchingInputError(f"{self.name}: field {key!r} is required")

    def error(self, key: str, message: str) -> MatchingInputError:
        return MatchingInputError(f"{self.name}: field {key!r}: {message}")

    def text(self, key: str, *, optional: bool = True) -> str | None:
        value = self.data.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, "must be a non-empty string")
        return value.strip()

    def code(self, key: str) -> str | None:
        value = self.text(key)
        return None if value is None else value.lower()

    def integer(self, key: str, *, low: int, high: int | None = None, optional: bool = True) -> int | None:
        value = self.data.get(key)
        if value is None and optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
            bounds = f"from {low} to {high}" if high is not None else f"{low} or more"
            raise self.error(key, f"must be a whole number {bounds}, got {value!r}")
        return value

    def codes(self, key: str, *, optional: bool = True) -> frozenset[str] | None:
        value = self.data.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
            raise self.error(key, "must be a list of non-empty strings")
        return frozenset(item.strip().lower() for item in value)

    def language_tags(self, key: str, *, individual: bool) -> frozenset[str]:
        tags = set()
        for item in self.codes(key) or ():
            tags.add(self.language(key, item, individual=individual))
        return frozenset(tags)

    def language(self, key: str, value: str, *, individual: bool) -> str:
        try:
            tag = languages.normalize(value)
        except languages.LanguageTagError as error:
            raise self.error(key, str(error))
        which = languages.asks_which(tag)
        if individual and which:
            raise self.error(key, f"{value!r} does not say which language is spoken: list {', '.join(which)} apart")
        return tag

    def sub(self, key: str, fields: set[str]) -> _Object | None:
        value = self.data.get(key)
        if value is None:
            return None
        return _Object(f"{self.name}.{key}", value, fields, set())


def _case(position: int, data) -> Case:
    obj = _Object(f"cases[{position}]", data, CASE_FIELDS, {"id"})
    needs = obj.codes("urgent_needs") or frozenset()
    unknown = needs - URGENT_NEEDS
    if unknown:
        raise obj.error(
            "urgent_needs", f"unknown need {sorted(unknown)[0]!r} (needs: {', '.join(sorted(URGENT_NEEDS))})"
        )
    tier = obj.integer("tier", low=1, high=3)
    language = obj.text("language")
    funding = obj.sub("funding", FUNDING_FIELDS)
    received_at = obj.text("received_at")
    if received_at is not None:
        try:
            received_at = datetime.fromisoformat(received_at)
        except ValueError:
            raise obj.error("received_at", f"must be an ISO 8601 date and time, got {received_at!r}")
        if received_at.tzinfo is None:
            raise obj.error("received_at", "must give its UTC offset (e.g. 2026-12-05T08:30:00-05:00)")
    return Case(
        id=obj.text("id", optional=False),
        tier=max(tier or 1, tier_of(needs)),
        urgent_needs=needs,
        language=None if language is None else obj.language("language", language, individual=False),
        borough=obj.code("borough"),
        services=obj.codes("services") or frozenset(),
        court=obj.code("court"),
        residence=funding.code("residence") if funding else None,
        detention=funding.code("detention") if funding else None,
        income_band=funding.integer("income_band", low=0) if funding else None,
        received_at=received_at,
        conflict_declined_by=_ids(obj, "conflict_declined_by") if obj.codes("conflict_declined_by") else frozenset(),
    )


def _ids(obj: _Object, key: str) -> frozenset[str]:
    # Ids are compared as written (not lower-cased), unlike the codes.
    return frozenset(item.strip() for item in obj.data[key])


def _provider(position: int, data) -> Provider:
    obj = _Object(f"providers[{position}]", data, PROVIDER_FIELDS, {"id", "capacity"})
    rules = obj.sub("eligibility", ELIGIBILITY_FIELDS)
    automatic = obj.data.get("automatic", True)
    if not isinstance(automatic, bool):
        raise obj.error("automatic", "must be true or false")
    return Provider(
        id=obj.text("id", optional=False),
        capacity=obj.integer("capacity", low=0, optional=False),
        services=obj.codes("services") or frozenset(),
        languages=obj.language_tags("languages", individual=True),
        interpreter_languages=obj.language_tags("interpreter_languages", individual=True),
        boroughs=obj.codes("boroughs") or frozenset(),
        courts=obj.codes("courts") or frozenset(),
        residence=rules.codes("residence") if rules else None,
        detention=rules.codes("detention") if rules else None,
        max_income_band=rules.integer("max_income_band", low=0) if rules else None,
        automatic=automatic,
    )


def _pair(kind: str, position: int, data) -> tuple[str, str]:
    obj = _Object(f"{kind}[{position}]", data, PAIR_FIELDS, PAIR_FIELDS)
    return obj.text("case", optional=False), obj.text("provider", optional=False)


def read_problem(data) -> Problem:
    """Cases, providers and the caseworker's pinned and dropped pairs from the parsed JSON document."""
    top = _Object("the document", data, {"cases", "providers", "pinned", "dropped"}, {"cases", "providers"})
    lists = {}
    for key in ("cases", "providers", "pinned", "dropped"):
        value = top.data.get(key, [])
        if not isinstance(value, list):
            raise top.error(key, "must be a list")
        lists[key] = value
    return Problem(
        cases=tuple(_case(i, item) for i, item in enumerate(lists["cases"])),
        providers=tuple(_provider(i, item) for i, item in enumerate(lists["providers"])),
        pinned=tuple(_pair("pinned", i, item) for i, item in enumerate(lists["pinned"])),
        dropped=tuple(_pair("dropped", i, item) for i, item in enumerate(lists["dropped"])),
    )
