"""Benchmark: language detection of short reports, no language prior.

Steps:
1. read the held-out reports in bench/data/language/<code>.txt (written apart from the training text
   in vigil/lib/langid_data, never used to fit anything) and the non-deployment texts in und.txt;
2. detect every report with vigil.lib.langid.detect_language (no prior) and, in the same run, with the
   fastText-lite baseline restricted to the same candidate languages;
   the case files (CASES: a language as it is also written, e.g. romanized Bengali in bn-latn.txt,
   expected "bn") are measured the same way but reported as their own rows, figures and goals
   (case_accuracy.*), apart from the per-language ones (and from the timing), so that those stay
   comparable;
3. time detection (models loaded beforehand): the first pass over all reports, then several rounds;
4. print per-language figures, then, as the last line, one JSON object with the figures and goals.

Run from the repository root: ``python bench/language.py``.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from vigil.lib.langid import DEPLOYMENT_LANGUAGES, UNDETERMINED, detect_language, fasttext_only  # noqa: E402

DATA = ROOT / "bench" / "data" / "language"
TARGET = 0.95
TIMING_ROUNDS = 5
# Case files: bench/data/language/<case>.txt and the language expected for each of its lines.
CASES = {"bn-latn": "bn", "ur-latn": "ur"}


def read_lines(path: Path) -> list[str]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def main() -> int:
    held_out = {code: read_lines(DATA / f"{code}.txt") for code in DEPLOYMENT_LANGUAGES}
    others = [line.split("\t", 1) for line in read_lines(DATA / "und.txt")]

    # Load every model once so that the timing below measures detection only.
    detect_language("warm up the models")
    fasttext_only("warm up the models")

    accuracy: dict[str, float] = {}
    baseline: dict[str, float] = {}
    confusions: dict[str, Counter[str]] = {}
    first_pass = 0.0
    for code, lines in held_out.items():
        ours = []
        for line in lines:
            start = time.perf_counter()
            ours.append(detect_language(line).language)
            first_pass += time.perf_counter() - start
        theirs = [fasttext_only(line, DEPLOYMENT_LANGUAGES) for line in lines]
        accuracy[code] = round(sum(got == code for got in ours) / len(lines), 4)
        baseline[code] = round(sum(got == code for got in theirs) / len(lines), 4)
        confusions[code] = Counter(got for got in ours if got != code)

    cases = {case: read_lines(DATA / f"{case}.txt") for case in CASES}
    case_accuracy: dict[str, float] = {}
    case_baseline: dict[str, float] = {}
    case_confusions: dict[str, Counter[str]] = {}
    for case, lines in cases.items():
        expected = CASES[case]
        ours = [detect_language(line).language for line in lines]
        theirs = [fasttext_only(line, DEPLOYMENT_LANGUAGES) for line in lines]
        case_accuracy[case] = round(sum(got == expected for got in ours) / len(lines), 4)
        case_baseline[case] = round(sum(got == expected for got in theirs) / len(lines), 4)
        case_confusions[case] = Counter(got for got in ours if got != expected)

    und_results: dict[str, list[int]] = {}
    for source, text in others:
        hit = detect_language(text).language == UNDETERMINED
        tally = und_results.setdefault(source, [0, 0])
        tally[0] += hit
        tally[1] += 1
    und_total = sum(t[0] for t in und_results.values()) / max(1, sum(t[1] for t in und_results.values()))

    # The first pass above meets every word for the first time (the n-gram model caches per word);
    # repeated rounds show the steady state of a process that has seen a few reports.
    every_line = [line for lines in held_out.values() for line in lines]
    ms = first_pass * 1000 / len(every_line)
    start = time.perf_counter()
    for _ in range(TIMING_ROUNDS):
        for line in every_line:
            detect_language(line)
    ms_repeat = (time.perf_counter() - start) * 1000 / (TIMING_ROUNDS * len(every_line))

    print(f"language detection on {len(every_line)} held-out short reports, no prior")
    print(f"{'lang':8} {'n':>4} {'vigil':>7} {'fastText-lite':>14}  misread as")
    for code in DEPLOYMENT_LANGUAGES:
        wrong = ", ".join(f"{k}×{v}" for k, v in confusions[code].most_common())
        print(f"{code:8} {len(held_out[code]):>4} {accuracy[code]:>7.3f} {baseline[code]:>14.3f}  {wrong}")
    print("cases, each its own row and goal (not part of the per-language figures):")
    for case, lines in cases.items():
        wrong = ", ".join(f"{k}×{v}" for k, v in case_confusions[case].most_common())
        print(
            f"{case:8} {len(lines):>4} {case_accuracy[case]:>7.3f} {case_baseline[case]:>14.3f}  "
            f"(expected {CASES[case]}) {wrong}"
        )
    print(f"mean {ms:.3f} ms per detection (first pass), {ms_repeat:.3f} ms once words recur")
    print(f"non-deployment text answered 'und' (not part of the goal): {und_total:.3f}")
    for source, (hit, total) in sorted(und_results.items()):
        print(f"  {source}: {hit}/{total}")

    goals = [
        {
            "figure": f"accuracy.{code}",
            "target": f">={TARGET}",
            "value": accuracy[code],
            "met": accuracy[code] >= TARGET,
        }
        for code in DEPLOYMENT_LANGUAGES
    ]
    goals += [
        {
            "figure": f"case_accuracy.{case}",
            "target": f">={TARGET}",
            "value": case_accuracy[case],
            "met": case_accuracy[case] >= TARGET,
        }
        for case in CASES
    ]
    result = {
        "name": "language",
        "figures": {
            "accuracy": accuracy,
            "baseline_accuracy": baseline,
            "ms_per_detection": round(ms, 4),
            "ms_per_detection_repeat": round(ms_repeat, 4),
            "und_accuracy_non_deployment": round(und_total, 4),
            "case_accuracy": case_accuracy,
            "case_baseline_accuracy": case_baseline,
        },
        "goals": goals,
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
