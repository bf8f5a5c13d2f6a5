"""Alert templates kept in the repository: every language, a reviewer record, placeholders checked,
SMS segments counted."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from vigil.alerts import actions, segments, texts
from vigil.alerts.tests.conftest import make_incident, make_subscriber

LANGUAGES = ["en", "es", "zh-hans", "zh-hant", "ru", "bn", "ht", "ko", "ar", "ur", "fr", "pl"]


@pytest.fixture
def template_copy(tmp_path, settings):
    """A copy of the jurisdiction's alert folder that a test may edit."""
    folder = tmp_path / "jurisdiction"
    shutil.copytree(Path(django_settings.JURISDICTION_DIR) / "alerts", folder / "alerts")
    settings.JURISDICTION_DIR = folder
    texts.reset_cache()
    yield folder / "alerts"
    texts.reset_cache()


def test_it_has_a_checked_file_for_every_deployment_language_with_its_author_and_reviewer():
    packs = texts.packs()
    assert sorted(packs) == sorted(LANGUAGES)
    for pack in packs.values():
        assert pack.author.strip()
        # Written by one engineer and not yet read by a fluent speaker: honestly unreviewed.
        assert pack.reviewer == "" and not pack.reviewed
        for kind in texts.KINDS:
            assert "{ref}" in pack.alerts[kind]


def test_it_counts_a_reviewer_who_is_the_author_as_no_review(template_copy):
    path = template_copy / "es.toml"
    path.write_text(
        path.read_text().replace('reviewer = ""', 'reviewer = "Vigil alerts engineer (AI assistant), 2026-11"')
    )
    texts.reset_cache()
    assert not texts.packs()["es"].reviewed
    path.write_text(
        path.read_text().replace('reviewer = "Vigil alerts engineer (AI assistant), 2026-11"', 'reviewer = "M. Ortiz"')
    )
    texts.reset_cache()
    assert texts.packs()["es"].reviewed


def test_it_refuses_a_template_with_an_unknown_placeholder_or_no_reference(template_copy):
    path = template_copy / "fr.toml"
    original = path.read_text()
    path.write_text(original.replace("{original}", "{name}", 1))
    with pytest.raises(texts.TemplateError, match="unknown placeholders"):
        texts.load_pack(path)
    path.write_text(original.replace("Alerte Vigil {ref} :", "Alerte Vigil :", 1))
    with pytest.raises(texts.TemplateError, match="ref"):
        texts.load_pack(path)


@pytest.mark.django_db
def test_it_sends_a_reviewed_language_without_asking(template_copy, colleague):
    path = template_copy / "en.toml"
    reviewed = path.read_text().replace('reviewer = ""', 'reviewer = "A. Reviewer"')
    path.write_text(re.sub(r"(?m)^unreviewed = .*$", "unreviewed = []", reviewed))
    texts.reset_cache()
    make_subscriber("+17185557001", language="en")
    incident = make_incident(colleague.organization, colleague)
    alert = actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident)
    assert actions.send_alert(alert, actor=colleague) == 1  # no confirmation needed
    alert.refresh_from_db()
    assert alert.unreviewed_languages == [] and not alert.unreviewed_confirmed


@pytest.mark.django_db
def test_it_renders_area_borough_and_time_in_each_language(colleague):
    incident = make_incident(colleague.organization, colleague)
    alert = actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident)
    for language in LANGUAGES:
        rendered = alert.texts[language]
        assert "Jackson Heights" in rendered["text"] and alert.ref in rendered["text"]
        assert not rendered["fallback"]
    assert "皇后区" in alert.texts["zh-hans"]["text"] and "Квинс" in alert.texts["ru"]["text"]
    assert ("오전" in alert.texts["ko"]["text"]) or ("오후" in alert.texts["ko"]["text"])


@pytest.mark.parametrize(
    "text,encoding,units,parts",
    [
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        ("€" * 80, "GSM-7", 160, 1),  # the extension table: two septets each
        ("€" * 81, "GSM-7", 162, 2),
        ("é" * 160, "GSM-7", 160, 1),
        ("á" * 70, "UCS-2", 70, 1),  # not in the GSM alphabet
        ("á" * 71, "UCS-2", 71, 2),
        ("ы" * 134, "UCS-2", 134, 2),
        ("ы" * 135, "UCS-2", 135, 3),
        ("😀" * 35, "UCS-2", 70, 1),  # outside the BMP: two code units each
        ("😀" * 36, "UCS-2", 72, 2),
    ],
)
def test_it_counts_sms_segments(text, encoding, units, parts):
    counted = segments.count(text)
    assert (counted.encoding, counted.units, counted.segments) == (encoding, units, parts)


def test_it_prints_whatsapp_templates_with_numbered_variables(capsys):
    from django.core.management import call_command

    call_command("alerts_whatsapp_templates")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(LANGUAGES) * len(texts.ALERT_KEYS)
    assert all("{{1}}" in line for line in lines)
