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

from vigil.rules import lang
from vigil.rules.facts import DETENTION_FIELDS, OVERRIDES, Incident, parse_incident
from vigil.rules.lang import UNKNOWN
from vigil.rules.pack import LEVELS, Pack, Rule

_BASES: dict = {}
_NO_SCOPE: dict = {}


def _base(name: str) -> str:
    base = _BASES.get(name)
    if base is None:
        base = _BASES[name] = name.split("[", 1)[0].split(".", 1)[0]
    return base


def judge(rule: Rule, facts: dict, baseline: bool = False, memo: dict | None = None):
    """(level, known facts, unknown facts, reason) or None when the rule is silent. `memo` is the record's
    memo of definitions (one dict per incident or detention record, shared by the rules)."""
    if baseline:
        return _judge_walk(rule, facts)
    memo = {} if memo is None else memo
    # The values first: most rules are silent, and a silent rule names no facts.
    a = rule.app_value(facts, _NO_SCOPE, memo)
    if a is UNKNOWN:
        mode = rule.app_unknown
        if mode == "silent":
            return None
        if mode == "check":
            ask = rule.ask_when_unknown
            for n in rule.app_fn(facts, _NO_SCOPE, memo)[2]:
                if _base(n) not in ask:
                    return None
    elif not a:
        return None
    pending = decided = False
    for fn in rule.viol_values:
        value = fn(facts, _NO_SCOPE, memo)
        if value is UNKNOWN:
            pending = True
        elif value:
            decided = True
    if not pending and not decided:
        return None
    # A finding: now the facts that decided it.
    _, ak, au = rule.app_fn(facts, _NO_SCOPE, memo)
    return _verdict(rule, a, ak, au, [fn(facts, _NO_SCOPE, memo) for fn in rule.viol_fns])


def fully_evaluated(rule: Rule, facts: dict, memo: dict | None = None) -> bool:
    """Whether the rule's conditions are known on these facts: its applicability, and when it applies its
    violation condition under every reading (the benchmark's coverage)."""
    memo = {} if memo is None else memo
    a = rule.app_value(facts, _NO_SCOPE, memo)
    if a is UNKNOWN:
        return False
    return not a or all(fn(facts, _NO_SCOPE, memo) is not UNKNOWN for fn in rule.viol_values)


def _judge_walk(rule: Rule, facts: dict):
    """The same judgment by the plain interpreter (the baseline)."""
    a, ak, au = lang.walk(rule.applicability, facts, rule.contexts[0])
    if a is UNKNOWN:
        if not {_base(n) for n in au} <= rule.ask_when_unknown:
            return None
    elif not a:
        return None
    results = [lang.walk(rule.violation, facts, ctx) for ctx in rule.contexts]
    if {value if value is UNKNOWN else bool(value) for value, _, _ in results} == {False}:
        return None
    return _verdict(rule, a, ak, au, results)


def _verdict(rule: Rule, a, ak, au, results):
    if len(results) == 1:
        value, k, u = results[0]
        if a is UNKNOWN:
            return "needs_information", ak, au + u, "unknown"
        if value is UNKNOWN:
            return "needs_information", ak + k, u, "unknown"
        return rule.level, ak + k, (), "decided"  # a violation condition that is false is silent before this
    unknown = [u for value, _, u in results if value is UNKNOWN]
    values = {value if value is UNKNOWN else bool(value) for value, _, _ in results}
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


def findings_for(pack: Pack, incident: Incident, *, baseline: bool = False) -> list[dict]:
    """Every finding for one parsed incident, in the pack's rule order, detention by detention."""
    out = []
    day = incident.date
    facts = incident.facts
    records = None
    memo: dict = {}
    for rule in pack.in_force(day):
        guards = () if baseline else rule.guards
        if rule.scope == "incident":
            if not _open(guards, facts):
                continue
            verdict = judge(rule, facts, baseline, memo)
            if verdict:
                out.append(_finding(pack, rule, verdict, facts, None, ()))
            continue
        if records is None:
            records = [
                ({**facts, **record}, {}, tuple(o for o in OVERRIDES if o not in record and o in facts))
                for record in incident.detentions
            ]
        for i, (merged, dmemo, inherited) in enumerate(records):
            if not _open(guards, merged):
                continue
            verdict = judge(rule, merged, baseline, dmemo)
            if verdict:
                out.append(_finding(pack, rule, verdict, merged, i, inherited))
    return out


def _open(guards: tuple, facts: dict) -> bool:
    """False when a guard fact is known and outside its values: the applicability is then false."""
    for name, allowed in guards:
        value = facts.get(name, UNKNOWN)
        if value is not UNKNOWN and value not in allowed:
            return False
    return True


_PATHS: dict = {}


def _place(name: str, index, inherited: tuple) -> tuple:
    """(path, head, item index, field) of a fact read for detention `index`: its path is the record's own
    field, or the incident's when the record has none of an overridable fact (warrant, custody) and the
    incident has it (`inherited`)."""
    key = (name, index, inherited)
    place = _PATHS.get(key)
    if place is None:
        base = _base(name)
        if index is None or name.startswith("calendar.") or base not in DETENTION_FIELDS or base in inherited:
            path = name
        else:
            path = f"detentions[{index}].{name}"
        head, _, rest = name.partition("[")
        item, _, field = rest.partition("].")
        place = (path, head, int(item) if rest else None, field)
        if len(_PATHS) < 1 << 16:
            _PATHS[key] = place
    return place


def _finding(pack: Pack, rule: Rule, verdict, facts: dict, index, inherited: tuple) -> dict:
    level, known, unknown, reason = verdict
    places = {}
    for n in known:
        place = _place(n, index, inherited)
        places[place[0]] = place
    shown = {}
    for path in sorted(places):
        _, head, item, field = places[path]
        value = facts.get(head, UNKNOWN)
        if item is not None and value is not UNKNOWN:
            value = value[item].get(field, UNKNOWN)
        shown[path] = _json(value)
    if reason == "readings":
        note = pack.reading_notes[rule.readings]
    elif level == rule.level:
        note = rule.note
    else:
        note = None
    return {
        "rule": rule.id,
        "title": rule.shown_title,
        "citation": rule.citation,
        "level": level,
        "level_text": LEVELS[level],
        "unverified": rule.unverified,
        "detention": index,
        "facts": shown,
        "unknown": sorted({_place(n, index, inherited)[0] for n in unknown}) if unknown else [],
        "note": note,
        "pack": pack.hash,
    }


def evaluate_rules(pack: Pack, incidents: list, *, baseline: bool = False) -> list[dict]:
    """The command's contract: a list of incident objects (docs/rules.md) in, per object its id and findings
    out. Raises FactsError naming the object and field on bad input, before judging anything."""
    parsed = [parse_incident(raw, i, pack.zone) for i, raw in enumerate(incidents)]
    return [{"id": inc.id, "findings": findings_for(pack, inc, baseline=baseline)} for inc in parsed]
