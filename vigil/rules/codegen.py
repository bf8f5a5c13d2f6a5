"""Compilation of a pack's conditions, once, at load, to flat Python functions. No Django here.

Each expression is translated to straight-line Python source (assignments, `if`s and `for` loops over list
facts) doing Kleene three-valued logic on plain locals: no call per node, no intermediate tuples when only the
value is needed. These functions come out:

- a *program* per set of rules in force and scope (incident or detention record), `program(facts, index, hits)`:
  every rule's applicability and violation values (under each reading), appending `(rule position, index)` to
  `hits` for each rule that is not silent on values alone. A definition that reads no bound item is computed
  once per call, on first use, and shared by every rule of the program (a local, set from a sentinel);
- a *tracked* function per rule, `track(facts)` -> `(a, ak, au, ((v, k, u), …))`: the applicability and each
  reading's violation as `interpret.walk` gives them, the value with the facts that decided it or the unknown
  facts that could change it; it runs only for a hit, to write the finding;
- per rule, the applicability's and each reading's violation's value alone (`app_value`, `viol_values`), for
  tools, the benchmark's coverage and the tests.
- for a rule reading only categorical facts, `key(facts)`: the tuple of their values, which its verdict is
  kept under (the engine's memo).

Every piece of pack data in the source is a `repr` of a string, a boolean or an integer, or the name of a
constant held beside the code (dates, sets of literals); definitions and bound items get generated local names.
So the source is built from checked data only, and a definition that refers to itself is refused (ExprError).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

from vigil.rules.calendar_math import Calendar, overlap_days, years_before_cached
from vigil.rules.lang import OPERATORS, UNKNOWN, E, ExprError, is_literal, reads_items, refs

_MISSING = object()
_INFIX = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
_HOLIDAYS = ("calendar.holidays",)


class _Source:
    """The body of one generated function: its lines, its fresh local names, its memoized definitions."""

    def __init__(self):
        self.lines: list = []
        self.memo: set = set()  # locals set to the sentinel first
        self._names = itertools.count()

    def tmp(self, prefix: str = "x") -> str:
        return f"{prefix}{next(self._names)}"

    def emit(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)


def _negate(truth: str) -> str:
    return f"not {truth}" if truth.isidentifier() else f"not ({truth})"


def _cat(*parts: str) -> str:
    """A tuple concatenation of the given expressions, leaving out the empty ones (`E`)."""
    parts = tuple(p for p in parts if p != "E")
    return " + ".join(parts) if parts else "E"


class Compiler:
    """Compiles the expressions of one pack. `contexts` maps a reading's tag ("" for the pack's own
    definitions, "axis.variant" for a reading) to its Context; `variants` maps a tag to the definition names
    the reading redefines. A definition depending on none of them is shared by every reading."""

    def __init__(self, contexts: dict, variants: dict):
        self.contexts, self.variants = contexts, variants
        base = contexts[""]
        self.calendar = base.calendar if base.calendar is not None else Calendar(base)
        self.globals = {
            "__builtins__": {"enumerate": enumerate, "str": str},
            "U": UNKNOWN,
            "E": E,
            "M": _MISSING,
            "HOL": _HOLIDAYS,
            "YB": years_before_cached,
            "OD": overlap_days,
            "TD": dt.timedelta,
            "HS": self.calendar.hours,
            "LI": self.calendar.listed,
        }
        self._constants: dict = {}
        self._locals: dict = {}  # (tag, definition) -> its local's suffix, or None when not memoized
        self._functions = itertools.count()

    # Names ----------------------------------------------------------------------------------------------------

    def _constant(self, value) -> str:
        key = (type(value), value)
        if key not in self._constants:
            name = f"K{len(self._constants)}"
            self._constants[key] = name
            self.globals[name] = value
        return self._constants[key]

    def _literal(self, node) -> str:
        if isinstance(node, bool | int | str):
            return repr(node)
        return self._constant(node)

    def _name(self, expr: str, src: _Source, indent: int) -> str:
        """`expr` as a local name (a literal is given one, so that `is` compares a name)."""
        if expr.isidentifier() and expr not in ("True", "False", "None"):
            return expr
        local = src.tmp()
        src.emit(indent, f"{local} = {expr}")
        return local

    def _memo_local(self, tag: str, name: str):
        """None when definition `name` (under reading `tag`) reads a bound item, else its local's suffix."""
        key = (tag, name)
        if key not in self._locals:
            defs, variant = self.contexts[tag].defs, self.variants.get(tag, frozenset())
            seen, todo, items, dep = set(), [name], False, False
            while todo:
                ref = todo.pop()
                if ref in seen:
                    continue
                seen.add(ref)
                body = defs[ref]
                items = items or reads_items(body)
                dep = dep or ref in variant
                todo.extend(refs(body))
            if items:
                self._locals[key] = None
            else:
                shared = (tag if dep else "", name)
                if shared not in self._locals:
                    self._locals[shared] = str(len(self._locals))
                self._locals[key] = self._locals[shared]
        return self._locals[key]

    def _definition(self, name: str, tag: str, expanding: tuple):
        if name in expanding:
            raise ExprError(f"defs.{name}", "the definition refers to itself")
        return self.contexts[tag].defs[name], (*expanding, name)

    @staticmethod
    def _operator(node: dict):
        op = next(k for k in node if k in OPERATORS)
        return op, node[op]

    @staticmethod
    def _infix(op: str, a: str, b: str) -> str:
        if op in _INFIX:
            return f"{a} {_INFIX[op]} {b}"
        if op == "in":
            return f"{a} in {b}"
        if op == "years_before":
            return f"YB({a}, {b})"
        if op == "days_before":
            return f"{a} - TD(days={b})"
        if op == "hours_skipping":
            return f"HS({a}, {b})"
        return f"LI({a}, {b})"

    def _right(self, op: str, right) -> str | None:
        """The right operand as a literal expression, or None when it must be evaluated."""
        if op == "in":
            return self._constant(frozenset(right))
        if op == "years_before":
            return repr(right)
        if is_literal(right):
            return self._literal(right)
        return None

    @staticmethod
    def _bound(scope: dict, head: str, node: str, expanding: tuple):
        if head not in scope:
            where = f"defs.{expanding[-1]}" if expanding else node
            raise ExprError(where, f"{node!r} reads an item no `some` or `sum_days` binds where it is used")
        return scope[head]

    # Values ---------------------------------------------------------------------------------------------------

    def value(self, node, tag: str, scope: dict, src: _Source, ind: int, expanding: tuple = ()) -> str:
        """Emit the statements computing `node`'s value; return the expression (a local or a literal) holding
        it. `scope` maps a bound name to the local holding its item."""
        if isinstance(node, str) and node.startswith("$"):
            head, _, field = node[1:].partition(".")
            local = src.tmp()
            source = self._bound(scope, head, node, expanding) if field else "f"
            src.emit(ind, f"{local} = {source}.get({(field or head)!r}, U)")
            return local
        if isinstance(node, str) and node.startswith("@"):
            return self._value_ref(node[1:], tag, scope, src, ind, expanding)
        if not isinstance(node, dict):
            return self._literal(node)
        op, arg = self._operator(node)
        out = src.tmp()
        if op in ("all", "any"):
            stop = op == "any"
            src.emit(ind, f"{out} = {not stop}")
            for i, part in enumerate(arg):
                inner = ind
                if i:
                    src.emit(ind, f"if {out} is not {stop}:")
                    inner = ind + 1
                subject, truth = self.condition(part, tag, scope, src, inner, expanding)
                src.emit(inner, f"if {subject} is U:")
                src.emit(inner + 1, f"{out} = U")
                src.emit(inner, f"elif {truth}:" if stop else f"elif {_negate(truth)}:")
                src.emit(inner + 1, f"{out} = {stop}")
            return out
        if op == "not":
            subject, truth = self.condition(arg, tag, scope, src, ind, expanding)
            src.emit(ind, f"{out} = U if {subject} is U else {_negate(truth)}")
            return out
        if op == "unknown_read_as":
            read = self._name(self.value(arg[0], tag, scope, src, ind, expanding), src, ind)
            src.emit(ind, f"{out} = {self._literal(arg[1])} if {read} is U else {read}")
            return out
        if op == "some":
            return self._value_some(node, tag, scope, src, ind, expanding, out)
        if op == "sum_days":
            return self._value_sum_days(node, tag, scope, src, ind, expanding, out)
        a = self._name(self.value(arg[0], tag, scope, src, ind, expanding), src, ind)
        b = self._right(op, arg[1])
        if b is not None:
            src.emit(ind, f"{out} = U if {a} is U else {self._infix(op, a, b)}")
            return out
        src.emit(ind, f"if {a} is U:")
        src.emit(ind + 1, f"{out} = U")
        src.emit(ind, "else:")
        b = self._name(self.value(arg[1], tag, scope, src, ind + 1, expanding), src, ind + 1)
        src.emit(ind + 1, f"{out} = U if {b} is U else {self._infix(op, a, b)}")
        return out

    def condition(self, node, tag: str, scope: dict, src: _Source, ind: int, expanding: tuple = ()):
        """Emit the statements `node`'s truth needs; return (subject, truth): `node` is unknown when the local
        `subject` is U, else its truth is the Python expression `truth`. (A comparison with a literal, or its
        negation, then costs no local of its own.)"""
        if isinstance(node, dict):
            op, arg = self._operator(node)
            if op == "not":
                subject, truth = self.condition(arg, tag, scope, src, ind, expanding)
                return subject, _negate(truth)
            if op in _INFIX or op == "in":
                b = self._right(op, arg[1])
                if b is not None:
                    a = self._name(self.value(arg[0], tag, scope, src, ind, expanding), src, ind)
                    return a, self._infix(op, a, b)
        v = self._name(self.value(node, tag, scope, src, ind, expanding), src, ind)
        return v, v

    def _value_ref(self, name, tag, scope, src, ind, expanding) -> str:
        body, expanding = self._definition(name, tag, expanding)
        suffix = self._memo_local(tag, name)
        if suffix is None:
            return self.value(body, tag, scope, src, ind, expanding)
        local = f"d{suffix}"
        src.memo.add(local)
        src.emit(ind, f"if {local} is M:")
        src.emit(ind + 1, f"{local} = {self.value(body, tag, scope, src, ind + 1, expanding)}")
        return local

    def _value_some(self, node, tag, scope, src, ind, expanding, out) -> str:
        items, item = src.tmp("items"), src.tmp("item")
        src.emit(ind, f"{items} = f.get({node['some'][1:]!r}, U)")
        src.emit(ind, f"if {items} is U:")
        src.emit(ind + 1, f"{out} = U")
        src.emit(ind, "else:")
        src.emit(ind + 1, f"{out} = False")
        src.emit(ind + 1, f"for {item} in {items}:")
        inner = {**scope, node["as"]: item}
        w = self._name(self.value(node["where"], tag, inner, src, ind + 2, expanding), src, ind + 2)
        src.emit(ind + 2, f"if {w} is U:")
        src.emit(ind + 3, f"{out} = U")
        src.emit(ind + 2, f"elif {w}:")
        src.emit(ind + 3, f"{out} = True")
        src.emit(ind + 3, "break")
        return out

    def _value_sum_days(self, node, tag, scope, src, ind, expanding, out) -> str:
        lo = self._name(self.value(node["within"][0], tag, scope, src, ind, expanding), src, ind)
        hi = self._name(self.value(node["within"][1], tag, scope, src, ind, expanding), src, ind)
        items, item, pending, days = src.tmp("items"), src.tmp("item"), src.tmp("pending"), src.tmp("days")
        src.emit(ind, f"if {lo} is U or {hi} is U:")
        src.emit(ind + 1, f"{out} = U")
        src.emit(ind, "else:")
        src.emit(ind + 1, f"{items} = f.get({node['sum_days'][1:]!r}, U)")
        src.emit(ind + 1, f"if {items} is U:")
        src.emit(ind + 2, f"{out} = U")
        src.emit(ind + 1, "else:")
        src.emit(ind + 2, f"{out}, {pending} = 0, False")
        src.emit(ind + 2, f"for {item} in {items}:")
        inner, body = {**scope, node["as"]: item}, ind + 3
        a = self._name(self.value(node["from"], tag, inner, src, body, expanding), src, body)
        b = self._name(self.value(node["to"], tag, inner, src, body, expanding), src, body)
        src.emit(body, f"if {a} is U or {b} is U:")
        src.emit(body + 1, f"{pending} = True")
        src.emit(body + 1, "continue")
        src.emit(body, f"{days} = OD({a}, {b}, {lo}, {hi})")
        src.emit(body, f"if not {days}:")
        src.emit(body + 1, "continue")
        w = self._name(self.value(node["where"], tag, inner, src, body, expanding), src, body)
        src.emit(body, f"if {w} is U:")
        src.emit(body + 1, f"{pending} = True")
        src.emit(body, f"elif {w}:")
        src.emit(body + 1, f"{out} += {days}")
        src.emit(ind + 2, f"if {pending}:")
        src.emit(ind + 3, f"{out} = U")
        return out

    # Tracked: (value, known, unknown), as interpret.walk gives them --------------------------------------------

    def tracked(self, node, tag: str, scope: dict, src: _Source, ind: int, expanding: tuple = ()):
        """Emit the statements computing `node` as `walk` does; return the three expressions (value, the known
        facts that decided it, the unknown facts that could change it). `scope` maps a bound name to the
        locals (item, path prefix)."""
        if isinstance(node, str) and node.startswith("$"):
            head, _, field = node[1:].partition(".")
            v, k, u = src.tmp(), src.tmp("k"), src.tmp("u")
            if field:
                item, prefix = self._bound(scope, head, node, expanding)
                path = src.tmp("path")
                src.emit(ind, f"{v} = {item}.get({field!r}, U)")
                src.emit(ind, f"{path} = ({prefix} + {('.' + field)!r},)")
            else:
                path = repr((head,))
                src.emit(ind, f"{v} = f.get({head!r}, U)")
            src.emit(ind, f"if {v} is U:")
            src.emit(ind + 1, f"{k}, {u} = E, {path}")
            src.emit(ind, "else:")
            src.emit(ind + 1, f"{k}, {u} = {path}, E")
            return v, k, u
        if isinstance(node, str) and node.startswith("@"):
            return self._tracked_ref(node[1:], tag, scope, src, ind, expanding)
        if not isinstance(node, dict):
            return self._literal(node), "E", "E"
        op, arg = self._operator(node)
        v, k, u = src.tmp(), src.tmp("k"), src.tmp("u")
        if op in ("all", "any"):
            stop = op == "any"
            src.emit(ind, f"{v}, {k}, {u} = {not stop}, E, E")
            for i, part in enumerate(arg):
                inner = ind
                if i:
                    src.emit(ind, f"if {v} is not {stop}:")
                    inner = ind + 1
                pv, pk, pu = self.tracked(part, tag, scope, src, inner, expanding)
                pv = self._name(pv, src, inner)
                # Before the first part, what is known and unknown is empty.
                known, unknown = (_cat(k, pk), _cat(u, pu)) if i else (pk, pu)
                src.emit(inner, f"if {pv} is U:")
                src.emit(inner + 1, f"{v}, {k}, {u} = U, {known}, {unknown}")
                src.emit(inner, f"elif {pv}:" if stop else f"elif not {pv}:")
                src.emit(inner + 1, f"{v}, {k}, {u} = {stop}, {pk}, E")
                src.emit(inner, "else:")
                src.emit(inner + 1, f"{k} = {known}")
            return v, k, u
        if op == "not":
            pv, pk, pu = self.tracked(arg, tag, scope, src, ind, expanding)
            pv = self._name(pv, src, ind)
            src.emit(ind, f"{v} = U if {pv} is U else not {pv}")
            return v, pk, pu
        if op == "unknown_read_as":
            pv, pk, _ = self.tracked(arg[0], tag, scope, src, ind, expanding)
            src.emit(ind, f"if {pv} is U:")
            src.emit(ind + 1, f"{v}, {k}, {u} = {self._literal(arg[1])}, E, E")
            src.emit(ind, "else:")
            src.emit(ind + 1, f"{v}, {k}, {u} = {pv}, {pk}, E")
            return v, k, u
        if op == "some":
            return self._tracked_some(node, tag, scope, src, ind, expanding, (v, k, u))
        if op == "sum_days":
            return self._tracked_sum_days(node, tag, scope, src, ind, expanding, (v, k, u))
        b = self._right(op, arg[1])
        if b is not None and (op in _INFIX or op == "in"):
            fused = self._tracked_read_test(arg[0], op, b, scope, src, ind, expanding, (v, k, u))
            if fused:
                return fused
        a, ka, ua = self.tracked(arg[0], tag, scope, src, ind, expanding)
        a = self._name(a, src, ind)
        if b is None:
            b, kb, ub = self.tracked(arg[1], tag, scope, src, ind, expanding)
            b = self._name(b, src, ind)
            src.emit(ind, f"if {a} is U or {b} is U:")
        else:
            kb = ub = "E"
            src.emit(ind, f"if {a} is U:")
        src.emit(ind + 1, f"{v}, {k}, {u} = U, {_cat(ka, kb)}, {_cat(ua, ub)}")
        src.emit(ind, "else:")
        src.emit(ind + 1, f"{v} = {self._infix(op, a, b)}")
        if op in ("hours_skipping", "listed"):
            src.emit(ind + 1, f"if {v} is U:")
            # An unknown operation: an offence the incomplete list does not name (the offence's facts could
            # change it), a day past the holiday list (the list could).
            unknown_op = f"{kb}, {ka}" if op == "listed" else f"{_cat(ka, kb)}, HOL"
            src.emit(ind + 2, f"{k}, {u} = {unknown_op}")
            src.emit(ind + 1, "else:")
            src.emit(ind + 2, f"{k}, {u} = {_cat(ka, kb)}, E")
        else:
            src.emit(ind + 1, f"{k}, {u} = {_cat(ka, kb)}, E")
        return v, k, u

    def _tracked_read_test(self, node, op, b, scope, src, ind, expanding, out):
        """A fact or an item's field compared with a literal, in one test; None for any other left operand."""
        if not (isinstance(node, str) and node.startswith("$")):
            return None
        v, k, u = out
        head, _, field = node[1:].partition(".")
        a = src.tmp()
        if field:
            item, prefix = self._bound(scope, head, node, expanding)
            path = src.tmp("path")
            src.emit(ind, f"{a} = {item}.get({field!r}, U)")
            src.emit(ind, f"{path} = ({prefix} + {('.' + field)!r},)")
        else:
            path = repr((head,))
            src.emit(ind, f"{a} = f.get({head!r}, U)")
        src.emit(ind, f"if {a} is U:")
        src.emit(ind + 1, f"{v}, {k}, {u} = U, E, {path}")
        src.emit(ind, "else:")
        src.emit(ind + 1, f"{v}, {k}, {u} = {self._infix(op, a, b)}, {path}, E")
        return out

    def _tracked_ref(self, name, tag, scope, src, ind, expanding):
        body, expanding = self._definition(name, tag, expanding)
        suffix = self._memo_local(tag, name)
        if suffix is None:
            return self.tracked(body, tag, scope, src, ind, expanding)
        v, k, u = f"t{suffix}", f"tk{suffix}", f"tu{suffix}"
        src.memo.add(v)
        src.emit(ind, f"if {v} is M:")
        bv, bk, bu = self.tracked(body, tag, scope, src, ind + 1, expanding)
        src.emit(ind + 1, f"{v}, {k}, {u} = {bv}, {bk}, {bu}")
        return v, k, u

    def _tracked_items(self, node, op, src, ind):
        """Emit the loop head over a known list fact's items and their paths; return (item, path prefix)."""
        item, index, prefix = src.tmp("item"), src.tmp("i"), src.tmp("prefix")
        src.emit(ind, f"for {index}, {item} in enumerate(f.get({node[op][1:]!r}, U)):")
        src.emit(ind + 1, f"{prefix} = {(node[op][1:] + '[')!r} + str({index}) + ']'")
        return item, prefix

    def _tracked_some(self, node, tag, scope, src, ind, expanding, out):
        v, k, u = out
        name = node["some"][1:]
        names = repr((name,))
        src.emit(ind, f"if f.get({name!r}, U) is U:")
        src.emit(ind + 1, f"{v}, {k}, {u} = U, E, {names}")
        src.emit(ind, "else:")
        src.emit(ind + 1, f"{v}, {k}, {u} = False, {names}, E")
        item, prefix = self._tracked_items(node, "some", src, ind + 1)
        inner, body = {**scope, node["as"]: (item, prefix)}, ind + 2
        wv, wk, wu = self.tracked(node["where"], tag, inner, src, body, expanding)
        wv = self._name(wv, src, body)
        src.emit(body, f"if {wv} is U:")
        src.emit(body + 1, f"{k}, {u} = {_cat(k, wk)}, {_cat(u, wu)}")
        src.emit(body, f"elif {wv}:")
        src.emit(body + 1, f"{v}, {k}, {u} = True, {_cat(names, wk)}, E")
        src.emit(body + 1, "break")
        src.emit(body, "else:")
        src.emit(body + 1, f"{k} = {_cat(k, wk)}")
        src.emit(ind + 1, "else:")
        src.emit(ind + 2, f"if {u}:")
        src.emit(ind + 3, f"{v} = U")
        return out

    def _tracked_sum_days(self, node, tag, scope, src, ind, expanding, out):
        v, k, u = out
        name = node["sum_days"][1:]
        lo, klo, ulo = self.tracked(node["within"][0], tag, scope, src, ind, expanding)
        hi, khi, uhi = self.tracked(node["within"][1], tag, scope, src, ind, expanding)
        lo, hi = self._name(lo, src, ind), self._name(hi, src, ind)
        days = src.tmp("days")
        src.emit(ind, f"if {lo} is U or {hi} is U:")
        src.emit(ind + 1, f"{v}, {k}, {u} = U, {_cat(klo, khi)}, {_cat(ulo, uhi)}")
        src.emit(ind, f"elif f.get({name!r}, U) is U:")
        src.emit(ind + 1, f"{v}, {k}, {u} = U, {_cat(klo, khi)}, {(name,)!r}")
        src.emit(ind, "else:")
        src.emit(ind + 1, f"{v}, {k}, {u} = 0, {_cat(repr((name,)), klo, khi)}, E")
        item, prefix = self._tracked_items(node, "sum_days", src, ind + 1)
        inner, body = {**scope, node["as"]: (item, prefix)}, ind + 2
        a, ka, ua = self.tracked(node["from"], tag, inner, src, body, expanding)
        b, kb, ub = self.tracked(node["to"], tag, inner, src, body, expanding)
        a, b = self._name(a, src, body), self._name(b, src, body)
        src.emit(body, f"if {a} is U or {b} is U:")
        src.emit(body + 1, f"{u} = {_cat(u, ua, ub)}")
        src.emit(body + 1, "continue")
        src.emit(body, f"{days} = OD({a}, {b}, {lo}, {hi})")
        src.emit(body, f"if {days}:")
        wv, wk, wu = self.tracked(node["where"], tag, inner, src, body + 1, expanding)
        wv = self._name(wv, src, body + 1)
        src.emit(body + 1, f"if {wv} is U:")
        src.emit(body + 2, f"{u} = {_cat(u, wu)}")
        src.emit(body + 1, f"elif {wv}:")
        src.emit(body + 2, f"{v} += {days}")
        src.emit(body + 2, f"{k} = {_cat(k, ka, kb, wk)}")
        src.emit(ind + 1, f"if {u}:")
        src.emit(ind + 2, f"{v} = U")
        return out

    # Functions ------------------------------------------------------------------------------------------------

    def _function(self, params: str, src: _Source, result: str) -> Callable:
        name = f"rule_fn_{next(self._functions)}"
        lines = [f"def {name}({params}):"]
        lines += [f"    {local} = M" for local in sorted(src.memo)]
        lines += src.lines
        lines.append(f"    return {result}")
        code = compile("\n".join(lines), f"<rule pack: {name}>", "exec")
        # The source is built from the checked pack by this module alone (see the module's docstring).
        exec(code, self.globals)  # noqa: S102
        return self.globals.pop(name)

    def value_function(self, node, tag: str = "") -> Callable:
        """f(facts, scope=None, memo=None) -> the value of `node` alone."""
        src = _Source()
        out = self.value(node, tag, {}, src, 1)
        return self._function("f, s=None, m=None", src, out)

    def tracked_function(self, applicability, violation, tags: tuple) -> Callable:
        """f(facts) -> (a, ak, au, ((v, k, u) per reading)), the applicability judged under the first reading."""
        src = _Source()
        a = self.tracked(applicability, tags[0], {}, src, 1)
        results = [self.tracked(violation, tag, {}, src, 1) for tag in tags]
        return self._function(
            "f", src, f"{a[0]}, {a[1]}, {a[2]}, ({''.join(f'({v}, {k}, {u}), ' for v, k, u in results)})"
        )

    def key_function(self, names: list) -> Callable:
        """f(facts) -> the tuple of the values of the facts `names` (U for an unknown one)."""
        src = _Source()
        return self._function("f", src, f"({''.join(f'f.get({name!r}, U), ' for name in names)})")

    def program(self, rules: list) -> Callable:
        """f(facts, index, hits) for `rules`, a list of (position, applicability, violation, reading tags,
        silent on an unknown applicability): appends (position, index) to `hits` for each rule that is not
        silent on the values alone."""
        src = _Source()
        for position, applicability, violation, tags, silent_when_unknown in rules:
            a, truth = self.condition(applicability, tags[0], {}, src, 1)
            src.emit(1, f"if {a} is not U and {truth}:" if silent_when_unknown else f"if {a} is U or {truth}:")
            values = [self.condition(violation, tag, {}, src, 2) for tag in tags]
            src.emit(2, f"if {' or '.join(f'{v} is U or {truth}' for v, truth in values)}:")
            src.emit(3, f"hits.append(({position}, i))")
        if not rules:
            src.emit(1, "pass")
        return self._function("f, i, hits", src, "None")
