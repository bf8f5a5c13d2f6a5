"""Subscription keywords in SMS and WhatsApp messages: alerts' handler in messaging's inbound router.

Registered in apps.py: `inbound_handler` is tried by the router (after STOP, which the router handles
for every app), `stop_programmes` ends a subscription when messaging records an opt-out (STOP, STOPALL,
a carrier's "unsubscribed recipient"), and `stop_words` gives the router each language's STOP.

`handle_inbound(sender, body, channel)` returns the reply for a message about subscriptions, in the
language of the keyword (ALTA is Spanish), else the subscriber's, else the detected one; or None when
the message is not about subscriptions, so that it becomes a report. Short messages only: anything
longer than a few words from someone who is not in the middle of subscribing is a report.

What counts as a subscription message:
- JOIN, ALTA, ... (each language's words), optionally followed by areas: start or change a subscription;
- STOP and its translations, and the carrier-standard STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT
  (REVOKE, OPTOUT): handled by messaging's router before any handler (an opt-out from every app);
  it calls `stop_programmes`, which unsubscribes at once and says so (STOPALL: SMS and WhatsApp);
- HELP, INFO and translations: help;
- from someone subscribing: a six-digit code, or area names/codes;
- from someone subscribing, any other short message: help for the step they are at;
- a one-letter slip of a keyword ("JION", "STPO"): help.
"""

from __future__ import annotations

import re
from functools import lru_cache

from vigil.alerts import actions, texts
from vigil.alerts.models import Subscriber
from vigil.lib.normalize import InvalidAddress

MAX_KEYWORD_WORDS = 4
MAX_LENGTH = 160
_SPLIT = re.compile(r"[,;/&\n+、，]+")
_NTA = re.compile(r"^[a-z]{2}\d{4}$")


def _detected(text: str) -> str:
    from vigil.lib.langid import detect_language

    language = detect_language(text, prior=None).language
    return language if language in texts.deployment_languages() else "en"


@lru_cache(maxsize=4)
def _area_names(_folder: str) -> dict[str, str]:
    """Folded name or code -> area code: borough codes and names (in every language file), NTA codes and
    names. Built once per template folder."""
    from vigil.geo.areas import neighborhoods_by_borough

    names: dict[str, str] = {}
    for borough, borough_name, ntas in neighborhoods_by_borough():
        names[texts.fold(borough)] = borough
        names[texts.fold(borough_name)] = borough
        names[texts.fold("the " + borough_name)] = borough
        for nta, nta_name in ntas:
            names[texts.fold(nta)] = nta
            names.setdefault(texts.fold(nta_name), nta)
    for pack in texts.packs().values():
        for code, name in pack.boroughs.items():
            names.setdefault(texts.fold(name), code)
    return names


def parse_areas(text: str) -> list[str] | None:
    """Area codes named in a message ("Queens", "BK, QN0301", "皇后区"), or None if any part is unknown."""
    from vigil.lib.langid import strip_accents

    names = _area_names(str(texts.template_dir()))
    found: list[str] = []
    for piece in _SPLIT.split(texts.fold(text)):
        piece = piece.strip()
        if not piece:
            continue
        code = names.get(piece) or names.get(strip_accents(piece))
        if code:
            found.append(code)
            continue
        for word in piece.split():
            code = names.get(word) or names.get(strip_accents(word))
            if code is None:
                return None
            found.append(code)
    unique = list(dict.fromkeys(found))
    return unique or None


def _distance_one(a: str, b: str) -> bool:
    """One insertion, deletion, substitution or swap of neighbors apart."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _near_keyword(word: str, table) -> tuple[str, str | None] | None:
    if len(word) < 4:
        return None
    for keyword, hit in table.items():
        if len(keyword) >= 4 and _distance_one(word, keyword):
            return hit
    return None


def _areas_label(codes: list[str], pack) -> str:
    return ", ".join(texts.area_label(code, pack) for code in codes)


def _prompt(subscriber: Subscriber, pack, codes: list[str]) -> str:
    return pack.reply("confirm_prompt", code=actions.confirmation_code(subscriber), areas=_areas_label(codes, pack))


def _join(sender: str, channel: str, language: str, rest: str, current: Subscriber | None) -> str:
    from vigil.messaging import actions as messaging_actions

    # Asking to join again on this number undoes an earlier STOP (it was the person's own opt-out).
    messaging_actions.opt_in(sender, channel)
    pack = texts.pack_for(language)
    codes = parse_areas(rest) if rest else []
    if rest and codes is None:
        if current is None or current.state != Subscriber.State.ACTIVE:
            actions.subscribe(channel=channel, address=sender, language=language, areas=[], via="keyword")
        return pack.reply("unknown_area")
    if current is not None and current.state == Subscriber.State.ACTIVE and not codes:
        pack = texts.pack_for(current.language)
        return pack.reply("already", areas=_areas_label(current.area_codes(), pack))
    subscriber = actions.subscribe(channel=channel, address=sender, language=language, areas=codes, via="keyword")
    if not codes:
        return pack.reply("ask_areas")
    return _prompt(subscriber, pack, codes)


def _subscribing(subscriber: Subscriber, text: str, words: list[str]) -> str | None:
    """A message from someone in the middle of subscribing (or changing their areas)."""
    language = subscriber.pending_language or subscriber.language
    pack = texts.pack_for(language)
    code = actions.parse_code(text)
    if code is not None and actions.awaiting_code(subscriber):
        outcome = actions.confirm(subscriber, code)
        if outcome == "ok":
            subscriber.refresh_from_db()
            fresh = texts.pack_for(subscriber.language)
            return fresh.reply("subscribed", areas=_areas_label(subscriber.area_codes(), fresh))
        if outcome == "bad":
            return pack.reply("bad_code")
        return pack.reply("too_many")
    if len(words) > MAX_KEYWORD_WORDS:
        return None  # a report, even mid-subscription
    codes = parse_areas(text)
    if codes:
        updated = actions.set_pending_areas(subscriber, codes)
        return _prompt(updated, pack, codes)
    if actions.awaiting_code(subscriber):
        return pack.reply("help_code")
    return pack.reply("ask_areas")


def handle_inbound(sender: str, body: str, channel: str) -> str | None:
    """The reply to a subscription message, or None if the message is not about subscriptions."""
    if channel not in ("sms", "whatsapp"):
        return None
    text = texts.fold(body)
    if not text or len(text) > MAX_LENGTH:
        return None
    words = text.split()
    table = texts.keyword_table()
    hit = table.get(words[0])
    try:
        mine = actions.phone_subscribers(sender)
    except InvalidAddress:
        return None
    current = mine.get(channel)
    if hit is not None:
        action, language = hit
        if action == "help" and len(words) == 1:
            language = language or (current.language if current else _detected(body))
            return texts.pack_for(language).reply("help")
        if action == "join" and len(words) <= MAX_KEYWORD_WORDS + 2:
            language = language or (current.language if current else _detected(body))
            try:
                return _join(sender, channel, language, " ".join(words[1:]), current)
            except (actions.SubscriptionError, InvalidAddress):
                return texts.pack_for(language).reply("help")
    if current is not None and (
        current.state == Subscriber.State.PENDING
        or (current.state == Subscriber.State.ACTIVE and current.pending_areas)
    ):
        try:
            return _subscribing(current, text, words)
        except actions.SubscriptionError:
            return texts.pack_for(current.language).reply("help")
    if len(words) == 1:
        near = _near_keyword(words[0], table)
        if near is not None:
            _action, language = near
            language = language or (current.language if current else _detected(body))
            return texts.pack_for(language).reply("help")
    return None


# --------------------------------------------------------------------------------------------
# Registered with messaging (apps.py)
# --------------------------------------------------------------------------------------------


def inbound_handler(inbound) -> str | None:
    """The router's call: a subscription message of ours gets its reply; anything else passes (None)."""
    return handle_inbound(inbound.sender, inbound.body, inbound.channel)


def stop_programmes(address: str, channel: str, language: str, via: str) -> str | None:
    """Messaging recorded an opt-out for this address on this channel: end its subscription, and say
    so in the stop word's language (else the subscriber's). None when it had no subscription running."""
    if channel == "email":
        subscriber = actions.find_subscriber(channel, address)
    else:
        subscriber = actions.phone_subscribers(address).get(channel)
    if subscriber is None or not actions.unsubscribe(subscriber, via=via):
        return None
    return texts.pack_for(language or subscriber.language).reply("stopped")


def stop_words() -> dict[str, str]:
    """Each deployment language's own STOP words, for the router: {word: language}."""
    return {
        word: language for word, (action, language) in texts.keyword_table().items() if action == "stop" and language
    }


def resolve_subscriber(subscriber_id: str) -> str | None:
    """Messaging's resolver for "alerts.subscriber": the address, while the subscription exists."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    return subscriber.address if subscriber is not None else None
