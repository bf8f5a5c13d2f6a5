"""The rule packs' condition language, with Kleene three-valued logic. No Django here.

An expression is TOML data:

- a literal: a boolean, an integer, a date (TOML's own `2020-12-15`), or a string; a string starting with `$`
  reads a fact (`"$custody"`, `"$c.sentence_date"` for a field of the item bound by `some`/`sum_days`),
  one starting with `@` a definition of the pack (`"@judicial_warrant"`);
- a table with one operator: `all`/`any` (a list), `not`; `eq`, `ne`, `lt`, `le`, `gt`, `ge` (two operands);
  `in` (an operand and a list of literals); `years_before` (a date and a whole number of calendar years;
  a 29 February with no counterpart becomes 28 February); `days_before` (a date and a number of days);
  `hours_skipping` (two instants: the hours between them in the pack's time zone, leaving out the pack's
  skipped weekdays and listed holidays); `listed` (an offence and a date: on the pack's dated list that day?);
  `some` (a list fact, with `as` and `where`); `sum_days` (a list fact, with `as`, `where`, `from`, `to`
  and `within`: the days of the items' periods that fall inside `within`).

A value is known or `UNKNOWN`. Every evaluation gives `(value, known, unknown)`: the facts that decided a
known value, and for an unknown one the unknown facts that could change it. `all` is false as soon as one
part is false (that part alone decides), true when every part is, unknown otherwise; `any` is its mirror;
`not` keeps the facts. An operator with an unknown operand is unknown.

There are two evaluators of the same language: `Compiler` turns a pack's expressions into closures once (what
`evaluate_rules` runs: values first, the facts that decided them only for a finding; definitions evaluated once
per incident or detention record) and `walk` interprets the data as it stands (the plain baseline the benchmark
and the tests hold the closures to).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo


class _Unknown:
    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __reduce__(self):
        return "UNKNOWN"


UNKNOWN = _Unknown()
E: tuple = ()

COMPARISONS = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
}
OPTIONS = {"some": {"as", "where"}, "sum_days": {"as", "where", "from", "to", "within"}}
OPERATORS = {"all", "any", "not", "in", "years_before", "days_before", "hours_skipping", "listed"}
OPERATORS |= set(COMPARISONS) | set(OPTIONS)


class ExprError(ValueError):
    """A malformed expression; `where` is its position inside the rule (`violation.any[1].eq`)."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}")
        self.where = where


@dataclass(frozen=True)
class Context:
    """What an expression may read besides the facts: the pack's definitions, its offence list, its calendar."""

    defs: dict
    offences: dict  # offence -> the date it entered the list
    offences_complete: bool
    zone: ZoneInfo
    skip_weekdays: frozenset  # 0 = Monday
    holidays: frozenset
    holidays_from: dt.date
    holidays_through: dt.date


# Calendar arithmetic ------------------------------------------------------------------------------------------


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` calendar years earlier; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _as_date(value):
    return value.date() if isinstance(value, dt.datetime) else value


def overlap_days(start: dt.date, end: dt.date, lo: dt.date, hi: dt.date) -> int:
    """Days of the period [start, end] (both days counted) that fall inside [lo, hi)."""
    first, last = max(_as_date(start), lo), min(_as_date(end) + dt.timedelta(days=1), hi)
    return max(0, (last - first).days)


def hours_skipping(start: dt.datetime, end: dt.datetime, ctx: Context):
    """Hours from `start` to `end`, leaving out whole local days that are skipped (weekends, listed holidays),
    measured in real elapsed time (a day of a daylight-saving change lasts 23 or 25 hours). UNKNOWN when a day
    falls outside the holiday list's dates."""
    if end <= start:
        return 0.0
    utc = dt.UTC
    start_l, end_l = start.astimezone(ctx.zone), end.astimezone(ctx.zone)
    day, last = start_l.date(), end_l.date()
    if day < ctx.holidays_from or last > ctx.holidays_through:
        return UNKNOWN
    seconds = 0.0
    while day <= last:
        nxt = day + dt.timedelta(days=1)
        if day.weekday() not in ctx.skip_weekdays and day not in ctx.holidays:
            lo = dt.datetime(day.year, day.month, day.day, tzinfo=ctx.zone).astimezone(utc)
            hi = dt.datetime(nxt.year, nxt.month, nxt.day, tzinfo=ctx.zone).astimezone(utc)
            a, b = max(lo, start.astimezone(utc)), min(hi, end.astimezone(utc))
            if b > a:
                seconds += (b - a).total_seconds()
        day = nxt
    return seconds / 3600


def listed(offence, on: dt.date, ctx: Context):
    since = ctx.offences.get(offence)
    if since is not None:
        return since <= on
    return False if ctx.offences_complete else UNKNOWN


# Validation ---------------------------------------------------------------------------------------------------


def check(node, where: str, defs: set, bound: frozenset | None = frozenset()) -> None:
    """Raise ExprError naming the position of the first malformed part of `node`. A definition is checked
    with `bound=None`: it may read fields of items bound where it is used."""
    if isinstance(node, bool | int | dt.date) and not isinstance(node, dt.datetime):
        return
    if isinstance(node, str):
        if node.startswith("@") and node[1:] not in defs:
            raise ExprError(where, f"no definition {node[1:]!r} in the pack")
        if node.startswith("$"):
            name = node[1:]
            head, _, field = name.partition(".")
            free = bound is None
            if not head or (field and not free and head not in bound) or (not field and not free and head in bound):
                raise ExprError(where, f"{node!r} is not a fact or a field of a bound item")
        return
    if not isinstance(node, dict):
        raise ExprError(where, f"{type(node).__name__} is not an expression")
    ops = [k for k in node if k in OPERATORS]
    if len(ops) != 1:
        raise ExprError(where, f"one operator expected, found {sorted(node)}")
    op = ops[0]
    extra = set(node) - {op} - OPTIONS.get(op, set())
    if extra:
        raise ExprError(where, f"{op!r} takes no {sorted(extra)}")
    arg, at = node[op], f"{where}.{op}"
    if op in ("all", "any"):
        if not isinstance(arg, list) or not arg:
            raise ExprError(at, "a non-empty list of expressions expected")
        for i, part in enumerate(arg):
            check(part, f"{at}[{i}]", defs, bound)
    elif op == "not":
        check(arg, at, defs, bound)
    elif op in OPTIONS:
        if not (isinstance(arg, str) and arg.startswith("$") and "." not in arg):
            raise ExprError(at, "a list fact ('$convictions') expected")
        missing = OPTIONS[op] - set(node)
        if missing:
            raise ExprError(at, f"missing {sorted(missing)}")
        var = node["as"]
        if not isinstance(var, str) or not var.isidentifier() or (bound is not None and var in bound):
            raise ExprError(f"{where}.as", f"{var!r} is not a new name")
        inner = None if bound is None else bound | {var}
        check(node["where"], f"{where}.where", defs, inner)
        if op == "sum_days":
            check(node["from"], f"{where}.from", defs, inner)
            check(node["to"], f"{where}.to", defs, inner)
            within = node["within"]
            if not isinstance(within, list) or len(within) != 2:
                raise ExprError(f"{where}.within", "two dates expected")
            for i, part in enumerate(within):
                check(part, f"{where}.within[{i}]", defs, bound)
    else:
        if not isinstance(arg, list) or len(arg) != 2:
            raise ExprError(at, "two operands expected")
        check(arg[0], f"{at}[0]", defs, bound)
        if op == "in":
            if not isinstance(arg[1], list) or not all(isinstance(v, str) and v[:1] not in "$@" for v in arg[1]):
                raise ExprError(f"{at}[1]", "a list of plain strings expected")
        elif op == "years_before":
            if not isinstance(arg[1], int) or isinstance(arg[1], bool) or arg[1] < 0:
                raise ExprError(f"{at}[1]", "a whole number of years expected")
        else:
            check(arg[1], f"{at}[1]", defs, bound)


def facts_read(node, out: set | None = None) -> set:
    """The top-level fact names an expression reads (without following definitions)."""
    out = set() if out is None else out
    if isinstance(node, str) and node.startswith("$") and "." not in node:
        out.add(node[1:])
    elif isinstance(node, dict):
        for key, value in node.items():
            if key != "as":
                facts_read(value, out)
    elif isinstance(node, list):
        for value in node:
            facts_read(value, out)
    return out


def refs(node, out: set | None = None) -> set:
    out = set() if out is None else out
    if isinstance(node, str) and node.startswith("@"):
        out.add(node[1:])
    elif isinstance(node, dict):
        for value in node.values():
            refs(value, out)
    elif isinstance(node, list):
        for value in node:
            refs(value, out)
    return out


# The compiled evaluator ---------------------------------------------------------------------------------------
# A pack is compiled once, by one `Compiler` per reading of its definitions, to two kinds of closures over
# (facts, scope, memo):
# - a *value* closure gives the value alone (a boolean, a date, a number … or UNKNOWN): what every rule runs;
# - a *tracked* closure gives (value, known, unknown) as `walk` does; it runs only for a rule that gives a
#   finding, or whose applicability is unknown, to name the facts.
# `facts` maps a name to its value; `scope` maps a bound name to its item (value closures) or to (item, path
# prefix) (tracked ones); `memo` is one dict per evaluated incident or detention record: a definition that reads
# no bound item is evaluated once per record and shared by every rule that uses it. Fact names in known/unknown
# are as read: "custody", "convictions[1].sentence_date". Operations on constants are done once, at compile time;
# the calendar's hour counts and year arithmetic are cached (pure functions of their operands).

_MISSING = object()


@functools.lru_cache(maxsize=1 << 16)
def _years_before(day, years):
    return years_before(day, years)


def _days_before(day, days):
    return day - dt.timedelta(days=days)


def _reads_items(node) -> bool:
    if isinstance(node, str):
        return node.startswith("$") and "." in node
    if isinstance(node, dict):
        return any(_reads_items(v) for k, v in node.items() if k != "as")
    if isinstance(node, list):
        return any(_reads_items(v) for v in node)
    return False


def _literal(node) -> bool:
    return not isinstance(node, dict) and not (isinstance(node, str) and node[:1] in ("$", "@"))


class Compiler:
    """Compiles expressions against one set of definitions (the pack's, or one reading's). `tag` names the
    reading; `variant` is the set of definition names the reading redefines: a definition depending on one of
    them is memoized under the reading's tag, any other one under none (every reading shares it)."""

    def __init__(self, ctx: Context, tag: str = "", variant: frozenset = frozenset()):
        self.ctx, self.tag, self.variant = ctx, tag, variant
        self._values: dict = {}
        self._tracked: dict = {}
        self._keys: dict = {}
        self.hours = functools.lru_cache(maxsize=1 << 16)(lambda a, b: hours_skipping(a, b, ctx))
        self.listed = lambda a, b: listed(a, b, ctx)

    def _memo_key(self, name: str):
        """None when definition `name` reads a bound item (it is not memoized), else its memo key."""
        if name not in self._keys:
            seen, todo, items, dep = set(), [name], False, False
            while todo:
                ref = todo.pop()
                if ref in seen:
                    continue
                seen.add(ref)
                body = self.ctx.defs[ref]
                items = items or _reads_items(body)
                dep = dep or ref in self.variant
                todo.extend(refs(body))
            self._keys[name] = None if items else (name, self.tag if dep else "")
        return self._keys[name]

    def _ref(self, name: str, table: dict, compile_, kind: str):
        if name not in table:
            table[name] = None  # a definition that refers to itself is reached through the table
            fn = compile_(self.ctx.defs[name])
            key = self._memo_key(name)
            if key is not None:
                fn = _memoized(fn, (kind, *key))
            table[name] = fn
        fn = table[name]
        return fn if fn is not None else (lambda f, s, m: table[name](f, s, m))

    # Values ---------------------------------------------------------------------------------------------------

    def value(self, node) -> Callable:
        if isinstance(node, str):
            if node.startswith("$"):
                head, _, field = node[1:].partition(".")
                if field:
                    return lambda f, s, m: s[head].get(field, UNKNOWN)
                return lambda f, s, m: f.get(head, UNKNOWN)
            if node.startswith("@"):
                return self._ref(node[1:], self._values, self.value, "v")
            return _vconst(node)
        if not isinstance(node, dict):
            return _vconst(node)
        op = next(k for k in node if k in OPERATORS)
        arg = node[op]
        if op in ("all", "any"):
            return _vjunction(tuple(self.value(p) for p in arg), op == "any")
        if op == "not":
            inner = self.value(arg)

            def negation(f, s, m):
                v = inner(f, s, m)
                return UNKNOWN if v is UNKNOWN else not v

            return negation
        if op in OPTIONS:
            return self._vloop(op, node)
        fn, right = self._operation(op, arg)
        if _literal(arg[0]) and _literal(right):
            return _vconst(fn(arg[0], right))  # constant folding
        if _literal(right):
            left = arg[0]
            if isinstance(left, str) and left.startswith("$") and "." not in left:
                name = left[1:]

                def fact_op(f, s, m):
                    a = f.get(name, UNKNOWN)
                    return UNKNOWN if a is UNKNOWN else fn(a, right)

                return fact_op
            lfn = self.value(left)

            def const_op(f, s, m):
                a = lfn(f, s, m)
                return UNKNOWN if a is UNKNOWN else fn(a, right)

            return const_op
        lfn, rfn = self.value(arg[0]), self.value(right)

        def binary(f, s, m):
            a = lfn(f, s, m)
            if a is UNKNOWN:
                return UNKNOWN
            b = rfn(f, s, m)
            return UNKNOWN if b is UNKNOWN else fn(a, b)

        return binary

    def _operation(self, op, arg):
        """The function of a two-operand operator and its right operand (the data)."""
        if op == "in":
            return (lambda a, b: a in b), frozenset(arg[1])
        if op == "years_before":
            return _years_before, arg[1]
        if op == "days_before":
            return _days_before, arg[1]
        if op == "hours_skipping":
            return self.hours, arg[1]
        if op == "listed":
            return self.listed, arg[1]
        return COMPARISONS[op], arg[1]

    def _vloop(self, op, node):
        name, var = node[op][1:], node["as"]
        where = self.value(node["where"])
        if op == "some":

            def some(f, s, m):
                items = f.get(name, UNKNOWN)
                if items is UNKNOWN:
                    return UNKNOWN
                pending = False
                for item in items:
                    v = where(f, {**s, var: item} if s else {var: item}, m)
                    if v is UNKNOWN:
                        pending = True
                    elif v:
                        return True
                return UNKNOWN if pending else False

            return some

        start, end = self.value(node["from"]), self.value(node["to"])
        lo_fn, hi_fn = self.value(node["within"][0]), self.value(node["within"][1])

        def sum_days(f, s, m):
            lo = lo_fn(f, s, m)
            hi = hi_fn(f, s, m)
            if lo is UNKNOWN or hi is UNKNOWN:
                return UNKNOWN
            items = f.get(name, UNKNOWN)
            if items is UNKNOWN:
                return UNKNOWN
            total, pending = 0, False
            for item in items:
                inner = {**s, var: item} if s else {var: item}
                a, b = start(f, inner, m), end(f, inner, m)
                if a is UNKNOWN or b is UNKNOWN:
                    pending = True
                    continue
                days = overlap_days(a, b, lo, hi)
                if not days:
                    continue
                v = where(f, inner, m)
                if v is UNKNOWN:
                    pending = True
                elif v:
                    total += days
            return UNKNOWN if pending else total

        return sum_days

    # Tracked: (value, known, unknown) ------------------------------------------------------------------------

    def tracked(self, node) -> Callable:
        if isinstance(node, str):
            if node.startswith("$"):
                head, _, field = node[1:].partition(".")
                return _read_item(head, field) if field else _read(head)
            if node.startswith("@"):
                return self._ref(node[1:], self._tracked, self.tracked, "t")
            return _const(node)
        if not isinstance(node, dict):
            return _const(node)
        op = next(k for k in node if k in OPERATORS)
        arg = node[op]
        if op == "all" or op == "any":
            return _junction(tuple(self.tracked(p) for p in arg), op == "any")
        if op == "not":
            inner = self.tracked(arg)

            def negation(f, s, m):
                value, k, u = inner(f, s, m)
                return (UNKNOWN if value is UNKNOWN else not value), k, u

            return negation
        if op in OPTIONS:
            return self._tloop(op, node)
        fn, right = self._operation(op, arg)
        missing = None if op == "listed" else "calendar.holidays"
        if _literal(right):
            return _binary_const(self.tracked(arg[0]), right, fn, missing)
        return _binary(self.tracked(arg[0]), self.tracked(right), fn, missing)

    def _tloop(self, op, node):
        name, var = node[op][1:], node["as"]
        where = self.tracked(node["where"])
        if op == "some":

            def some(f, s, m):
                items = f.get(name, UNKNOWN)
                if items is UNKNOWN:
                    return UNKNOWN, E, (name,)
                known, unknown = [name], []
                for i, item in enumerate(items):
                    value, k, u = where(f, {**s, var: (item, f"{name}[{i}]")}, m)
                    if value is UNKNOWN:
                        unknown.extend(u)
                        known.extend(k)
                    elif value:
                        return True, (name, *k), E
                    else:
                        known.extend(k)
                if unknown:
                    return UNKNOWN, tuple(known), tuple(unknown)
                return False, tuple(known), E

            return some

        start, end = self.tracked(node["from"]), self.tracked(node["to"])
        lo_fn, hi_fn = self.tracked(node["within"][0]), self.tracked(node["within"][1])

        def sum_days(f, s, m):
            lo, klo, ulo = lo_fn(f, s, m)
            hi, khi, uhi = hi_fn(f, s, m)
            if lo is UNKNOWN or hi is UNKNOWN:
                return UNKNOWN, klo + khi, ulo + uhi
            items = f.get(name, UNKNOWN)
            if items is UNKNOWN:
                return UNKNOWN, klo + khi, (name,)
            total, known, unknown = 0, [name, *klo, *khi], []
            for i, item in enumerate(items):
                inner = {**s, var: (item, f"{name}[{i}]")}
                a, ka, ua = start(f, inner, m)
                b, kb, ub = end(f, inner, m)
                if a is UNKNOWN or b is UNKNOWN:
                    unknown.extend(ua + ub)
                    continue
                days = overlap_days(a, b, lo, hi)
                if not days:
                    continue
                value, k, u = where(f, inner, m)
                if value is UNKNOWN:
                    unknown.extend(u)
                elif value:
                    total += days
                    known.extend(ka + kb + k)
            if unknown:
                return UNKNOWN, tuple(known), tuple(unknown)
            return total, tuple(known), E

        return sum_days


def _memoized(fn, key):
    def memoized(f, s, m):
        value = m.get(key, _MISSING)
        if value is _MISSING:
            value = m[key] = fn(f, s, m)
        return value

    return memoized


def _vconst(value):
    return lambda f, s, m: value


def _vjunction(parts, stop):
    """`all` (stop False) or `any` (stop True) on values."""
    if len(parts) == 2:
        p0, p1 = parts

        def pair(f, s, m):
            a = p0(f, s, m)
            if a is UNKNOWN:
                b = p1(f, s, m)
                return stop if b is not UNKNOWN and bool(b) is stop else UNKNOWN
            if bool(a) is stop:
                return stop
            b = p1(f, s, m)
            return UNKNOWN if b is UNKNOWN else bool(b)

        return pair

    def junction(f, s, m):
        pending = False
        for part in parts:
            v = part(f, s, m)
            if v is UNKNOWN:
                pending = True
            elif bool(v) is stop:
                return stop
        return UNKNOWN if pending else (not stop)

    return junction


def _read(name):
    names = (name,)

    def read(f, s, m):
        value = f.get(name, UNKNOWN)
        if value is UNKNOWN:
            return UNKNOWN, E, names
        return value, names, E

    return read


def _read_item(var, field):
    def read(f, s, m):
        item, prefix = s[var]
        path = f"{prefix}.{field}"
        value = item.get(field, UNKNOWN)
        if value is UNKNOWN:
            return UNKNOWN, E, (path,)
        return value, (path,), E

    return read


def _const(value):
    result = (value, E, E)
    return lambda f, s, m: result


def _junction(parts, stop):
    if len(parts) == 2:
        p0, p1 = parts

        def pair(f, s, m):
            a, ka, ua = p0(f, s, m)
            if a is not UNKNOWN and bool(a) is stop:
                return stop, ka, E
            b, kb, ub = p1(f, s, m)
            if b is not UNKNOWN and bool(b) is stop:
                return stop, kb, E
            if a is UNKNOWN or b is UNKNOWN:
                return UNKNOWN, ka + kb, ua + ub
            return (not stop), ka + kb, E

        return pair

    def junction(f, s, m):
        known, unknown, pending = [], [], False
        for part in parts:
            value, k, u = part(f, s, m)
            if value is UNKNOWN:
                pending = True
                unknown.extend(u)
                known.extend(k)
            elif bool(value) is stop:
                return stop, k, E
            else:
                known.extend(k)
        if pending:
            return UNKNOWN, tuple(known), tuple(unknown)
        return (not stop), tuple(known), E

    return junction


def _binary(left, right, fn, missing="calendar.holidays"):
    """An operator on two operands. When the operation itself is unknown (an offence the incomplete list does
    not name, a day past the holiday list), what could change it is `missing`, or the left operand's fact."""

    def binary(f, s, m):
        a, ka, ua = left(f, s, m)
        b, kb, ub = right(f, s, m)
        if a is UNKNOWN or b is UNKNOWN:
            return UNKNOWN, ka + kb, ua + ub
        value = fn(a, b)
        if value is UNKNOWN:
            return UNKNOWN, kb if missing is None else ka + kb, ka if missing is None else (missing,)
        return value, ka + kb, E

    return binary


def _binary_const(left, right, fn, missing):
    """`_binary` with a literal right operand (it names no fact)."""
    unknown_op = None if missing is None else (missing,)

    def binary(f, s, m):
        a, ka, ua = left(f, s, m)
        if a is UNKNOWN:
            return UNKNOWN, ka, ua
        value = fn(a, right)
        if value is UNKNOWN:
            return (UNKNOWN, E, ka) if missing is None else (UNKNOWN, ka, unknown_op)
        return value, ka, E

    return binary


def compile_expr(node, ctx: Context) -> Callable:
    """Tracked closures for one checked expression, as f(facts, scope, memo) (tests and tools)."""
    return Compiler(ctx).tracked(node)


# The plain tree-walking interpreter: the baseline -------------------------------------------------------------


def walk(node, facts: dict, ctx: Context, scope: dict | None = None):
    """Evaluate the expression data as it stands, with the same results as `compile_expr`."""
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
