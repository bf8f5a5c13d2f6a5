"""What the apps above messaging register with it, by name (messaging never imports them).

- Resolvers: ``register_resolver("alerts.subscriber", fn)``; ``fn(recipient_id) -> str | None`` gives the
  recipient's address at send time (None: the recipient is gone, and the message is withdrawn).
- Inbound handlers: ``register_handler("alerts.keywords", fn, order=100, stop=stop_fn, stop_words=words_fn)``.
  ``fn(inbound) -> str | None`` answers a message it claims (the reply) or None; handlers are tried by
  ``order``, lowest first (docs/messaging.md lists the order). ``stop_fn(address, channel, language,
  via) -> str | None`` ends the app's programmes for that address and says, in the language, what it
  ended. ``words_fn() -> {folded word: language}`` adds the app's own translations of STOP.
- Status listeners: ``register_status_listener(name, fn)``; ``fn(provider_id, status, error_code) ->
  bool`` takes a provider's delivery report for a message that is not in messaging's own table (alerts'
  deliveries), and says whether it knew the id.

Registration happens in each app's ``AppConfig.ready``, so every process (web, worker, tests) has it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

RESOLVERS: dict[str, Callable[[str], str | None]] = {}
HANDLERS: dict[str, Handler] = {}
STATUS_LISTENERS: dict[str, Callable[[str, str, str], bool]] = {}


@dataclass(frozen=True)
class Handler:
    name: str
    handle: Callable
    order: int
    stop: Callable | None = None
    stop_words: Callable | None = None


def register_resolver(kind: str, resolver: Callable[[str], str | None]) -> None:
    RESOLVERS[kind] = resolver


def resolver_for(kind: str) -> Callable[[str], str | None]:
    try:
        return RESOLVERS[kind]
    except KeyError:
        raise LookupError(f"no resolver registered for recipient kind {kind!r}") from None


def register_handler(name: str, handle: Callable, *, order: int, stop=None, stop_words=None) -> None:
    HANDLERS[name] = Handler(name, handle, order, stop, stop_words)


def handlers() -> list[Handler]:
    """Every inbound handler, in the order they are tried (then by name, so the order is total)."""
    return sorted(HANDLERS.values(), key=lambda h: (h.order, h.name))


def register_status_listener(name: str, listener: Callable[[str, str, str], bool]) -> None:
    STATUS_LISTENERS[name] = listener
