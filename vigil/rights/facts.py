"""The legal facts the know-your-rights library may state: `jurisdictions/<name>/rights/facts.toml`.

An article states a right, a rule or a consequence only by citing a fact id; `cite(fact_id)` gives the fact
(its statement, source and status, which the page shows) and `check_citations(ids)` refuses every id that is
not in the files. The files are checked when read: a malformed one fails naming the file, the entry and the
field. Format and statuses: docs/rights.md.
"""

import functools
import tomllib
from pathlib import Path
from typing import Literal

from django.conf import settings
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

FACT_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"
NO_SOURCE = "not given"
FACTS_FILES = ("us", "nyc")  # federal facts first: a city fact's `see` may name one


class FactsFileError(ValueError):
    """A facts file that cannot be used; the message names the file, the entry and the field."""


class UnknownFact(LookupError):
    """An article or card cites an id that is in no facts file."""

    def __init__(self, fact_ids):
        self.fact_ids = sorted(fact_ids)
        super().__init__("unknown fact id(s): " + ", ".join(self.fact_ids))


class Fact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: str = Field(pattern=FACT_ID)
    statement: str = Field(min_length=1)
    source: str = Field(min_length=1)
    status: Literal["verified", "UNVERIFIED", "contested"]
    status_note: str = ""
    see: tuple[str, ...] = ()
    jurisdiction: str = ""

    @model_validator(mode="after")
    def unsourced_is_not_verified(self):
        if self.source == NO_SOURCE and self.status == "verified":
            raise ValueError(f'a fact whose source is "{NO_SOURCE}" cannot be verified')
        return self

    @property
    def flagged(self):
        """UNVERIFIED and contested facts are marked as such wherever they are shown."""
        return self.status != "verified"


class HouseRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=FACT_ID)
    text: str = Field(min_length=1)
    source: str = Field(min_length=1)


class NeverSay(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1)


class FactsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    jurisdiction: str = Field(pattern=FACT_ID)
    fact: tuple[Fact, ...] = Field(min_length=1)
    house_rule: tuple[HouseRule, ...] = ()
    never_say: tuple[NeverSay, ...] = ()

    @field_validator("fact", mode="before")
    @classmethod
    def unique_ids(cls, facts):
        seen = set()
        for entry in facts:
            fact_id = entry.get("id") if isinstance(entry, dict) else None
            if fact_id in seen:
                raise ValueError(f"fact id {fact_id!r} appears twice")
            seen.add(fact_id)
        return facts


def _where(raw, location):
    """'fact 3 (id "no-run"), field status' from pydantic's error location."""
    parts, node = [], raw
    for i, step in enumerate(location):
        if isinstance(step, int) and isinstance(node, list) and step < len(node):
            node = node[step]
            label = f"{location[i - 1]} {step + 1}" if i else str(step + 1)
            if isinstance(node, dict) and "id" in node:
                label += f' (id "{node["id"]}")'
            parts[-1:] = [label]
        else:
            node = node.get(step) if isinstance(node, dict) else None
            parts.append(str(step))
    entry, field = parts[:-1], parts[-1:]
    return ", ".join([*entry, *(f"field {f}" for f in field)])


def read_facts_file(path):
    """Read and check one facts file; every fact carries the file's jurisdiction."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise FactsFileError(f"{path}: {error}") from error
    jurisdiction = raw.get("jurisdiction")
    if isinstance(raw.get("fact"), list) and isinstance(jurisdiction, str):
        raw["fact"] = [
            {**entry, "jurisdiction": jurisdiction} if isinstance(entry, dict) else entry for entry in raw["fact"]
        ]
    try:
        return FactsFile.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(f"{_where(raw, e['loc'])}: {e['msg']}" for e in error.errors())
        raise FactsFileError(f"{path}: {problems}") from None


class FactBook:
    """Every fact of the given files, by id; ids are unique across files and every `see` names a fact."""

    def __init__(self, files):
        self.files = tuple(files)
        self.facts = {}
        for facts_file in self.files:
            for fact in facts_file.fact:
                if fact.id in self.facts:
                    raise FactsFileError(
                        f"fact id {fact.id!r} is in both {self.facts[fact.id].jurisdiction} and {fact.jurisdiction}"
                    )
                self.facts[fact.id] = fact
        for fact in self.facts.values():
            missing = [ref for ref in fact.see if ref not in self.facts]
            if missing:
                raise FactsFileError(
                    f'{fact.jurisdiction} fact "{fact.id}", field see: unknown id(s) {", ".join(missing)}'
                )

    def cite(self, fact_id):
        try:
            return self.facts[fact_id]
        except KeyError:
            raise UnknownFact([fact_id]) from None

    def check_citations(self, fact_ids):
        """The facts cited, in order; UnknownFact listing every id that is in no file."""
        unknown = {fact_id for fact_id in fact_ids if fact_id not in self.facts}
        if unknown:
            raise UnknownFact(unknown)
        return [self.facts[fact_id] for fact_id in fact_ids]

    @property
    def never_say(self):
        return [item.text for facts_file in self.files for item in facts_file.never_say]


def facts_paths():
    base = Path(settings.BASE_DIR) / "jurisdictions"
    return [base / name / "rights" / "facts.toml" for name in FACTS_FILES]


@functools.cache
def fact_book():
    return FactBook(read_facts_file(path) for path in facts_paths())


def cite(fact_id):
    return fact_book().cite(fact_id)


def check_citations(fact_ids):
    return fact_book().check_citations(fact_ids)
