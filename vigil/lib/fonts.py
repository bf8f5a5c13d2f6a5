"""Which fonts print which language or which text, found through fontconfig, and whether they cover a text.

Every chain ends in a Latin face: without one, hyphens, "/" and a web address inside Arabic, Bengali or
Chinese text vanish silently from the PDF. The faces are Debian's fonts-noto-core and fonts-noto-cjk.

Pure (fontconfig's command-line tools and fontTools, no Django): the know-your-rights cards (`vigil/rights`)
print one language at a time (`chain`); a referral packet (`vigil/cases`) prints names in any script
(`chain_for_text`).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass

from fontTools.ttLib import TTFont

LATIN = "Noto Sans"


@dataclass(frozen=True)
class Face:
    """One font face: the fontconfig family asked for, its file, and its index in a collection."""

    family: str
    path: str
    index: int = 0


@dataclass(frozen=True)
class Script:
    """How a language prints: its fonts (first the language's own face, last the Latin fallback), the
    smallest body size allowed, the line height as a multiple of the size, and the shaping parameters."""

    families: tuple[str, ...]
    min_body_pt: float
    line_height: float
    direction: str = "ltr"
    script: str | None = None
    language: str | None = None


# Latin and Cyrillic read at 7 pt; Arabic, Urdu, Bengali, Chinese and Korean need 9 pt. Nastaliq stacks
# letters diagonally and needs a taller line than Naskh: 1.7 (looked at in renders of the card at 200 dpi: no
# stroke or dot of one line touches the next; 1.9 left no way to fit the wallet card's five statements at 9 pt).
SCRIPTS: dict[str, Script] = {
    "en": Script((LATIN,), 7, 1.25),
    "es": Script((LATIN,), 7, 1.25),
    "fr": Script((LATIN,), 7, 1.25),
    "pl": Script((LATIN,), 7, 1.25),
    "ht": Script((LATIN,), 7, 1.25),
    "ru": Script((LATIN,), 7, 1.25, script="cyrl", language="ru"),
    "ar": Script(("Noto Naskh Arabic", LATIN), 9, 1.5, "rtl", "arab", "ar"),
    "ur": Script(("Noto Nastaliq Urdu", LATIN), 9, 1.7, "rtl", "arab", "ur"),
    "bn": Script(("Noto Sans Bengali", LATIN), 9, 1.4, "ltr", "beng", "bn"),
    "zh-hans": Script(("Noto Sans CJK SC", LATIN), 9, 1.4, "ltr", "hani", "zh"),
    "zh-hant": Script(("Noto Sans CJK TC", LATIN), 9, 1.4, "ltr", "hani", "zh"),
    "ko": Script(("Noto Sans CJK KR", LATIN), 9, 1.25, "ltr", "hang", "ko"),
}


class FontMissing(Exception):
    """A face the language needs is not installed, or the installed faces leave characters uncovered.
    The message names the font in words; it never carries the text itself."""


def script_for(language: str) -> Script:
    try:
        return SCRIPTS[language]
    except KeyError:
        raise FontMissing(f"no font chain is defined for the language {language!r}") from None


@functools.cache
def find(family: str) -> Face:
    """The installed face for a family name, exactly that family (fontconfig's nearest match is refused:
    a Latin face standing in for Bengali prints boxes)."""
    if shutil.which("fc-match") is None:
        raise FontMissing("fontconfig (fc-match) is not installed")
    out = subprocess.run(
        ["fc-match", "-f", "%{family}\t%{file}\t%{index}", f"{family}:style=Regular"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    parts = out.split("\t")
    if len(parts) != 3 or family not in parts[0].split(","):
        raise FontMissing(f"the font {family} is not installed (Debian: fonts-noto-core, fonts-noto-cjk)")
    return Face(family=family, path=parts[1], index=int(parts[2] or 0))


def chain(language: str) -> list[Face]:
    return [find(family) for family in script_for(language).families]


@functools.cache
def _codepoints(face: Face) -> frozenset[int]:
    font = TTFont(face.path, fontNumber=face.index, lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


# Characters that steer layout and print nothing: no font needs a glyph for them.
_INVISIBLE = frozenset({0x20, 0x0A, 0x200C, 0x200D, 0x200E, 0x200F, 0x2066, 0x2067, 0x2068, 0x2069, 0xA0})


def uncovered(text: str, faces: list[Face]) -> set[str]:
    """The characters of `text` that no face of the chain has a glyph for."""
    covered: set[int] = set()
    for face in faces:
        covered |= _codepoints(face)
    return {ch for ch in set(text) if ord(ch) not in covered and ord(ch) not in _INVISIBLE}


def check_coverage(language: str, texts: list[str]) -> None:
    """Refuse to print a text some character of which no installed face covers, naming the fonts in words."""
    faces = chain(language)
    missing = set()
    for text in texts:
        missing |= uncovered(text, faces)
    if missing:
        codes = ", ".join(f"U+{ord(ch):04X}" for ch in sorted(missing))
        names = ", ".join(face.family for face in faces)
        raise FontMissing(f"{names} cannot print {len(missing)} character(s): {codes}")


# The faces tried, in this order, for the characters of a text that the Latin face lacks: the scripts of the
# deployment's languages first; any other installed face that covers a character is found through fontconfig.
TEXT_FACES = (
    "Noto Naskh Arabic",
    "Noto Sans Bengali",
    "Noto Sans CJK SC",
    "Noto Sans Devanagari",
    "Noto Sans Hebrew",
    "Noto Sans Ethiopic",
    "Noto Sans Thai",
)
HANGUL_FACE = "Noto Sans CJK KR"
_LINE_HEIGHTS = {script.families[0]: script.line_height for script in SCRIPTS.values()}


def _installed(family: str) -> Face | None:
    try:
        return find(family)
    except FontMissing:
        return None


@functools.cache
def _covering_face(codepoint: int) -> Face | None:
    """An installed regular face with a glyph for the character, by fontconfig: Noto Sans faces first, then
    other Noto faces, then any, each group by name (the same machine always picks the same face)."""
    if shutil.which("fc-list") is None:
        return None
    out = subprocess.run(
        ["fc-list", "-f", "%{family[0]}\t%{file}\t%{index}\n", f":charset={codepoint:x}:style=Regular"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    faces = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[1].lower().endswith((".ttf", ".otf", ".ttc")):
            faces.append(Face(family=parts[0], path=parts[1], index=int(parts[2] or 0)))
    faces.sort(key=lambda f: (not f.family.startswith("Noto Sans"), not f.family.startswith("Noto"), f.family, f.path))
    return next((face for face in faces if codepoint in _codepoints(face)), None)


def chain_for_text(text: str, *, preferred: tuple[str, ...] = ()) -> list[Face]:
    """The faces that print `text`: for each character the Latin face lacks, in the order the text first needs
    them, the first face that has it (the `preferred` families, then TEXT_FACES, Hangul's own face for
    Korean, then whatever fontconfig finds), and the Latin face last. A character no installed face covers
    raises FontMissing naming its code point, never the text: printed, it would be a box or nothing."""
    latin = find(LATIN)
    chosen: list[Face] = []
    for ch in dict.fromkeys(text):
        codepoint = ord(ch)
        if codepoint in _INVISIBLE or codepoint in _codepoints(latin) or unicodedata.category(ch) == "Cf":
            continue
        if any(codepoint in _codepoints(face) for face in chosen):
            continue
        families = preferred + ((HANGUL_FACE,) if 0xAC00 <= codepoint <= 0xD7AF else ()) + TEXT_FACES
        face = next(
            (f for f in map(_installed, families) if f is not None and codepoint in _codepoints(f)), None
        ) or _covering_face(codepoint)
        if face is None:
            raise FontMissing(f"no installed font can print the character U+{codepoint:04X}")
        chosen.append(face)
    return [*chosen, latin]


def line_height_for(faces: list[Face]) -> float:
    """The line height, as a multiple of the size, that the tallest face of a chain needs."""
    return max(_LINE_HEIGHTS.get(face.family, 1.4 if face.family != LATIN else 1.25) for face in faces)


def direction_of(text: str) -> str:
    """The paragraph direction of a text by its first strong character (Unicode's rules P2-P3, isolates
    skipped): "rtl" for a name written in Arabic or Hebrew letters, "ltr" otherwise."""
    depth = 0
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("LRI", "RLI", "FSI"):
            depth += 1
        elif kind == "PDI" and depth:
            depth -= 1
        elif depth == 0 and kind in ("R", "AL"):
            return "rtl"
        elif depth == 0 and kind == "L":
            return "ltr"
    return "ltr"
