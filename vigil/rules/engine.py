"""Facts in, findings out. No Django here.

For each rule in force on the incident's date (and, for a detention rule, each detention record):

- applicability false: silent; unknown: silent unless every unknown fact it turns on is one the rule asks for
  (`ask_when_unknown`), then `needs_information` naming them (unless the violation condition is false);
- violation true: the rule's level, whatever else is unknown; false: silent; unknown: `needs_information`
  naming only the unknown facts that could change it;
- a rule with readings (two readings of an unsettled point) is judged under each: if they agree, as above; if
  one gives a violation and the other not, `needs_information` with the readings' note.
"""

from __future__ import annotations

import datetime as dt
import re

from vigil.rules import lang
from vigil.rules.facts import DETENTION_FIELDS, OVERRIDES, Incident, parse_incident
from vigil.rules.lang import UNKNOWN
from vigil.rules.pack import LEVELS, Pack, Rule

_INDEX = re.compile(r"\[(\d+)\]")


def _base(name: str) -> str:
    return name.split("[", 1)[0].split(".", 1)[0]


def judge(rule: Rule, facts: dict, baseline: bool = False):
    """(level, known facts, unknown facts, reason) or None when the rule is silent."""
    if baseline:
        a, ak, au = lang.walk(rule.applicability, facts, rule.contexts[0])
    else:
        a, ak, au = rule.app_fn(facts, {})
    if a is UNKNOWN:
        if not {_base(n) for n in au} <= rule.ask_when_unknown:
            return None
    elif not a:
        return None
    if baseline:
        results = [lang.walk(rule.violation, facts, ctx) for ctx in rule.contexts]
    else:
        results = [fn(facts, {}) for fn in rule.viol_fns]
    unknown = [u for value, _, u in results if value is UNKNOWN]
    values = {value if value is UNKNOWN else bool(value) for value, _, _ in results}
    if values == {False}:
        return None
    known = ak + tuple(x for _, k, _ in results for x in k)
    if a is UNKNOWN:
        return "needs_information", ak, au + tuple(x for u in unknown for x in u), "unknown"
    if unknown:
        return "needs_information", known, tuple(x for u in unknown for x in u), "unknown"
    if values == {True}:
        return rule.level, known, (), "decided"
    return "needs_information", known, (), "readings"


def _json(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return len(value)
    return value


def _lookup(facts: dict, name: str):
    head, _, rest = name.partition("[")
    value = facts.get(head, UNKNOWN)
    if rest and value is not UNKNOWN:
        index, _, field = rest.partition("].")
        value = value[int(index)].get(field, UNKNOWN)
    return value


def findings_for(pack: Pack, incident: Incident, *, baseline: bool = False) -> list[dict]:
    """Every finding for one parsed incident, in the pack's rule order, detention by detention."""
    out = []
    day = incident.date
    merged = None
    for rule in pack.rules:
        if not rule.in_force(day):
            continue
        if rule.scope == "incident":
            verdict = judge(rule, incident.facts, baseline)
            if verdict:
                out.append(_finding(pack, rule, verdict, incident.facts, None, None))
            continue
        if merged is None:
            merged = [{**incident.facts, **record} for record in incident.detentions]
        for i, facts in enumerate(merged):
            verdict = judge(rule, facts, baseline)
            if verdict:
                out.append(_finding(pack, rule, verdict, facts, i, incident.detentions[i]))
    return out


def _path(name: str, index, record: dict) -> str:
    """Where a fact read for detention `index` lives: the record's own field, or the incident's when the
    record has none of an overridable fact (warrant, custody) and the incident has it."""
    if index is None or name.startswith("calendar."):
        return name
    base = _base(name)
    if base not in DETENTION_FIELDS or (base in OVERRIDES and base not in record and base in incident_keys(record)):
        return name
    return f"detentions[{index}].{name}"


def incident_keys(record: dict) -> set:
    return record.get("__incident__", set())


def _finding(pack: Pack, rule: Rule, verdict, facts: dict, index, record) -> dict:
    level, known, unknown, reason = verdict
    record = {} if record is None else {**record, "__incident__": facts.keys() - record.keys()}
    paths_known = {_path(n, index, record): n for n in known}
    paths_unknown = sorted({_path(n, index, record) for n in unknown})
    finding = {
        "rule": rule.id,
        "title": rule.title,
        "citation": rule.citation,
        "level": level,
        "level_text": LEVELS[level],
        "unverified": rule.unverified,
        "detention": index,
        "facts": {path: _json(_lookup(facts, name)) for path, name in sorted(paths_known.items())},
        "unknown": paths_unknown,
        "note": None,
        "pack": pack.hash,
    }
    if reason == "readings":
        finding["note"] = pack.reading_notes[rule.readings]
    elif level == rule.level and rule.note:
        finding["note"] = rule.note
    if rule.unverified:
        finding["title"] = f"{rule.title} (UNVERIFIED)"
    return finding


def evaluate_rules(pack: Pack, incidents: list, *, baseline: bool = False) -> list[dict]:
    """The command's contract: a list of incident objects (docs/rules.md) in, per object its id and findings
    out. Raises FactsError naming the object and field on bad input, before judging anything."""
    parsed = [parse_incident(raw, i, pack.zone) for i, raw in enumerate(incidents)]
    return [{"id": inc.id, "findings": findings_for(pack, inc, baseline=baseline)} for inc in parsed]
