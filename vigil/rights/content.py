"""The library's texts as files, and how they become HTML.

A text file is Markdown after a TOML front matter between `+++` lines:

    +++
    title = "At the door"
    version = 1
    cites = ["door-no-open", "warrant-kinds"]
    terms = ["judicial-warrant"]
    translated_by = "machine"      # absent for the English source
    +++
    You do not have to open the door. [[fact:door-no-open]]

Inline markers: `[[fact:ID]]` cites a fact (a numbered footnote shows its source and flags it when it is
UNVERIFIED or contested); `[[days:KEY]]` is a retention period from the running settings; `[[hotline]]`
the hotline number from settings; `[[link:NAME]]` an address from `links.toml`; `[[directory:SERVICE]]` the
providers offering a service with their intake numbers, from the directory (vigil/rights/directory.py). Markdown is rendered by
markdown-it-py with raw HTML disabled, then sanitized by nh3: a `<script>` written in a file is text.
"""

from __future__ import annotations

import functools
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import nh3
from django.conf import settings
from django.utils.html import escape
from markdown_it import MarkdownIt

from vigil.rights import directory
from vigil.rights.facts import UnknownFact, fact_book

FRONT = "+++"
MARKER = re.compile(r"\[\[(fact|days|hotline|link|directory)(?::([a-z0-9_-]+))?\]\]")
JURISDICTIONS = ("us", "nyc")
TRANSLATED_BY = ("", "human", "machine")
ALLOWED_TAGS = {"p", "h2", "h3", "ul", "ol", "li", "strong", "em", "a", "sup", "bdi", "blockquote", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href", "class"}, "sup": {"class"}, "bdi": {"dir"}}


class ContentError(ValueError):
    """A text file that cannot be used; the message names the file."""


@dataclass
class TextFile:
    kind: str
    slug: str
    language: str
    jurisdiction: str
    title: str
    body: str
    version: int
    cites: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    translated_by: str = ""
    about_vigil: bool = False
    path: Path | None = None


def rights_root() -> Path:
    return Path(settings.BASE_DIR) / "jurisdictions"


def parse(text: str, *, kind: str, slug: str, language: str, jurisdiction: str, path=None) -> TextFile:
    lines = text.split("\n")
    if not lines or lines[0].strip() != FRONT or FRONT not in [line.strip() for line in lines[1:]]:
        raise ContentError(f"{path}: no front matter between {FRONT} lines")
    end = 1 + [line.strip() for line in lines[1:]].index(FRONT)
    try:
        front = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"{path}: {error}") from error
    unknown = set(front) - {"title", "version", "cites", "terms", "translated_by", "about_vigil"}
    if unknown:
        raise ContentError(f"{path}: unknown front matter field(s) {sorted(unknown)}")
    if "state" in front or "review" in front or "reviewed_by" in front:
        raise ContentError(f"{path}: a review is recorded in the console, never in a file")
    translated_by = front.get("translated_by", "")
    if translated_by not in TRANSLATED_BY:
        raise ContentError(f"{path}: translated_by must be human or machine")
    body = "\n".join(lines[end + 1 :]).strip() + "\n"
    return TextFile(
        kind=kind,
        slug=slug,
        language=language,
        jurisdiction=jurisdiction,
        title=str(front.get("title", "")).strip(),
        body=body,
        version=int(front.get("version", 1)),
        cites=list(front.get("cites", [])),
        terms=list(front.get("terms", [])),
        translated_by=translated_by,
        about_vigil=bool(front.get("about_vigil", False)),
        path=path,
    )


def dump(text: TextFile) -> str:
    """The file for a text (TOML strings written as JSON strings, which TOML reads the same)."""
    front = [f"title = {json.dumps(text.title, ensure_ascii=False)}", f"version = {int(text.version)}"]
    front.append("cites = [" + ", ".join(json.dumps(c) for c in text.cites) + "]")
    if text.terms:
        front.append("terms = [" + ", ".join(json.dumps(t) for t in text.terms) + "]")
    if text.about_vigil:
        front.append("about_vigil = true")
    if text.translated_by:
        front.append(f"translated_by = {json.dumps(text.translated_by)}")
    return "\n".join([FRONT, *front, FRONT, "", text.body.strip(), ""])


def text_files() -> list[TextFile]:
    """Every article and card file in the repository: `<jurisdiction>/rights/{articles,cards}/<slug>/<lang>.md`."""
    found = []
    languages = {code for code, _ in settings.LANGUAGES}
    for jurisdiction in JURISDICTIONS:
        for kind, folder in (("article", "articles"), ("card", "cards")):
            base = rights_root() / jurisdiction / "rights" / folder
            for path in sorted(base.glob("*/*.md")):
                language = path.stem
                if language not in languages:
                    raise ContentError(f"{path}: {language!r} is not a language of settings.LANGUAGES")
                found.append(
                    parse(
                        path.read_text(encoding="utf-8"),
                        kind=kind,
                        slug=path.parent.name,
                        language=language,
                        jurisdiction=jurisdiction,
                        path=path,
                    )
                )
    return found


def file_path(kind: str, jurisdiction: str, slug: str, language: str) -> Path:
    folder = "articles" if kind == "article" else "cards"
    return rights_root() / jurisdiction / "rights" / folder / slug / f"{language}.md"


# --- Glossary and links ----------------------------------------------------------------------


@functools.cache
def glossary() -> dict[str, dict]:
    """{term id: {"words": {language: word}, "avoid": [English words not to use]}} from glossary.toml."""
    raw = tomllib.loads((rights_root() / "us" / "rights" / "glossary.toml").read_text(encoding="utf-8"))
    languages = {code for code, _ in settings.LANGUAGES}
    terms = {}
    for entry in raw["term"]:
        words = {code: entry[code] for code in languages if code in entry}
        if set(words) != languages:
            raise ContentError(f"glossary term {entry['id']!r} lacks {sorted(languages - set(words))}")
        terms[entry["id"]] = {"words": words, "avoid": entry.get("avoid", []), "meaning": entry.get("meaning", "")}
    return terms


@functools.cache
def links() -> dict[str, str]:
    raw = tomllib.loads((rights_root() / "us" / "rights" / "links.toml").read_text(encoding="utf-8"))
    return {entry["id"]: entry["address"] for entry in raw["link"]}


# --- Rendering -------------------------------------------------------------------------------


def cited_ids(body: str) -> list[str]:
    """The fact ids a body cites inline, in order of first appearance."""
    seen = []
    for match in MARKER.finditer(body):
        if match.group(1) == "fact" and match.group(2) not in seen:
            seen.append(match.group(2))
    return seen


def check(text: TextFile) -> None:
    """Refuse unknown fact ids, inline citations missing from the front matter, unknown glossary terms,
    unknown retention keys and unknown links."""
    inline = cited_ids(text.body)
    fact_book().check_citations([*text.cites, *inline])
    missing = [fact_id for fact_id in inline if fact_id not in text.cites]
    if missing:
        raise ContentError(f"{text.path}: cited inline but not in the front matter: {missing}")
    unknown_terms = [term for term in text.terms if term not in glossary()]
    if unknown_terms:
        raise ContentError(f"{text.path}: unknown glossary term(s) {unknown_terms}")
    for match in MARKER.finditer(text.body):
        kind, name = match.groups()
        if kind == "days" and name not in settings.RETENTION:
            raise ContentError(f"{text.path}: unknown retention period {name!r}")
        if kind == "link" and name not in links():
            raise ContentError(f"{text.path}: unknown link {name!r}")
        if kind == "directory" and name not in directory.SERVICES:
            raise ContentError(f"{text.path}: unknown directory service {name!r}")


_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


@dataclass
class Rendered:
    html: str
    footnotes: list  # [(number, Fact)]


def render(body: str) -> Rendered:
    """Markdown to safe HTML; fact markers become numbered footnote references.

    Steps: render with raw HTML off (any tag in the text comes out escaped); replace the markers, whose
    grammar admits only [a-z0-9_-] names, with our own markup; sanitize the result with nh3 so nothing but
    the allowed tags and attributes can reach the page whatever the renderer did.
    """
    html = _markdown.render(body)
    numbers: dict[str, int] = {}

    def marker(match):
        kind, name = match.groups()
        if kind == "fact":
            fact_book().cite(name)
            number = numbers.setdefault(name, len(numbers) + 1)
            return f'<sup class="cite"><a href="#fact-{number}">[{number}]</a></sup>'
        if kind == "days":
            return str(int(settings.RETENTION[name]))
        if kind == "hotline":
            if not settings.HOTLINE_NUMBER:
                return ""
            # A link a phone dials, isolated left to right (in Urdu or Arabic unisolated digits reorder).
            dial = re.sub(r"[^\d+]", "", settings.HOTLINE_NUMBER)
            return f'<a href="tel:{dial}"><bdi dir="ltr">{escape(settings.HOTLINE_NUMBER)}</bdi></a>'
        if kind == "directory":
            return directory.render(name)
        if kind == "link":
            address = links()[name]
            return f'<a href="{escape(address)}"><bdi dir="ltr">{escape(address)}</bdi></a>'
        raise UnknownFact([name or kind])

    html = MARKER.sub(marker, html)
    html = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"https", "http", "tel"},
        link_rel="noreferrer",
    )
    footnotes = [(number, fact_book().cite(fact_id)) for fact_id, number in numbers.items()]
    return Rendered(html=html, footnotes=footnotes)


def plain(body: str) -> list[str]:
    """A card body's lines (`- text [[fact:id]]`) as plain statements for print, with their fact ids."""
    lines = []
    for line in body.splitlines():
        line = line.strip()
        if line.startswith("- "):
            lines.append(line[2:])
    return lines
