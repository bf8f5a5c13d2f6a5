"""Language detection, its model: a naive-Bayes character n-gram model trained on report-style text
written for Vigil (``langid_data/<code>.txt``, one file per language plus ``xx.txt`` for other
Latin-script languages), compiled into ``langid_data/model.tsv``.

``python -m vigil.lib.langid build`` recompiles the model; the held-out benchmark text in
``bench/data/language`` is never read here. No Django imports.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable
from pathlib import Path

from vigil.lib.folding import strip_latin_accents as strip_accents
from vigil.lib.langid_text import _dominant_script, _evidence, _words

DATA_DIR = Path(__file__).with_name("langid_data")
MODEL_PATH = DATA_DIR / "model.tsv"
# The n-gram class of "some other Latin-script language" is trained from this file.
OTHER = "xx"
# Tuned by cross-validation on the training text (``python -m vigil.lib.langid check``).
MAX_ORDER = 4  # character n-grams of 1..MAX_ORDER characters, words padded with spaces
ALPHA = 0.1  # additive smoothing of the n-gram counts
WORD_WEIGHT = 2.0  # weight of whole-word features next to the character n-grams

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
        # The same, one row per class: a text's unseen part is then one dot product per class.
        self.unseen_by_class = [tuple(self.unseen[k][c] for k in kinds) for c in range(n_classes)]
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
            result[name] = seen[c] + sum(map(operator.mul, per_kind, self.unseen_by_class[c]))
        return result


def read_training_text() -> dict[str, list[str]]:
    """Training sentences by language code (every ``<code>.txt`` of the data folder, OTHER's
    included), blank lines and # comments skipped."""
    by_code: dict[str, list[str]] = {}
    for path in sorted(DATA_DIR.glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        by_code[path.stem] = [line for line in lines if line and not line.startswith("#")]
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
