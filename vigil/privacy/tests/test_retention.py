from datetime import timedelta

import pytest
from django.utils import timezone

from vigil.accounts.models import AuditEvent
from vigil.incidents.models import Incident, TimelineEntry
from vigil.intake import actions as intake_actions
from vigil.intake.models import Report
from vigil.intake.validation import build_input
from vigil.privacy import actions


def old_report(days, contact=""):
    report = intake_actions.submit_report(
        build_input({"text": "ICE agents at Roosevelt and 74th", "area": "QN0301", "contact": contact}), channel="web"
    )[0]
    then = timezone.now() - timedelta(days=days)
    Report.objects.filter(pk=report.pk).update(received_at=then)
    Incident.objects.filter(pk=report.incident_id).update(last_report_at=then)
    return report


@pytest.mark.django_db
def test_it_purges_reports_past_retention_with_what_hangs_from_them(settings):
    settings.RETENTION = {**settings.RETENTION, "report": 90, "incident": 90}
    expired = old_report(100)
    fresh = old_report(10)
    counts = actions.purge_expired()
    assert not Report.objects.filter(pk=expired.pk).exists()
    assert not Incident.objects.filter(pk=expired.incident_id).exists()
    assert not TimelineEntry.objects.filter(incident_id=expired.incident_id).exists()
    assert Report.objects.filter(pk=fresh.pk).exists()
    assert counts["intake.report"] >= 1
    assert AuditEvent.objects.filter(action="privacy.purged", object_type="intake.report").exists()


@pytest.mark.django_db
def test_it_keeps_a_record_under_legal_hold(settings, owner):
    settings.RETENTION = {**settings.RETENTION, "report": 90}
    held = old_report(100)
    actions.set_legal_hold(held, True, actor=owner)
    actions.purge_expired()
    assert Report.objects.filter(pk=held.pk).exists()
    actions.set_legal_hold(held, False, actor=owner)
    actions.purge_expired()
    assert not Report.objects.filter(pk=held.pk).exists()


@pytest.mark.django_db
def test_it_forgets_a_contact_sooner_than_the_report(settings):
    settings.RETENTION = {**settings.RETENTION, "report": 90, "report_contact": 30}
    report = old_report(40, contact="+1 718 555 0188")
    actions.purge_expired()
    report = Report.objects.get(pk=report.pk)
    assert report.contact is None
    assert report.text


@pytest.mark.django_db(transaction=True)
def test_it_removes_evidence_files_with_their_report(settings, tmp_path):
    import io

    from PIL import Image

    from vigil.incidents import actions as incident_actions

    settings.RETENTION = {**settings.RETENTION, "report": 90, "incident": 90}
    report = old_report(100)
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="PNG")
    item = incident_actions.add_evidence(data=out.getvalue(), report=report)
    sealed = settings.MEDIA_ROOT / "evidence" / item.viewing_path
    assert sealed.exists()
    actions.purge_expired()
    assert not sealed.exists()


@pytest.mark.django_db
def test_it_removes_deactivated_accounts_after_their_period_but_never_active_ones(settings, colleague, owner):
    from vigil.accounts import actions as account_actions
    from vigil.accounts.models import User

    settings.RETENTION = {**settings.RETENTION, "inactive_user": 30}
    account_actions.deactivate_user(colleague, actor=owner)
    User.objects.filter(pk=colleague.pk).update(deactivated_at=timezone.now() - timedelta(days=40))
    User.objects.filter(pk=owner.pk).update(date_joined=timezone.now() - timedelta(days=4000))
    actions.purge_expired()
    assert not User.objects.filter(pk=colleague.pk).exists()
    assert User.objects.filter(pk=owner.pk).exists()
