"""Findings in the product: judged on each documentation change, kept with history and the pack's hash,
recomputed under a new pack, shown on the incident page, and the monitors' view with its allow-list."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from vigil.accounts.models import AuditEvent, Role
from vigil.incidents import detentions
from vigil.incidents.models import Incident
from vigil.intake import actions as intake_actions
from vigil.intake.validation import build_input
from vigil.rules import actions, monitoring
from vigil.rules.current import current_pack
from vigil.rules.models import DetentionCategory, Finding, Recompute
from vigil.rules.pack import load_pack
from vigil.rules.tests.cases import PACK
from vigil.work.actions import run_pending_now
from vigil.work.models import Job

DOCS = Path(__file__).resolve().parents[3] / "docs" / "rules.md"
HELD = {
    "custody": "doc",
    "warrant": "ice_administrative",
    "request": "detention",
    "honored": "held_past_release",
    "would_release_at": "2025-06-02T10:00:00-04:00",
    "released_at": "2025-06-03T13:30:00-04:00",
    "instant_arrest_date": "2025-06-01",
    "convictions": [{"id": "c1", "sentence_date": "2021-02-03", "offence": "PL 160.15", "jurisdiction": "NY"}],
    "database_match": False,
    "previously_removed_reentered": True,
}


@pytest.fixture
def incident(org):
    data = build_input({"text": "ICE agents at the jail entrance", "area": "QN0301"})
    incident = intake_actions.submit_report(data, channel="api", partner=org)[0].incident
    Incident.objects.filter(pk=incident.pk).update(agencies=["ice_ero", "nypd"], local_police_role="holding")
    return Incident.objects.get(pk=incident.pk)


@pytest.fixture
def caseworker(staff_factory, org):
    return staff_factory("caseworker", Role.CASEWORKER, org)


@pytest.fixture
def monitor(staff_factory, org):
    return staff_factory("monitor", Role.MONITOR, org)


def documented(incident, caseworker):
    record = detentions.record_detention(incident, HELD, actor=caseworker)
    assert Job.objects.filter(handler="vigil.rules.jobs.judge_incident", args=[str(incident.pk)]).exists()
    run_pending_now()
    return record


def test_it_judges_an_incident_when_its_documentation_changes(incident, caseworker):
    documented(incident, caseworker)
    current = Finding.objects.filter(incident=incident, superseded_at__isnull=True)
    levels = {f.rule: f.level for f in current}
    assert levels["doc-detainer-hold"] == "possible_violation"
    assert {f.pack_hash for f in current} == {current_pack().hash}
    finding = current.get(rule="doc-detainer-hold")
    assert finding.detention_number == 1 and "detentions[0].warrant" in finding.facts
    category = DetentionCategory.objects.get(incident=incident, superseded_at__isnull=True)
    assert (category.custody, category.warrant, category.hold_hours) == ("doc", "ice_administrative", 27)


def test_it_keeps_earlier_findings_when_the_documentation_changes(incident, caseworker):
    record = documented(incident, caseworker)
    first = set(Finding.objects.filter(incident=incident).values_list("pk", flat=True))
    assert actions.judge_incident(incident.pk) == len(first)  # nothing changed: nothing written
    assert set(Finding.objects.filter(incident=incident).values_list("pk", flat=True)) == first
    detentions.record_detention(incident, {**HELD, "honored": "not_honored"}, actor=caseworker, record=record)
    run_pending_now()
    old = Finding.objects.filter(pk__in=first)
    assert old.count() == len(first) and not old.filter(superseded_at__isnull=True).exists()
    assert not Finding.objects.filter(incident=incident, superseded_at__isnull=True, rule="doc-detainer-hold")


def test_a_new_pack_starts_a_resumable_recompute(incident, caseworker, org, monkeypatch, tmp_path):
    documented(incident, caseworker)
    other = intake_actions.submit_report(build_input({"text": "agents", "area": "BK0101"}), channel="api", partner=org)
    assert actions.start_recompute_if_new_pack() is not None  # the first pack this database sees
    Job.objects.all().delete()
    Recompute.objects.update(finished_at=None)
    text = PACK.read_text(encoding="utf-8").replace("2020-12-15\n", "2020-12-16\n", 1)
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    new_pack = load_pack(path)
    monkeypatch.setattr(actions, "current_pack", lambda: new_pack)
    run = actions.start_recompute_if_new_pack()
    assert run is not None and run.pack_hash == new_pack.hash
    assert actions.start_recompute_if_new_pack() is None  # once
    assert actions.continue_recompute(run.pk, batch=1) is False  # stopped after one incident: resumes
    run.refresh_from_db()
    assert run.done_count == 1 and run.cursor is not None
    assert actions.continue_recompute(run.pk, batch=1) is False
    assert actions.continue_recompute(run.pk, batch=1) is True
    run.refresh_from_db()
    assert run.finished_at and run.done_count == 2
    hashes = set(Finding.objects.filter(incident=incident).values_list("pack_hash", flat=True))
    assert hashes == {current_pack().hash, new_pack.hash}  # the earlier findings stay with their hash
    assert not Finding.objects.filter(superseded_at__isnull=True).exclude(pack_hash=new_pack.hash).exists()
    assert other[0].incident_id


def test_the_incident_page_shows_the_findings_in_the_readers_language(client, incident, caseworker, colleague):
    documented(incident, caseworker)
    client.force_login(colleague)
    page = client.get(reverse("incident_detail", args=[incident.pk]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Posible infracción, para revisión legal" in page and "Admin. Code § 9-131" in page


def test_an_unreviewed_explanation_is_marked_a_draft_with_the_english_beside_it_left_to_right(
    client, incident, caseworker, colleague
):
    documented(incident, caseworker)
    client.force_login(colleague)
    page = client.get(reverse("incident_detail", args=[incident.pk]), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    with translation.override("ar"):
        label = gettext("Draft translation, not yet reviewed. In English:")
    assert label != "Draft translation, not yet reviewed. In English:" and label in page
    assert '<p lang="en" dir="ltr" class="hint">' in page


def test_the_monitors_view_filters_counts_and_exports_only_the_allow_list(client, incident, caseworker, monitor):
    documented(incident, caseworker)
    client.force_login(monitor)
    url = reverse("monitor_findings")
    page = client.get(url, {"rule": "doc-detainer-hold", "agency": "nypd", "police_role": "holding"})
    assert page.status_code == 200
    assert page.context["summary"]["by_level"]["possible_violation"] == 1
    assert page.context["summary"]["total"] == 1
    assert client.get(url, {"police_role": "perimeter"}).context["summary"]["total"] == 0
    assert client.get(url, {"area": "BK"}).context["summary"]["total"] == 0
    assert client.get(url, {"start": "2001-01-01", "end": "2001-12-31"}).context["summary"]["total"] == 0
    exported = client.get(url, {"rule": "doc-detainer-hold", "export": "csv"}).content.decode()
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert len(rows) == 1 and tuple(rows[0]) == monitoring.ALLOWED_COLUMNS
    assert rows[0]["qualifying_conviction"] == "unknown" and rows[0]["hold_hours"] == "27"
    data = json.loads(client.get(url, {"export": "json"}).content)
    assert all(tuple(row) == monitoring.ALLOWED_COLUMNS for row in data["findings"])
    for text in (exported, json.dumps(data), page.content.decode()):
        for personal in ("PL 160.15", "2021-02-03", "2025-06-01", "jail entrance", "database_match", "removed"):
            assert personal not in text
    events = AuditEvent.objects.filter(action="rules.findings_exported", actor=monitor)
    assert sorted(e.detail["format"] for e in events) == ["csv", "json"]


def test_the_monitors_view_is_closed_to_others_and_outsiders_see_nothing(
    client, incident, caseworker, colleague, outsider, staff_factory
):
    documented(incident, caseworker)
    Incident.objects.filter(pk=incident.pk).update(organization=caseworker.organization)
    url = reverse("monitor_findings")
    for user in (colleague, caseworker):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(outsider)  # an administrator of another organization
    assert client.get(url).context["summary"]["total"] == 0
    client.force_login(staff_factory("other-monitor", Role.MONITOR, outsider.organization))
    exported = client.get(url, {"export": "json"})
    assert json.loads(exported.content)["findings"] == []


def test_docs_list_exactly_the_monitors_allow_list():
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## Monitors") :]
    section = section[section.index("exactly this allow-list") :]
    section = section[: section.index("\n\n", section.index("- the incident"))]
    listed = re.findall(r"^\s*-\s.*?$|^\s{2}.*?$", section, flags=re.M)
    names = [name for line in listed for name in re.findall(r"`([a-z_]+)`", line)]
    assert tuple(names) == monitoring.ALLOWED_COLUMNS


def test_the_referral_letter_shows_only_the_allow_list_and_is_audited(client, incident, caseworker, monitor, outsider):
    documented(incident, caseworker)
    url = reverse("referral_letter", args=[incident.pk])
    client.force_login(monitor)
    letter = client.get(url).content.decode()
    assert "Admin. Code § 9-131" in letter and str(incident.pk) in letter
    for personal in ("PL 160.15", "2021-02-03", "2025-06-01", "jail entrance"):
        assert personal not in letter
    assert AuditEvent.objects.filter(action="rules.letter_exported", actor=monitor).count() == 1
    Incident.objects.filter(pk=incident.pk).update(organization=caseworker.organization)
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(caseworker)
    assert client.get(url).status_code == 403
