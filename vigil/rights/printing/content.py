"""What a card or flyer says, as the rights library hands it to the printer."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class CardContent:
    """One language's card and flyer text.

    `rights`: the front's short statements in the reader's language, each already checked to cite a fact
    (the library does that; `citations` keeps the fact ids for the record and the version hash).
    `officer_lines`: the back, in English, addressed to officers. `hotline` and `report_address` are
    printed isolated left to right; `report_address` is also the QR code's content and must be the report
    form in this language at the deployment's public address. `html_address` is the accessible HTML
    version, printed on every PDF. `review_line` says who reviewed it and when ("Reviewed by …, …"),
    in the reader's language on the front; `officer_review_line` the same in English for the back (empty:
    the back prints `review_line`, as an English card does). `reviewed` False prints DRAFT across every side.
    """

    language: str
    title: str
    rights: tuple[str, ...]
    officer_title: str
    officer_lines: tuple[str, ...]
    hotline_label: str
    hotline: str
    report_label: str
    report_address: str
    html_address: str
    review_line: str
    version: str
    reviewed: bool
    draft_label: str = "DRAFT"
    citations: tuple[str, ...] = field(default=())
    officer_review_line: str = ""

    @property
    def back_review_line(self) -> str:
        return self.officer_review_line or self.review_line

    def digest(self) -> str:
        """A hash of everything printed: files are named by it, so a changed text is a new file."""
        encoded = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True).encode("utf-8")
        return hashlib.sha256(encoded).hexdigest()
