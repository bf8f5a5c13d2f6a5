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
  and `within`: the days of the items' periods that fall inside `within`); `unknown_read_as` (a fact, or a
  bound item's field, and a literal: the fact's value when it is known, else the literal).

A value is known or `UNKNOWN`. Every evaluation gives `(value, known, unknown)`: the facts that decided a
known value, and for an unknown one the unknown facts that could change it. `all` is false as soon as one
part is false (that part alone decides), true when every part is, unknown otherwise; `any` is its mirror;
`not` keeps the facts. An operator with an unknown operand is unknown. `unknown_read_as` is the one exception:
`{ unknown_read_as = ["$honored", "not_honored"] }` is the fact's value, decided by it, when the fact is known,
and otherwise the literal, decided by no fact and naming none. An expression with it evaluates exactly as the
same expression with the literal written in place of each such read of an unknown fact (docs/rules.md says what
that does to the soundness under unknowns).

The language lives in four modules, one per responsibility:

- this one: the values (`UNKNOWN`), the operators, the context an expression reads, and the validation of
  expression data (`check`) with the walks over it that the pack's checks use (`facts_read`, `refs`);
- `calendar_math`: calendar arithmetic (years, days, hours skipping weekdays and holidays, the dated offence
  list), with the per-pack precomputed calendar the compiled programs use;
- `codegen`: compilation, once per pack, of every rule to flat Python functions (what `evaluate_rules` runs);
- `interpret`: `walk`, the plain tree-walking interpreter of the same language, the baseline the benchmark and
  the tests hold the compiled programs to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
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
OPERATORS = {"all", "any", "not", "in", "years_before", "days_before", "hours_skipping", "listed", "unknown_read_as"}
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
    # The same calendar precomputed (calendar_math.Calendar): what the compiled programs read. The baseline
    # reads the fields above.
    calendar: object = field(default=None, compare=False, repr=False)


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
    elif op == "unknown_read_as":
        if not isinstance(arg, list) or len(arg) != 2:
            raise ExprError(at, "a fact and the value it is read as when unknown expected")
        if not (isinstance(arg[0], str) and arg[0].startswith("$")):
            raise ExprError(f"{at}[0]", "a fact ('$honored') or a bound item's field ('$c.offence') expected")
        check(arg[0], f"{at}[0]", defs, bound)
        if not is_value(arg[1]):
            raise ExprError(f"{at}[1]", "a literal (a boolean, an integer, a date or a plain string) expected")
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


def reads_items(node) -> bool:
    """Whether an expression reads a field of a bound item (without following definitions)."""
    if isinstance(node, str):
        return node.startswith("$") and "." in node
    if isinstance(node, dict):
        return any(reads_items(v) for k, v in node.items() if k != "as")
    if isinstance(node, list):
        return any(reads_items(v) for v in node)
    return False


def is_value(node) -> bool:
    """Whether `node` is a literal value: a boolean, an integer, a date or a plain string."""
    if isinstance(node, str):
        return node[:1] not in ("$", "@")
    return isinstance(node, bool | int | dt.date) and not isinstance(node, dt.datetime)


def assumptions(node, out: list | None = None) -> list:
    """The `unknown_read_as` reads of an expression, as (fact, value) pairs (without following definitions)."""
    out = [] if out is None else out
    if isinstance(node, dict):
        if "unknown_read_as" in node and isinstance(node["unknown_read_as"], list):
            out.append(tuple(node["unknown_read_as"]))
        for key, value in node.items():
            if key != "as":
                assumptions(value, out)
    elif isinstance(node, list):
        for value in node:
            assumptions(value, out)
    return out


def is_literal(node) -> bool:
    return not isinstance(node, dict) and not (isinstance(node, str) and node[:1] in ("$", "@"))
