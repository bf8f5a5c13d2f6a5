"""Summing up reporters' answers over an incident's reports (reports stand in: incidents reads only the
`structured_answers()` that intake's Report gives)."""

from datetime import UTC, datetime, timedelta

from django.utils import translation

from vigil.incidents.answers import Answer, roll_up


class FakeReport:
    def __init__(self, *answers):
        self.answers = None if answers == (None,) else list(answers)

    def structured_answers(self):
        return self.answers


def detained(value):
    return Answer("people_detained", "Are people being detained?", value, value.title())


def agency(text):
    return Answer("agency", "Which agency, if known", text, text)


def seen(at):
    return Answer("occurred_at", "When?", at, at.isoformat())


def rows(summary):
    return {row.key: [(v.display, v.count, v.total) for v in row.values] for row in summary.rows}


def test_it_counts_each_answer_among_the_reports_that_were_asked():
    summary = roll_up(
        [
            FakeReport(detained("yes")),
            FakeReport(detained("yes"), agency("ICE")),
            FakeReport(detained("no"), agency(" ice ")),
            FakeReport(detained("yes"), agency("HSI")),
            FakeReport(),
            FakeReport(None),
            FakeReport(None),
        ]
    )
    assert (summary.total, summary.asked, summary.not_asked) == (7, 5, 2)
    assert rows(summary) == {
        "people_detained": [("Yes", 3, 5), ("No", 1, 5)],
        "agency": [("ICE", 2, 5), ("HSI", 1, 5)],
    }
    assert summary.rows[0].values[0].share == "3 of 5 reports"
    assert summary.not_asked_share == "2 of 7 reports"


def test_it_keeps_the_forms_order_of_questions():
    summary = roll_up([FakeReport(agency("ICE"), detained("unknown"))])
    assert [row.key for row in summary.rows] == ["people_detained", "agency"]
    assert summary.rows[0].values[0].share == "1 of 1 report"


def test_it_sums_up_reported_times_as_a_range(settings):
    settings.TIME_ZONE = "America/New_York"
    first = datetime(2026, 12, 5, 14, 0, tzinfo=UTC)
    with translation.override("en"):
        summary = roll_up([FakeReport(seen(first + timedelta(minutes=30))), FakeReport(seen(first)), FakeReport()])
    [(shown, count, total)] = rows(summary)["occurred_at"]
    assert shown.replace("\u202f", " ") == "12/5/26, 9:00 AM – 12/5/26, 9:30 AM" and (count, total) == (2, 3)


def test_it_has_nothing_to_show_for_reports_never_asked():
    summary = roll_up([FakeReport(None)])
    assert summary.rows == [] and summary.asked == 0 and summary.not_asked == 1


def test_it_says_the_share_in_the_staff_members_language():
    from django.utils import translation

    from vigil.incidents.answers import SummaryValue

    expected = {
        "es": "3 de 5 reportes",
        "ru": "3 из 5 сообщений",
        "pl": "1 z 1 zgłoszenia",
        "ar": "3 من أصل 5 بلاغات",
        "ko": "제보 5건 중 3건",
    }
    for language, text in expected.items():
        count = 1 if language == "pl" else 3
        total = 1 if language == "pl" else 5
        with translation.override(language):
            assert SummaryValue("", count, total).share == text, language
