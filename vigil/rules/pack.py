"""Rule packs: loaded from TOML, checked whole, hashed. No Django here.

`load_pack(path)` reads `jurisdictions/<name>/rules.toml`, checks every part of it and compiles every rule
(`codegen`: a tracked function per rule, and a program per set of rules in force and scope); the first fault
raises PackError naming the rule and the field, and no Pack is returned: nothing half-loaded runs.
The content hash is the SHA-256 of the pack's data in a canonical JSON form (comments and layout do not
change it; any value does).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from vigil.rules import codegen, lang
from vigil.rules.calendar_math import Calendar
from vigil.rules.facts import DETENTION_FIELDS, INCIDENT_FIELDS, ITEM_FIELDS

LEVELS = {
    "possible_violation": "possible violation, for legal review",
    "needs_information": "information needed",
    "information": "for information",
}
RULE_LEVELS = ("possible_violation", "information")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RULE_KEYS = {
    "id",
    "title",
    "citation",
    "sources",
    "unverified",
    "level",
    "scope",
    "in_force_from",
    "in_force_until",
    "readings",
    "applicability",
    "violation",
    "ask_when_unknown",
    "note",
    "explanation",
}
OPTIONAL_RULE_KEYS = {"in_force_until", "readings", "note"}
ITEM_NAMES = {name for spec in ITEM_FIELDS.values() for name in spec}


class PackError(ValueError):
    def __init__(self, rule: str | None, field: str, message: str):
        where = f"rule {rule!r}" if rule else "pack"
        super().__init__(f"{where}: field {field!r}: {message}")
        self.rule, self.field = rule, field


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    citation: str
    sources: tuple
    unverified: bool
    level: str
    scope: str
    in_force_from: dt.date
    in_force_until: dt.date | None
    readings: str | None
    applicability: object  # the expression data, as written
    violation: object
    ask_when_unknown: frozenset
    note: str | None
    explanation: dict  # language -> {"text", "reviewed", "shows"}
    tags: tuple  # the readings the rule is judged under ("" alone when it has none)
    # Compiled (codegen): f(facts) -> (a, ak, au, ((v, k, u) per reading)), the values with the facts that
    # decided them; and the values alone, f(facts, scope, memo) (tools, the benchmark's coverage, the tests).
    track: object
    # A rule that reads only categorical facts (a kind, yes/no) has finitely many inputs: f(facts) -> the tuple
    # of their values, under which its verdict is kept in `verdicts` (a pure function of them). None otherwise.
    verdict_key: object
    app_value: object
    viol_values: tuple
    contexts: tuple  # the lang.Context of each reading, for the baseline interpreter
    shown_title: str  # the title a finding shows: "(UNVERIFIED)" added when the rule is
    # When the applicability is unknown: "ask" when every fact it could name is asked for, "silent" when none
    # is (the rule is then silent without naming them), else "check" (name them and see).
    app_unknown: str
    verdicts: dict = field(default_factory=dict, compare=False, repr=False)

    def in_force(self, day: dt.date) -> bool:
        return self.in_force_from <= day and (self.in_force_until is None or day <= self.in_force_until)

    def explain(self, language: str) -> dict:
        """The explanation in `language`; an unreviewed one carries the English to show beside it."""
        entry = self.explanation[language]
        english = self.explanation["en"]["text"]
        text = entry["text"] if entry["text"] else english
        return {"text": text, "reviewed": entry["reviewed"], "english": None if entry["reviewed"] else english}


@dataclass(frozen=True)
class Pack:
    jurisdiction: str
    title: str
    zone: ZoneInfo
    languages: tuple
    hash: str
    rules: tuple
    sources: dict
    links: dict
    reading_notes: dict
    data: dict
    # The compiled programs, one per set of rules in force: the rules' ids -> Programs.
    programs: dict = field(default_factory=dict, compare=False, repr=False)
    by_day: dict = field(default_factory=dict, compare=False, repr=False)  # day -> the rules in force
    programs_by_day: dict = field(default_factory=dict, compare=False, repr=False)  # day -> Programs

    def in_force(self, day: dt.date) -> tuple:
        """The rules in force on `day`, in the pack's order."""
        rules = self.by_day.get(day)
        if rules is None:
            rules = tuple(rule for rule in self.rules if rule.in_force(day))
            if len(self.by_day) < 1 << 14:
                self.by_day[day] = rules
        return rules

    def program(self, day: dt.date) -> Programs:
        """The compiled programs of the rules in force on `day`."""
        programs = self.programs_by_day.get(day)
        if programs is None:
            programs = self.programs[tuple(rule.id for rule in self.in_force(day))]
            if len(self.programs_by_day) < 1 << 14:
                self.programs_by_day[day] = programs
        return programs


@dataclass(frozen=True)
class Programs:
    """The rules in force over a period, compiled: `incident(facts, -1, hits)` and `detention(facts, index,
    hits)` append (position in `rules`, index) for each rule that is not silent on the values alone."""

    rules: tuple
    incident: object
    detention: object
    has_detention_rules: bool


def _programs(compiler: codegen.Compiler, rules: tuple) -> dict:
    """One Programs per distinct set of rules in force (the sets change only where a rule's period starts or
    ends), keyed by the rules' ids."""
    starts = {dt.date.min} | {rule.in_force_from for rule in rules}
    starts |= {rule.in_force_until + dt.timedelta(days=1) for rule in rules if rule.in_force_until}
    out = {}
    for day in sorted(starts):
        in_force = tuple(rule for rule in rules if rule.in_force(day))
        key = tuple(rule.id for rule in in_force)
        if key in out:
            continue
        parts = {"incident": [], "detention": []}
        for position, rule in enumerate(in_force):
            silent = rule.app_unknown == "silent"
            parts[rule.scope].append((position, rule.applicability, rule.violation, rule.tags, silent))
        out[key] = Programs(
            rules=in_force,
            incident=compiler.program(parts["incident"]),
            detention=compiler.program(parts["detention"]),
            has_detention_rules=bool(parts["detention"]),
        )
    return out


def _need(table: dict, key: str, kind, rule: str | None, prefix: str = ""):
    if key not in table:
        raise PackError(rule, prefix + key, "missing")
    value = table[key]
    if kind is dt.date:
        ok = isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, kind)
    if not ok:
        name = getattr(kind, "__name__", str(kind))
        raise PackError(rule, prefix + key, f"{type(value).__name__} given, {name} expected")
    return value


def _canonical(data) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def load_pack(path: str | Path, *, offences: list | None = None) -> Pack:
    """Load and check a pack. `offences` replaces the pack's offence list (tests use a fictional one)."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise PackError(None, "", f"not TOML: {error}")
    if offences is not None:
        data.setdefault("offences", {})["list"] = offences
        data["offences"]["complete"] = True
    return build_pack(data)


def build_pack(data: dict) -> Pack:
    head = _need(data, "pack", dict, None)
    jurisdiction = _need(head, "jurisdiction", str, None, "pack.")
    title = _need(head, "title", str, None, "pack.")
    try:
        zone = ZoneInfo(_need(head, "time_zone", str, None, "pack."))
    except (ZoneInfoNotFoundError, ValueError):
        raise PackError(None, "pack.time_zone", f"{head['time_zone']!r} is not a time zone")
    languages = tuple(_need(head, "languages", list, None, "pack."))
    if "en" not in languages or not all(isinstance(x, str) for x in languages):
        raise PackError(None, "pack.languages", "a list of language codes including 'en' expected")

    sources = _need(data, "sources", dict, None)
    for sid, entry in sources.items():
        if not isinstance(entry, dict):
            raise PackError(None, f"sources.{sid}", "a table expected")
        for key in ("text", "source", "status"):
            _need(entry, key, str, None, f"sources.{sid}.")
    links = data.get("links", {})
    if not isinstance(links, dict) or not all(isinstance(v, str) for v in links.values()):
        raise PackError(None, "links", "a table of strings expected")

    cal = _need(data, "calendar", dict, None)
    skip = _need(cal, "skip_weekdays", list, None, "calendar.")
    for i, day in enumerate(skip):
        if day not in WEEKDAYS:
            raise PackError(None, f"calendar.skip_weekdays[{i}]", f"{day!r} is not a weekday name")
    for key in ("source", "status"):
        _need(cal, key, str, None, "calendar.")
    h_from = _need(cal, "holidays_from", dt.date, None, "calendar.")
    h_through = _need(cal, "holidays_through", dt.date, None, "calendar.")
    holidays = set()
    for i, entry in enumerate(_need(cal, "holidays", list, None, "calendar.")):
        at = f"calendar.holidays[{i}]."
        if not isinstance(entry, dict):
            raise PackError(None, at[:-1], "a table expected")
        day = _need(entry, "date", dt.date, None, at)
        _need(entry, "name", str, None, at)
        if not h_from <= day <= h_through:
            raise PackError(None, at + "date", f"{day} is outside holidays_from..holidays_through")
        holidays.add(day)

    off = _need(data, "offences", dict, None)
    complete = _need(off, "complete", bool, None, "offences.")
    for key in ("source", "status"):
        _need(off, key, str, None, "offences.")
    offences = {}
    for i, entry in enumerate(_need(off, "list", list, None, "offences.")):
        at = f"offences.list[{i}]."
        if not isinstance(entry, dict):
            raise PackError(None, at[:-1], "a table expected")
        name = _need(entry, "offence", str, None, at)
        if name in offences:
            raise PackError(None, at + "offence", f"{name!r} is listed twice")
        offences[name] = _need(entry, "listed_from", dt.date, None, at)
        _need(entry, "source", str, None, at)

    defs = data.get("defs", {})
    if not isinstance(defs, dict):
        raise PackError(None, "defs", "a table expected")
    readings = data.get("readings", {})
    if not isinstance(readings, dict):
        raise PackError(None, "readings", "a table expected")
    variant_defs, reading_notes = {}, {}
    for axis, entry in readings.items():
        at = f"readings.{axis}."
        if not isinstance(entry, dict):
            raise PackError(None, at[:-1], "a table expected")
        reading_notes[axis] = _need(entry, "note", str, None, at)
        variants = _need(entry, "variants", dict, None, at)
        if len(variants) < 2:
            raise PackError(None, at + "variants", "at least two readings expected")
        variant_defs[axis] = []
        for vname, vdefs in variants.items():
            if not isinstance(vdefs, dict):
                raise PackError(None, f"{at}variants.{vname}", "a table expected")
            variant_defs[axis].append((vname, {k: v for k, v in vdefs.items() if k != "source"}))

    all_def_names = set(defs) | {k for vs in variant_defs.values() for _, d in vs for k in d}
    for name, expr in defs.items():
        _check(expr, f"defs.{name}", all_def_names, None, None)
    for axis, vs in variant_defs.items():
        for vname, vdefs in vs:
            for name, expr in vdefs.items():
                _check(expr, f"readings.{axis}.variants.{vname}.{name}", all_def_names, None, None)

    base_ctx = dict(
        offences=offences,
        offences_complete=complete,
        zone=zone,
        skip_weekdays=frozenset(WEEKDAYS.index(d) for d in skip),
        holidays=frozenset(holidays),
        holidays_from=h_from,
        holidays_through=h_through,
    )
    base_ctx["calendar"] = Calendar(lang.Context(defs={}, **base_ctx))  # precomputed once per pack
    # One context per set of definitions (the pack's, tag ""; each reading's, tag "axis.variant"), and one
    # compiler for them all, so that a definition is compiled once and computed once per evaluated record.
    contexts, variants = {"": lang.Context(defs=dict(defs), **base_ctx)}, {}
    for axis, vs in variant_defs.items():
        for vname, vdefs in vs:
            contexts[f"{axis}.{vname}"] = lang.Context(defs={**defs, **vdefs}, **base_ctx)
            variants[f"{axis}.{vname}"] = frozenset(vdefs)
    compiler = codegen.Compiler(contexts, variants)
    readings_tags = {axis: tuple(f"{axis}.{vname}" for vname, _ in vs) for axis, vs in variant_defs.items()}
    rules, seen = [], set()
    raw_rules = _need(data, "rules", list, None)
    for index, raw in enumerate(raw_rules):
        rules.append(
            _rule(raw, index, seen, sources, languages, defs, variant_defs, all_def_names, compiler, readings_tags)
        )
    if not rules:
        raise PackError(None, "rules", "no rules")
    programs = _programs(compiler, tuple(rules))
    return Pack(
        jurisdiction=jurisdiction,
        title=title,
        zone=zone,
        languages=languages,
        hash=hashlib.sha256(_canonical(data)).hexdigest(),
        rules=tuple(rules),
        sources=sources,
        links=links,
        reading_notes=reading_notes,
        data=data,
        programs=programs,
    )


def _check(expr, where: str, def_names: set, rule: str | None, bound=frozenset()):
    try:
        lang.check(expr, where, def_names, bound)
    except lang.ExprError as error:
        raise PackError(rule, error.where, str(error).partition(": ")[2])


def _fact_names(expr, defs: dict, variants: list, seen: set | None = None) -> set:
    """Every fact an expression reads, following definitions (in every reading)."""
    seen = set() if seen is None else seen
    names = lang.facts_read(expr)
    for ref in lang.refs(expr) - seen:
        seen.add(ref)
        bodies = [defs[ref]] if ref in defs else []
        bodies += [d[ref] for _, d in variants if ref in d]
        for body in bodies:
            names |= _fact_names(body, defs, variants, seen)
    return names


def _assumed(expr, defs: dict, variants: list, seen: set | None = None) -> set:
    """Every `unknown_read_as` read of an expression, as (fact, value), following definitions (in every
    reading)."""
    seen = set() if seen is None else seen
    found = set(lang.assumptions(expr))
    for ref in lang.refs(expr) - seen:
        seen.add(ref)
        bodies = [defs[ref]] if ref in defs else []
        bodies += [d[ref] for _, d in variants if ref in d]
        for body in bodies:
            found |= _assumed(body, defs, variants, seen)
    return found


def _fits(kind, value) -> bool:
    """Whether `value` is one a fact of `kind` can take (what `unknown_read_as` may read an unknown one as)."""
    if isinstance(kind, tuple):
        return value in kind
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "date":
        return lang.is_value(value) and isinstance(value, dt.date)
    if kind == "str":
        return isinstance(value, str)
    return False  # a list or an instant: no literal stands for one


def _operators(expr, defs: dict) -> set:
    """Every operator an expression uses, following definitions."""
    ops, seen, todo = set(), set(), [expr]
    while todo:
        node = todo.pop()
        if isinstance(node, str) and node.startswith("@") and node[1:] not in seen:
            seen.add(node[1:])
            todo.append(defs[node[1:]])
        elif isinstance(node, dict):
            ops |= set(node) & lang.OPERATORS
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return ops


def _rule(raw, index, seen, sources, languages, defs, variant_defs, def_names, compiler, readings_tags) -> Rule:
    if not isinstance(raw, dict):
        raise PackError(f"#{index}", "", "a table expected")
    rid = raw.get("id")
    if not isinstance(rid, str) or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rid):
        raise PackError(f"#{index}", "id", f"{rid!r} is not a lower-case id (letters, digits, hyphens)")
    if rid in seen:
        raise PackError(rid, "id", "used twice")
    seen.add(rid)
    unknown_keys = set(raw) - RULE_KEYS
    if unknown_keys:
        raise PackError(rid, sorted(unknown_keys)[0], "not a field of a rule")
    for key in RULE_KEYS - OPTIONAL_RULE_KEYS:
        if key not in raw:
            raise PackError(rid, key, "missing")
    for key in ("title", "citation"):
        if not _need(raw, key, str, rid).strip():
            raise PackError(rid, key, "empty")
    cited = _need(raw, "sources", list, rid)
    if not cited:
        raise PackError(rid, "sources", "at least one source expected")
    for i, sid in enumerate(cited):
        if sid not in sources:
            raise PackError(rid, f"sources[{i}]", f"{sid!r} is not in the pack's sources")
    unverified = _need(raw, "unverified", bool, rid)
    level = raw["level"]
    if level not in RULE_LEVELS:
        raise PackError(rid, "level", f"{level!r} is not one of {', '.join(RULE_LEVELS)}")
    scope = raw["scope"]
    if scope not in ("incident", "detention"):
        raise PackError(rid, "scope", f"{scope!r} is not incident or detention")
    start = _need(raw, "in_force_from", dt.date, rid)
    until = _need(raw, "in_force_until", dt.date, rid) if "in_force_until" in raw else None
    if until is not None and until < start:
        raise PackError(rid, "in_force_until", "before in_force_from")
    reading = raw.get("readings")
    if reading is not None and reading not in variant_defs:
        raise PackError(rid, "readings", f"{reading!r} is not in the pack's readings")
    note = _need(raw, "note", str, rid) if "note" in raw else None

    known = set(INCIDENT_FIELDS) | (set(DETENTION_FIELDS) if scope == "detention" else set())
    ask = _need(raw, "ask_when_unknown", list, rid)
    for i, name in enumerate(ask):
        if name not in known:
            raise PackError(rid, f"ask_when_unknown[{i}]", f"{name!r} is not a fact of a {scope}")
    variants = variant_defs.get(reading, []) if reading else []
    app_names, app_ops, read = set(), set(), set()
    for key in ("applicability", "violation"):
        _check(raw[key], key, def_names, rid)
        names = _fact_names(raw[key], defs, [v for vs in variant_defs.values() for v in vs])
        read |= names
        if key == "applicability":
            app_names = names
            app_ops = _operators(raw[key], {**defs, **(variants[0][1] if variants else {})})
        for name in sorted(names - known):
            raise PackError(rid, key, f"reads {name!r}, which is not a fact of a {scope}")
        for ref in lang.refs(raw[key]):
            if ref not in defs and not any(ref in d for _, d in variants):
                raise PackError(rid, key, f"@{ref} is defined only in a reading this rule does not use")
        every_reading = [v for vs in variant_defs.values() for v in vs]
        for fact, value in sorted(_assumed(raw[key], defs, every_reading), key=repr):
            head, _, item_field = fact[1:].partition(".")
            kinds = [spec[item_field] for spec in ITEM_FIELDS.values() if item_field in spec] if item_field else []
            kinds = kinds or ([] if item_field else [{**INCIDENT_FIELDS, **DETENTION_FIELDS}[head]])
            if not any(_fits(kind, value) for kind in kinds):
                raise PackError(rid, key, f"{fact} is read as {value!r} when unknown, which it cannot be")

    explanation = _need(raw, "explanation", dict, rid)
    texts = {}
    for code in languages:
        at = f"explanation.{code}"
        entry = explanation.get(code)
        if not isinstance(entry, dict):
            raise PackError(rid, at, "missing (every language of the deployment needs an entry)")
        reviewed = _need(entry, "reviewed", bool, rid, at + ".")
        text = entry.get("text")
        if code == "en" and not (isinstance(text, str) and text.strip()):
            raise PackError(rid, at + ".text", "the English explanation is required")
        if code != "en" and text is None:
            if entry.get("shows") != "en" or reviewed:
                raise PackError(rid, at, 'a placeholder is { reviewed = false, shows = "en" }')
        elif not isinstance(text, str):
            raise PackError(rid, at + ".text", "a string expected")
        texts[code] = {"text": text, "reviewed": reviewed, "shows": entry.get("shows")}
    for code in sorted(set(explanation) - set(languages)):
        raise PackError(rid, f"explanation.{code}", "not a language of the pack")

    if app_names <= set(ask) and "hours_skipping" not in app_ops:
        app_unknown = "ask"
    elif not app_names & set(ask) and "listed" not in app_ops:
        app_unknown = "silent"  # an unknown applicability names at least one fact, none of them asked for
    else:
        app_unknown = "check"
    tags = readings_tags[reading] if reading else ("",)
    contexts = tuple(compiler.contexts[tag] for tag in tags)
    try:
        track = compiler.tracked_function(raw["applicability"], raw["violation"], tags)
        app_value = compiler.value_function(raw["applicability"], tags[0])
        viol_values = tuple(compiler.value_function(raw["violation"], tag) for tag in tags)
    except lang.ExprError as error:
        raise PackError(rid, error.where, str(error).partition(": ")[2])
    kinds = {**INCIDENT_FIELDS, **(DETENTION_FIELDS if scope == "detention" else {})}
    categorical = all(isinstance(kinds[name], tuple) or kinds[name] == "bool" for name in read)
    return Rule(
        id=rid,
        title=raw["title"],
        citation=raw["citation"],
        sources=tuple(cited),
        unverified=unverified,
        level=level,
        scope=scope,
        in_force_from=start,
        in_force_until=until,
        readings=reading,
        applicability=raw["applicability"],
        violation=raw["violation"],
        ask_when_unknown=frozenset(ask),
        note=note,
        explanation=texts,
        tags=tags,
        track=track,
        verdict_key=compiler.key_function(sorted(read)) if categorical else None,
        app_value=app_value,
        viol_values=viol_values,
        contexts=contexts,
        app_unknown=app_unknown,
        shown_title=f"{raw['title']} (UNVERIFIED)" if unverified else raw["title"],
    )
