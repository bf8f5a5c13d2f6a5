"""Facts in, findings out. No Django here.

For each rule in force on the incident's date (and, for a detention rule, each detention record):

- applicability false: silent; unknown: silent unless every unknown fact it turns on is one the rule asks for
  (`ask_when_unknown`), then `needs_information` naming them (unless the violation condition is false);
- violation true: the rule's level, whatever else is unknown; false: silent; unknown: `needs_information`
  naming only the unknown facts that could change it;
- a rule with readings (two readings of an unsettled point) is judged under each: if they agree, as above; if
  one gives a violation and the other not, `needs_information` with the readings' note.

The pack's compiled programs (`codegen`) judge every rule of an incident, and of each detention record, on
values alone; only the rules that are not silent are evaluated again, tracked, to name the facts of the finding.
`baseline=True` judges by the plain interpreter instead (`interpret.walk`).
"""

from __future__ import annotations

import datetime as dt

from vigil.rules.facts import DETENTION_FIELDS, OVERRIDES, Incident, parse_incident
from vigil.rules.interpret import walk
from vigil.rules.lang import UNKNOWN
from vigil.rules.pack import LEVELS, Pack, Rule

_BASES: dict = {}
_CACHE_LIMIT = 1 << 16


def _base(name: str) -> str:
    base = _BASES.get(name)
    if base is None:
        base = _BASES[name] = name.split("[", 1)[0].split(".", 1)[0]
    return base


def judge(rule: Rule, facts: dict, baseline: bool = False, memo: dict | None = None):
    """(level, known facts, unknown facts, reason) or None when the rule is silent, for one incident or one
    detention record. (`memo` is accepted for callers of the closures' time; the compiled functions keep their
    own.)"""
    if baseline:
        return _judge_walk(rule, facts)
    # The values first: most rules are silent, and a silent rule names no facts.
    a = rule.app_value(facts)
    if a is UNKNOWN:
        if rule.app_unknown == "silent":
            return None
    elif not a:
        return None
    if all(value is not UNKNOWN and not value for value in (fn(facts) for fn in rule.viol_values)):
        return None
    return _tracked_verdict(rule, facts)


def _tracked_verdict(rule: Rule, facts: dict):
    """The verdict of a rule that is not silent on values, with the facts that decided it; None when its
    applicability is unknown on a fact it does not ask for."""
    a, ak, au, results = rule.track(facts)
    if a is UNKNOWN and rule.app_unknown == "check":
        ask = rule.ask_when_unknown
        for n in au:
            if _base(n) not in ask:
                return None
    return _verdict(rule, a, ak, au, results)


def fully_evaluated(rule: Rule, facts: dict, memo: dict | None = None) -> bool:
    """Whether the rule's conditions are known on these facts: its applicability, and when it applies its
    violation condition under every reading (the benchmark's coverage)."""
    a = rule.app_value(facts)
    if a is UNKNOWN:
        return False
    return not a or all(fn(facts) is not UNKNOWN for fn in rule.viol_values)


def _judge_walk(rule: Rule, facts: dict):
    """The same judgment by the plain interpreter (the baseline)."""
    a, ak, au = walk(rule.applicability, facts, rule.contexts[0])
    if a is UNKNOWN:
        if not {_base(n) for n in au} <= rule.ask_when_unknown:
            return None
    elif not a:
        return None
    results = [walk(rule.violation, facts, ctx) for ctx in rule.contexts]
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
    known, unknown, pending, violated = ak, (), False, True
    for value, k, u in results:
        known += k
        if value is UNKNOWN:
            pending = True
            unknown += u
        elif not value:
            violated = False
    if a is UNKNOWN:
        return "needs_information", ak, au + unknown, "unknown"
    if pending:
        return "needs_information", known, unknown, "unknown"
    if violated:
        return rule.level, known, (), "decided"
    return "needs_information", known, (), "readings"


def _json(value):
    cls = value.__class__
    if cls is str or cls is bool:
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return len(value)
    return value


def findings_for(pack: Pack, incident: Incident, *, baseline: bool = False) -> list[dict]:
    """Every finding for one parsed incident, in the pack's rule order, detention by detention.

    1. Run the compiled programs of the rules in force on the incident's date: once on the incident's facts,
       once per detention record on the record's facts over the incident's; each names the rules that are not
       silent on values alone, as (position, record).
    2. For each, in rule order then record order, evaluate the rule tracked and write the finding."""
    if baseline:
        return _findings_walk(pack, incident)
    programs = pack.program(incident.date)
    facts = incident.facts
    hits: list = []
    programs.incident(facts, -1, hits)
    records = incident.detentions
    merged = None
    if records and programs.has_detention_rules:
        merged = [{**facts, **record} for record in records]
        detention = programs.detention
        for i, record_facts in enumerate(merged):
            detention(record_facts, i, hits)
    if not hits:
        return []
    hits.sort()
    rules, out = programs.rules, []
    for position, i in hits:
        rule = rules[position]
        if i < 0:
            record_facts, index, inherited = facts, None, ()
        else:
            record_facts, index = merged[i], i
            inherited = tuple(o for o in OVERRIDES if o not in records[i] and o in facts)
        if rule.verdict_key is None:
            verdict = _tracked_verdict(rule, record_facts)
            shape = None if verdict is None else _shape(pack, rule, verdict, index, inherited)
        else:
            shape = _kept_shape(pack, rule, record_facts, index, inherited)
        if shape is not None:
            out.append(_finding(rule, shape, record_facts, index, pack.hash))
    return out


def _kept_shape(pack: Pack, rule: Rule, facts: dict, index, inherited: tuple):
    """The shape of the finding of a rule that reads only categorical facts, kept with its verdict per
    combination of their values (and per place of the record); None when the rule is silent."""
    key = rule.verdict_key(facts)
    entry = rule.verdicts.get(key)
    if entry is None:
        entry = (_tracked_verdict(rule, facts), {})
        if len(rule.verdicts) < _CACHE_LIMIT:
            rule.verdicts[key] = entry
    verdict, shapes = entry
    if verdict is None:
        return None
    spot = (index, inherited)
    shape = shapes.get(spot)
    if shape is None:
        shape = _shape(pack, rule, verdict, index, inherited)
        if len(shapes) < 64:
            shapes[spot] = shape
    return shape


def _findings_walk(pack: Pack, incident: Incident) -> list[dict]:
    """The same findings by the plain interpreter, rule by rule (the baseline)."""
    out = []
    facts = incident.facts
    records = [
        ({**facts, **record}, tuple(o for o in OVERRIDES if o not in record and o in facts))
        for record in incident.detentions
    ]
    for rule in pack.in_force(incident.date):
        if rule.scope == "incident":
            verdict = _judge_walk(rule, facts)
            if verdict:
                out.append(_finding(rule, _shape(pack, rule, verdict, None, ()), facts, None, pack.hash))
            continue
        for i, (merged, inherited) in enumerate(records):
            verdict = _judge_walk(rule, merged)
            if verdict:
                out.append(_finding(rule, _shape(pack, rule, verdict, i, inherited), merged, i, pack.hash))
    return out


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
        if len(_PATHS) < _CACHE_LIMIT:
            _PATHS[key] = place
    return place


_LAYOUTS: dict = {}
_UNKNOWN_PATHS: dict = {}


def _layout(known: tuple, index, inherited: tuple) -> tuple:
    """The places of the facts a finding shows, one per path, in the order of their paths (cached: the same
    facts decide many findings)."""
    key = (known, index, inherited)
    layout = _LAYOUTS.get(key)
    if layout is None:
        places = {}
        for n in known:
            place = _place(n, index, inherited)
            places[place[0]] = place
        layout = tuple(places[path] for path in sorted(places))
        if len(_LAYOUTS) < _CACHE_LIMIT:
            _LAYOUTS[key] = layout
    return layout


def _unknown_paths(unknown: tuple, index, inherited: tuple) -> tuple:
    key = (unknown, index, inherited)
    paths = _UNKNOWN_PATHS.get(key)
    if paths is None:
        paths = tuple(sorted({_place(n, index, inherited)[0] for n in unknown}))
        if len(_UNKNOWN_PATHS) < _CACHE_LIMIT:
            _UNKNOWN_PATHS[key] = paths
    return paths


def _shape(pack: Pack, rule: Rule, verdict, index, inherited: tuple) -> tuple:
    """What a finding shows besides the facts' values: (level, its text, note, the places of the facts shown,
    the paths of the unknown facts named)."""
    level, known, unknown, reason = verdict
    if reason == "readings":
        note = pack.reading_notes[rule.readings]
    elif level == rule.level:
        note = rule.note
    else:
        note = None
    layout = _layout(known, index, inherited)
    return level, LEVELS[level], note, layout, _unknown_paths(unknown, index, inherited) if unknown else ()


def _finding(rule: Rule, shape: tuple, facts: dict, index, pack_hash: str) -> dict:
    level, level_text, note, layout, unknown = shape
    shown = {}
    for path, head, item, field in layout:
        value = facts.get(head, UNKNOWN)
        if item is not None and value is not UNKNOWN:
            value = value[item].get(field, UNKNOWN)
        cls = value.__class__
        shown[path] = value if cls is str or cls is bool else _json(value)
    return {
        "rule": rule.id,
        "title": rule.shown_title,
        "citation": rule.citation,
        "level": level,
        "level_text": level_text,
        "unverified": rule.unverified,
        "detention": index,
        "facts": shown,
        "unknown": list(unknown),
        "note": note,
        "pack": pack_hash,
    }


def evaluate_rules(pack: Pack, incidents: list, *, baseline: bool = False) -> list[dict]:
    """The command's contract: a list of incident objects (docs/rules.md) in, per object its id and findings
    out. Raises FactsError naming the object and field on bad input, before judging anything."""
    parsed = [parse_incident(raw, i, pack.zone) for i, raw in enumerate(incidents)]
    return [{"id": inc.id, "findings": findings_for(pack, inc, baseline=baseline)} for inc in parsed]
