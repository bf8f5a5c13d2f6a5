"""Alert templates, SMS replies and keywords per language, kept as reviewed files in the jurisdiction.

Each ``<JURISDICTION_DIR>/alerts/<language>.toml`` records who wrote it (``author``) and who checked it
(``reviewer``, a person other than the author). Safety messages are never machine-translated: a
language file without a reviewer is sent only after the sender confirms it explicitly. TOML is read
with the standard library's ``tomllib``.

Placeholders: alert texts may use {ref} (required), {area}, {borough}, {time}, {original} and {count};
replies may use {code}, {areas}, {join}, {minutes} and {url}.

A verified-activity alert says truthfully what its verification rests on: ``verified_activity`` when a
responder on the scene confirmed it, ``verified_activity_two_people`` when two verifiers confirmed it from
{count} reports (from different channels or senders). Texts added or changed after a file was reviewed are
listed in its ``[review] unreviewed`` (as "alerts.<key>" or "replies.<key>"): they count as unreviewed, so
the sender must confirm them, until a reviewer checks them and empties the list.
"""

from __future__ import annotations

import string
import threading
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from vigil.alerts.conf import conf
from vigil.lib.bidi import isolate_ltr
from vigil.lib.folding import fold_keyword
from vigil.messaging.inbound import STANDARD_STOP

KINDS = ("verified_activity", "all_clear", "correction", "retraction", "reminder")
# Alert texts by basis of verification: the kind's own key, plus these variants.
VARIANTS = {"verified_activity": ("two_people",)}
ALERT_KEYS = KINDS + tuple(f"{kind}_{variant}" for kind, variants in VARIANTS.items() for variant in variants)
ALERT_FIELDS = frozenset({"ref", "area", "borough", "time", "original", "count", "place", "hotline"})
REPLY_FIELDS = frozenset({"code", "areas", "join", "minutes", "url"})
REPLIES = (
    "ask_areas",
    "confirm_prompt",
    "code_message",
    "subscribed",
    "already",
    "stopped",
    "help",
    "help_code",
    "bad_code",
    "too_many",
    "unknown_area",
    "email_confirm_subject",
    "email_confirm_body",
)
# WhatsApp Content templates take numbered variables; ours are numbered in this fixed order.
WHATSAPP_VARIABLES = ("ref", "area", "borough", "time", "original", "count", "place", "hotline")
# Carrier-standard keywords (CTIA; Twilio's opt-out and help lists): they work in every language. The
# opt-out list is messaging's (STOP ends every programme, not only alerts).
STANDARD_HELP = ("HELP", "INFO")

# A message as compared with keywords: the one keyword fold (vigil.lib.folding), so that STOP here and
# in messaging match the same forms.
fold = fold_keyword


class TemplateError(ValueError):
    """A template file is missing a field or uses a placeholder it may not."""


@dataclass(frozen=True)
class LanguagePack:
    language: str
    author: str
    reviewer: str
    reviewed_on: str
    time_format: str
    am: str
    pm: str
    boroughs: dict[str, str]
    alerts: dict[str, str]
    subjects: dict[str, str]
    sms_footer: str
    hotline_line: str
    email_footer: str
    keywords: dict[str, tuple[str, ...]]
    replies: dict[str, str]
    path: Path = field(compare=False)
    unreviewed: frozenset[str] = frozenset()

    @property
    def reviewed(self) -> bool:
        """Reviewed by someone named, who is not the author."""
        reviewer = self.reviewer.strip().casefold()
        return bool(reviewer) and reviewer != self.author.strip().casefold()

    @property
    def join_word(self) -> str:
        return self.keywords["join"][0]

    def format_time(self, when) -> str:
        local = timezone.localtime(when)
        hour12 = local.hour % 12 or 12
        return self.time_format.format(
            H=f"{local.hour:02d}", M=f"{local.minute:02d}", h=str(hour12), ampm=self.am if local.hour < 12 else self.pm
        ).strip()

    def borough_name(self, code: str) -> str:
        if code in self.boroughs:
            return self.boroughs[code]
        from vigil.geo.areas import get_area

        area = get_area(code)
        return area.name if area else code

    def text_reviewed(self, key: str) -> bool:
        """Whether one text ("alerts.<key>", "replies.<key>") was reviewed: the file was, and it is not
        listed as added or changed since."""
        return self.reviewed and key not in self.unreviewed

    def reply(self, name: str, **values) -> str:
        values.setdefault("join", self.join_word)
        return self.replies[name].format_map(isolated(values, self.language))


# Placeholders whose values read left to right in every language: isolated in right-to-left messages.
LTR_FIELDS = frozenset({"ref", "original", "code", "url", "hotline"})


def isolated(values: dict, language: str) -> dict:
    return {
        name: isolate_ltr(value, language, link=name == "url")
        if name in LTR_FIELDS and isinstance(value, str)
        else value
        for name, value in values.items()
    }


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _check(text: str, allowed: frozenset[str], where: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise TemplateError(f"{where}: missing")
    unknown = _placeholders(text) - allowed
    if unknown:
        raise TemplateError(f"{where}: unknown placeholders {sorted(unknown)}")
    return text.strip()


def load_pack(path: Path) -> LanguagePack:
    """Read and check one language file."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    name = path.name
    language = data.get("language")
    if language != path.stem:
        raise TemplateError(f"{name}: language must be {path.stem!r}")
    alerts = data.get("alerts", {})
    subjects = data.get("subjects", {})
    for key in ALERT_KEYS:
        text = _check(alerts.get(key), ALERT_FIELDS, f"{name} alerts.{key}")
        if "ref" not in _placeholders(text):
            raise TemplateError(f"{name} alerts.{key}: every alert must carry {{ref}}")
    for kind in KINDS:
        _check(subjects.get(kind), ALERT_FIELDS, f"{name} subjects.{kind}")
    replies = data.get("replies", {})
    for reply in REPLIES:
        _check(replies.get(reply), REPLY_FIELDS, f"{name} replies.{reply}")
    keywords = data.get("keywords", {})
    words = {}
    for kind in ("join", "stop", "help"):
        values = keywords.get(kind)
        if not values or not all(isinstance(v, str) and v.strip() for v in values):
            raise TemplateError(f"{name} keywords.{kind}: at least one word")
        words[kind] = tuple(v.strip() for v in values)
    time = data.get("time", {})
    footer = data.get("footer", {})
    return LanguagePack(
        language=language,
        author=str(data.get("author", "")),
        reviewer=str(data.get("reviewer", "")),
        reviewed_on=str(data.get("reviewed_on", "")),
        time_format=_check(time.get("format"), frozenset({"H", "M", "h", "ampm"}), f"{name} time.format"),
        am=str(time.get("am", "")),
        pm=str(time.get("pm", "")),
        boroughs={str(k).upper(): str(v) for k, v in data.get("boroughs", {}).items()},
        alerts={k: alerts[k].strip() for k in ALERT_KEYS},
        subjects={k: subjects[k].strip() for k in KINDS},
        sms_footer=_check(footer.get("sms"), frozenset(), f"{name} footer.sms"),
        hotline_line=_check(footer.get("hotline"), frozenset({"hotline"}), f"{name} footer.hotline"),
        email_footer=_check(footer.get("email"), frozenset({"url"}), f"{name} footer.email"),
        keywords=words,
        replies={k: replies[k].strip() for k in REPLIES},
        path=path,
        unreviewed=frozenset(str(key) for key in data.get("review", {}).get("unreviewed", [])),
    )


_lock = threading.Lock()
_cache: dict[Path, dict[str, LanguagePack]] = {}


def template_dir() -> Path:
    return Path(settings.JURISDICTION_DIR) / conf.TEMPLATE_DIR


def packs() -> dict[str, LanguagePack]:
    """Every language file of the jurisdiction, checked, loaded once per process."""
    folder = template_dir()
    with _lock:
        loaded = _cache.get(folder)
        if loaded is None:
            loaded = {}
            for path in sorted(folder.glob("*.toml")):
                pack = load_pack(path)
                loaded[pack.language] = pack
            if "en" not in loaded:
                raise TemplateError(f"{folder}: an English file is required (the fallback)")
            _cache[folder] = loaded
    return loaded


def reset_cache() -> None:
    with _lock:
        _cache.clear()


def pack_for(language: str) -> LanguagePack:
    all_packs = packs()
    return all_packs.get(language) or all_packs["en"]


def deployment_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def area_label(code: str, pack: LanguagePack) -> str:
    """A neighborhood's own name (proper nouns are not translated); a borough's name in the language."""
    from vigil.geo.areas import get_area

    area = get_area(code) if code else None
    if area is None:
        return code
    if area.kind == "borough":
        return pack.borough_name(area.code)
    return area.name


def alert_values(alert, pack: LanguagePack) -> dict[str, str]:
    from vigil.geo.areas import get_area

    if alert.kind == "reminder" and not alert.area:
        area = ", ".join(area_label(c, pack) for c in alert.target_areas[:5])
    else:
        area = area_label(alert.area, pack)
    borough = alert.borough
    if not borough and alert.area:
        found = get_area(alert.area)
        borough = found.borough if found else ""
    verification = alert.verification if alert.verification_id else None
    return {
        "ref": alert.ref,
        "area": area,
        "borough": pack.borough_name(borough) if borough else "",
        "time": pack.format_time(alert.event_time or timezone.now()),
        "original": alert.original_ref,
        "count": str(verification.report_count) if verification else "",
        "place": place_label(alert, pack),
        "hotline": settings.HOTLINE_NUMBER or "",
    }


def place_label(alert, pack: LanguagePack) -> str:
    """Where, as a person reads it: "Roosevelt Ave & 74 St, Jackson Heights, Queens", or the neighborhood
    and borough alone when no place is known or it was withheld (a home, a shelter)."""
    from vigil.geo.names import area_label as natural

    if alert.kind == "reminder" and not alert.area:
        where = ", ".join(area_label(c, pack) for c in alert.target_areas[:5])
    else:
        where = natural(alert.area, pack.language) or natural(alert.borough, pack.language)
    return f"{alert.place_name}, {where}" if alert.place_name and where else (alert.place_name or where)


def template_text(pack: LanguagePack, key: str) -> str:
    """An alert's template as it goes out: its text, then the hotline line where the coalition has one."""
    if settings.HOTLINE_NUMBER:
        return f"{pack.alerts[key]} {pack.hotline_line}"
    return pack.alerts[key]


def whatsapp_numbering(used: set[str]) -> dict[str, str]:
    """WhatsApp numbers a template's variables 1, 2, 3… without gaps: the placeholders a text uses, in
    the fixed order of WHATSAPP_VARIABLES."""
    return {name: str(i + 1) for i, name in enumerate(n for n in WHATSAPP_VARIABLES if n in used)}


def whatsapp_body(text: str) -> str:
    """A template's text with WhatsApp's numbered variables ({{1}}…), as it is registered."""
    numbering = whatsapp_numbering(_placeholders(text))
    return text.format_map({name: "{{%s}}" % number for name, number in numbering.items()})


def alert_key(alert) -> str:
    """Which text an alert uses: a verified-activity alert's depends on the basis of its verification."""
    if alert.kind == "verified_activity" and alert.verification_id and alert.verification.basis == "two_people":
        return "verified_activity_two_people"
    return alert.kind


def render_alert(alert, language: str) -> dict:
    """The alert in one language: core text, SMS text with footer, e-mail subject, WhatsApp variables."""
    all_packs = packs()
    pack = all_packs.get(language)
    fallback = pack is None
    pack = pack or all_packs["en"]
    values = isolated(alert_values(alert, pack), pack.language)
    key = alert_key(alert)
    template = template_text(pack, key)
    text = template.format_map(values)
    used = _placeholders(template)
    return {
        "text": text,
        "sms": f"{text} {pack.sms_footer}",
        "subject": pack.subjects[alert.kind].format_map(values),
        "email_footer": pack.email_footer,
        "vars": {number: values[name] for name, number in whatsapp_numbering(used).items()},
        "reviewed": pack.text_reviewed(f"alerts.{key}"),
        "key": key,
        "pack": pack.language,
        "fallback": fallback,
    }


def keyword_table() -> dict[str, tuple[str, str | None]]:
    """Folded keyword -> (action, language or None for the carrier-standard words).

    A word listed by two languages (加入 in both Chinese files) belongs to the first in settings order.
    """
    table: dict[str, tuple[str, str | None]] = {}
    for word in STANDARD_STOP:
        table[fold(word)] = ("stop", None)
    for word in STANDARD_HELP:
        table[fold(word)] = ("help", None)
    all_packs = packs()
    for language in deployment_languages():
        pack = all_packs.get(language)
        if pack is None:
            continue
        for action in ("join", "stop", "help"):
            for word in pack.keywords[action]:
                table.setdefault(fold(word), (action, language))
    return table
