"""Names of places as people read them: "Jackson Heights, Queens", with the borough in the reader's
language (jurisdictions/<city>/names/boroughs.toml, with its sources) and the neighborhood as the city
writes it. Codes (QN0301) are for machines and never shown to a person."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache

from django.conf import settings
from django.utils import translation

from vigil.geo.areas import get_area


@lru_cache(maxsize=1)
def _borough_names() -> dict[str, dict[str, str]]:
    path = settings.JURISDICTION_DIR / "names" / "boroughs.toml"
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return {lang: names for lang, names in data.items() if isinstance(names, dict)}


def borough_name(code: str, language: str | None = None) -> str:
    """A borough's name in the language (the current one by default), else as the city writes it."""
    language = (language or translation.get_language() or "en").lower()
    names = _borough_names()
    for candidate in (language, language.split("-")[0], "en"):
        if code in names.get(candidate, {}):
            return names[candidate][code]
    area = get_area(code)
    return area.name if area else ""


_QUALIFIER = re.compile(r"\s*\([^)]*\)")


def plain_name(name: str) -> str:
    """A neighborhood's name without the city's tabulation qualifiers: "Astoria (Central)" reads "Astoria"."""
    return _QUALIFIER.sub("", name).strip() or name


def area_label(code: str, language: str | None = None) -> str:
    """ "Neighborhood, Borough" for an NTA, the borough's name for a borough, the district's name for a
    district; an empty string for an unknown code (never the code itself)."""
    area = get_area(code) if code else None
    if area is None:
        return ""
    if area.kind == "borough":
        return borough_name(area.code, language)
    borough = borough_name(area.borough, language) if area.borough else ""
    name = plain_name(area.name) if area.kind == "nta" else area.name
    return f"{name}, {borough}" if borough else name
