"""The word tables grouping reads (stop words, street-type words, the forms of details), from the text files
of `data/` beside this module, read once on first use. Kept as data so that a reader adding a language's
words edits a list, not code."""

from __future__ import annotations

import functools
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")


@functools.cache
def read_table(name: str) -> str:
    """The text of `data/<name>` without its comment lines (those starting with "#")."""
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.startswith("#"))
