"""Which interpreters may take an interpretation request, best first (docs/cases.md, "Interpreters").

A pure module like the rest of the matcher: plain dataclasses in, a ranking out, nothing from Django, so
the property tests can throw any input at it.

Hard rules (an interpreter breaking one is never proposed; `refusal` names the first that fails):
- **active**: the interpreter is on the roster;
- **language**: the request's spoken language is one the interpreter lists, by the macrolanguage rules of
  `languages.py` (`yue` never matches `cmn`; `zh` or `zh-Hant` alone matches nobody: it asks which);
- **mode**: the interpreter works in the requested mode (phone, video, in person);
- **borough**: in person, the interpreter goes to the requested borough;
- **availability**: one availability window, offering that mode, covers the whole wanted time;
- **booked**: no assignment of the interpreter (assigned or confirmed) overlaps the wanted time.

Then, among those left: fewer minutes worked this month first (spread the load), then the name, then the id,
so the order never depends on the input's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from vigil.cases.matching import languages

MODES = ("phone", "video", "in_person")

# The hard rules in the order they are checked; the first failing one is the interpreter's reason.
RULES = ("active", "language_ask_which", "language", "mode", "borough", "availability", "booked")


@dataclass(frozen=True)
class Window:
    """A time the interpreter said they are available, in the modes given."""

    starts_at: datetime
    ends_at: datetime
    modes: frozenset[str]


@dataclass(frozen=True)
class Booking:
    """A time the interpreter is already assigned (or confirmed) elsewhere."""

    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Interpreter:
    id: str
    name: str = ""
    languages: frozenset[str] = frozenset()
    modes: frozenset[str] = frozenset()
    boroughs: frozenset[str] = frozenset()
    windows: tuple[Window, ...] = ()
    bookings: tuple[Booking, ...] = ()
    minutes_this_month: int = 0
    active: bool = True


@dataclass(frozen=True)
class Request:
    language: str
    mode: str
    starts_at: datetime
    ends_at: datetime
    borough: str = ""


@dataclass
class Ranking:
    """The interpreters who may take the request, best first, and why each of the others may not."""

    proposed: list[Interpreter] = field(default_factory=list)
    left_out: dict[str, str] = field(default_factory=dict)


def _key(tag: str) -> str | None:
    try:
        return languages.matchable(languages.normalize(tag))
    except languages.LanguageTagError:
        return None


def speaks(interpreter: Interpreter, tag: str) -> bool:
    """The interpreter lists the spoken language the tag names (an individual language, never a sibling)."""
    wanted = _key(tag)
    return wanted is not None and any(_key(own) == wanted for own in interpreter.languages)


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open intervals: one ending at 10:00 does not overlap one starting at 10:00."""
    return a_start < b_end and b_start < a_end


def covered(interpreter: Interpreter, request: Request) -> bool:
    """One window offering the mode covers the whole wanted time."""
    return any(
        w.starts_at <= request.starts_at and request.ends_at <= w.ends_at and request.mode in w.modes
        for w in interpreter.windows
    )


def refusal(request: Request, interpreter: Interpreter) -> str | None:
    """The first hard rule the interpreter breaks for the request (a code of RULES), or None."""
    if not interpreter.active:
        return "active"
    try:
        if languages.asks_which(languages.normalize(request.language)):
            return "language_ask_which"
    except languages.LanguageTagError:
        return "language"
    if not speaks(interpreter, request.language):
        return "language"
    if request.mode not in interpreter.modes:
        return "mode"
    if request.mode == "in_person" and (not request.borough or request.borough not in interpreter.boroughs):
        return "borough"
    if not covered(interpreter, request):
        return "availability"
    if any(overlaps(b.starts_at, b.ends_at, request.starts_at, request.ends_at) for b in interpreter.bookings):
        return "booked"
    return None


def rank_interpreters(request: Request, interpreters: Iterable[Interpreter]) -> Ranking:
    """Every interpreter who keeps the hard rules, fewest minutes this month first; the others with their
    reason."""
    ranking = Ranking()
    for interpreter in interpreters:
        reason = refusal(request, interpreter)
        if reason is None:
            ranking.proposed.append(interpreter)
        else:
            ranking.left_out[interpreter.id] = reason
    ranking.proposed.sort(key=lambda i: (i.minutes_this_month, i.name.casefold(), i.id))
    return ranking
