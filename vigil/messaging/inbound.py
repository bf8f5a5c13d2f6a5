"""The router of inbound messages (SMS, WhatsApp): the webhook hands each one here.

`route(inbound)` returns the reply text, or None when no app claims the message (the caller, intake,
then makes it a report). In this order:

1. STOP and its translations (the carrier-standard words below, and the words each handler adds,
   alone in the message): the address is opted out on our sending number, every app ends its
   programmes for it, and the reply says what was stopped. STOPALL does it for SMS and WhatsApp.
2. Each registered handler, by its `order` (lowest first; docs/messaging.md lists them). A handler
   claims a message only when the sender is a known recipient of theirs with an open conversation, or
   the text is one of their keywords; it answers with its reply, or None to pass.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from vigil.lib.folding import fold_keyword
from vigil.messaging import actions, registry, template_actions

# Carrier-standard opt-out keywords (CTIA; Twilio's opt-out list): they work in every language.
STANDARD_STOP = ("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT")
STOP_EVERYTHING = "stopall"


@dataclass(frozen=True)
class Inbound:
    """One message received: the sender's address (E.164), the channel, the text, and our number it
    was sent to (empty: the configured one)."""

    sender: str
    channel: str
    body: str
    sending_number: str = ""


# A message as compared with keywords (full-width, any case, accents, zero-width characters, spaced
# letters: vigil.lib.folding says which forms).
fold = fold_keyword


def stop_words() -> dict[str, str]:
    """Folded stop word -> its language ("" for the carrier-standard words, which are every language's)."""
    words = {fold(word): "" for word in STANDARD_STOP}
    for handler in registry.handlers():
        if handler.stop_words is not None:
            for word, language in handler.stop_words().items():
                words.setdefault(fold(word), language)
    return words


def stopped_reply(language: str) -> str:
    """What is said when no app had anything running for the address: messaging's own words."""
    with translation.override(language or "en"):
        return _("Vigil: you will get no more messages from us at this number.")


def route(inbound: Inbound) -> str | None:
    """The reply to an inbound message, or None when nobody claims it (then it is a report)."""
    # Any WhatsApp message opens the sender's 24-hour window for free text (template_actions).
    template_actions.note_inbound(inbound.sender, inbound.channel, sending_number=inbound.sending_number or None)
    text = fold(inbound.body)
    words = stop_words()
    if text in words:
        number = inbound.sending_number or None
        language = words[text]
        replies = actions.opt_out(
            inbound.sender,
            inbound.channel,
            via="keyword",
            language=language,
            sending_number=number,
            everything=text == STOP_EVERYTHING,
        )
        return " ".join(replies) if replies else stopped_reply(language)
    for handler in registry.handlers():
        reply = handler.handle(inbound)
        if reply is not None:
            return reply
    return None
