"""What reporters answered to the report forms' questions, summed up over an incident's reports.

Reports live in intake, a floor above; this module only reads what `Report.structured_answers()` gives
(``None`` when the report's channel asked nothing, else a list of `Answer`), so it imports nothing of intake.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import ngettext

# The order questions are shown in, on a report's card and in the incident's summary.
QUESTION_ORDER = ("people_detained", "size", "vehicles", "activity", "uniform", "agency", "equipment", "occurred_at")


@dataclass(frozen=True)
class Answer:
    """One answer: the question's key, the question as staff read it, the stored value, and the value as shown.

    ``value`` is what grouping identical answers compares (a choice code, a time, the text as written);
    ``display`` is what a person reads.
    """

    key: str
    label: str
    value: object
    display: str


@dataclass
class SummaryValue:
    display: str
    count: int
    total: int

    @property
    def share(self) -> str:
        return ngettext("%(count)s of %(total)s report", "%(count)s of %(total)s reports", self.total) % {
            "count": self.count,
            "total": self.total,
        }


@dataclass
class SummaryRow:
    key: str
    label: str
    values: list[SummaryValue] = field(default_factory=list)


@dataclass
class AnswerSummary:
    rows: list[SummaryRow]
    asked: int
    not_asked: int
    total: int

    @property
    def not_asked_share(self) -> str:
        return SummaryValue("", self.not_asked, self.total).share


def format_time(value: datetime) -> str:
    """A reported time in the reader's locale (Babel: its order, AM/PM words and digits), in the site's zone."""
    from vigil.templatetags.localeformat import short_datetime

    return short_datetime(value)


def roll_up(reports) -> AnswerSummary:
    """Each question with every different answer and the share of the asked reports that gave it.

    Steps:
    1. Ask each report for its answers once; reports whose channel asked nothing are counted apart.
    2. Group the answers by question, and within a question by value (free text compared without case
       or surrounding space), keeping the first way it was written for display.
    3. Times are summed up as a range, from the earliest to the latest time given.
    4. Most given answers first; questions in the forms' order.
    """
    total = 0
    asked = 0
    grouped: dict[str, dict[object, list]] = {}
    labels: dict[str, str] = {}
    times: list[datetime] = []
    for report in reports:
        total += 1
        answers = report.structured_answers()
        if answers is None:
            continue
        asked += 1
        for answer in answers:
            labels.setdefault(answer.key, answer.label)
            if answer.key == "occurred_at":
                times.append(answer.value)
                continue
            match = answer.value.casefold().strip() if isinstance(answer.value, str) else answer.value
            entry = grouped.setdefault(answer.key, {}).setdefault(match, [answer.display, 0])
            entry[1] += 1
    rows = []
    for key in QUESTION_ORDER:
        if key == "occurred_at":
            if times:
                first, last = min(times), max(times)
                shown = format_time(first) if first == last else f"{format_time(first)} – {format_time(last)}"
                rows.append(SummaryRow(key, labels[key], [SummaryValue(shown, len(times), asked)]))
            continue
        if key not in grouped:
            continue
        counted = sorted(grouped[key].values(), key=lambda item: -item[1])
        rows.append(SummaryRow(key, labels[key], [SummaryValue(display, n, asked) for display, n in counted]))
    return AnswerSummary(rows=rows, asked=asked, not_asked=total - asked, total=total)
