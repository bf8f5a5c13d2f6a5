"""The plain tree-walking interpreter of the condition language: the baseline. No Django here.

`walk` evaluates the expression data as it stands, node by node, with the plain calendar functions; the compiled
programs (`codegen`) must give the same findings, and the benchmark and the tests check that they do.
"""

from __future__ import annotations

import datetime as dt

from vigil.rules.calendar_math import hours_skipping, listed, overlap_days, years_before
from vigil.rules.lang import COMPARISONS, OPERATORS, UNKNOWN, Context, E


def walk(node, facts: dict, ctx: Context, scope: dict | None = None):
    """Evaluate the expression data as it stands, with the same results as the compiled programs."""
    scope = {} if scope is None else scope
    if isinstance(node, str):
        if node.startswith("@"):
            return walk(ctx.defs[node[1:]], facts, ctx, scope)
        if node.startswith("$"):
            head, _, field = node[1:].partition(".")
            if field:
                item, prefix = scope[head]
                value, path = item.get(field, UNKNOWN), f"{prefix}.{field}"
            else:
                value, path = facts.get(head, UNKNOWN), head
            return (UNKNOWN, E, (path,)) if value is UNKNOWN else (value, (path,), E)
        return node, E, E
    if not isinstance(node, dict):
        return node, E, E
    op = next(k for k in node if k in OPERATORS)
    arg = node[op]
    if op in ("all", "any"):
        stop = op == "any"
        known, unknown, pending = (), (), False
        for part in arg:
            value, k, u = walk(part, facts, ctx, scope)
            if value is UNKNOWN:
                pending, known, unknown = True, known + k, unknown + u
            elif bool(value) is stop:
                return stop, k, E
            else:
                known += k
        return (UNKNOWN, known, unknown) if pending else ((not stop), known, E)
    if op == "not":
        value, k, u = walk(arg, facts, ctx, scope)
        return (UNKNOWN if value is UNKNOWN else not value), k, u
    if op == "unknown_read_as":
        # The fact's value and the fact when known; else the literal, decided by no fact and naming none.
        value, k, _ = walk(arg[0], facts, ctx, scope)
        return (arg[1], E, E) if value is UNKNOWN else (value, k, E)
    if op == "some":
        name, var = arg[1:], node["as"]
        items = facts.get(name, UNKNOWN)
        if items is UNKNOWN:
            return UNKNOWN, E, (name,)
        known, unknown = (name,), ()
        for i, item in enumerate(items):
            value, k, u = walk(node["where"], facts, ctx, {**scope, var: (item, f"{name}[{i}]")})
            if value is UNKNOWN:
                known, unknown = known + k, unknown + u
            elif value:
                return True, (name, *k), E
            else:
                known += k
        return (UNKNOWN, known, unknown) if unknown else (False, known, E)
    if op == "sum_days":
        name, var = arg[1:], node["as"]
        lo, klo, ulo = walk(node["within"][0], facts, ctx, scope)
        hi, khi, uhi = walk(node["within"][1], facts, ctx, scope)
        if lo is UNKNOWN or hi is UNKNOWN:
            return UNKNOWN, klo + khi, ulo + uhi
        items = facts.get(name, UNKNOWN)
        if items is UNKNOWN:
            return UNKNOWN, klo + khi, (name,)
        total, known, unknown = 0, (name, *klo, *khi), ()
        for i, item in enumerate(items):
            inner = {**scope, var: (item, f"{name}[{i}]")}
            a, ka, ua = walk(node["from"], facts, ctx, inner)
            b, kb, ub = walk(node["to"], facts, ctx, inner)
            if a is UNKNOWN or b is UNKNOWN:
                unknown += ua + ub
                continue
            days = overlap_days(a, b, lo, hi)
            if days:
                value, k, u = walk(node["where"], facts, ctx, inner)
                if value is UNKNOWN:
                    unknown += u
                elif value:
                    total, known = total + days, known + ka + kb + k
        return (UNKNOWN, known, unknown) if unknown else (total, known, E)
    a, ka, ua = walk(arg[0], facts, ctx, scope)
    if op in ("in", "years_before"):
        b, kb, ub = arg[1], E, E
    else:
        b, kb, ub = walk(arg[1], facts, ctx, scope)
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN, ka + kb, ua + ub
    if op == "in":
        value = a in b
    elif op == "years_before":
        value = years_before(a, b)
    elif op == "days_before":
        value = a - dt.timedelta(days=b)
    elif op == "hours_skipping":
        value = hours_skipping(a, b, ctx)
    elif op == "listed":
        value = listed(a, b, ctx)
    else:
        value = COMPARISONS[op](a, b)
    if value is UNKNOWN:
        return (UNKNOWN, kb, ka) if op == "listed" else (UNKNOWN, ka + kb, ("calendar.holidays",))
    return value, ka + kb, E
