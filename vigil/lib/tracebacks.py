"""Tracebacks without the data: where an exception went (files, lines, functions) and its type.

A job that fails may have been handling a report, a subscriber's address or a message: its exception's
message (`ValueError(f"could not reach {phone}")`) and its frames' locals can carry them, and a failed
job's row is kept and shown to admins. What is kept here is only what the code says: the exception's
type and, for each frame, the file, line and function, for the exception and for every exception it was
raised from or during (innermost frame last, causes first, as Python prints them).
"""

from __future__ import annotations

import os
import traceback
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2]) + os.sep
MAX_CHAIN = 5
MAX_CHARS = 4000


def type_name(exc: BaseException) -> str:
    kind = type(exc)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def short_path(filename: str) -> str:
    """Paths in the project relative to it, in an installed package from site-packages, else the name."""
    if filename.startswith(ROOT):
        return filename[len(ROOT) :]
    if "site-packages" + os.sep in filename:
        return filename.split("site-packages" + os.sep, 1)[1]
    return os.path.basename(filename)


def bare_traceback(exc: BaseException) -> str:
    """Steps: follow the chain of causes (at most MAX_CHAIN); for each exception, its type and its frames
    as "file:line in function", read from the code objects (never the locals, never the message); keep
    the last MAX_CHARS characters, where the failure is."""
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(chain) < MAX_CHAIN:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    blocks = []
    for link in reversed(chain):
        lines = ["Traceback (most recent call last):"]
        for frame, lineno in traceback.walk_tb(link.__traceback__):
            code = frame.f_code
            lines.append(f"  {short_path(code.co_filename)}:{lineno} in {code.co_name}")
        lines.append(type_name(link))
        blocks.append("\n".join(lines))
    text = "\n\nwhich led to:\n\n".join(blocks)
    return text if len(text) <= MAX_CHARS else "…" + text[-MAX_CHARS:]
