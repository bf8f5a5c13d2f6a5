"""Text folding for grouping: one form of a report text whatever its script, accents and digits, so that
spelling variants of one place compare equal (`normalize_text`).

The fold itself is `vigil.lib.folding.fold_for_grouping`, the project's one folding module (shared with
the gazetteer, keywords and language detection); this name stays for grouping's modules.
"""

from __future__ import annotations

from vigil.lib.folding import fold_for_grouping as normalize_text

__all__ = ["normalize_text"]
