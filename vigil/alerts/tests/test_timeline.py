"""Alerts on their incident's timeline, with delivery counts (the incidents app cannot import alerts)."""

import pytest

from vigil.alerts import actions
from vigil.alerts.tests.conftest import make_incident, make_subscriber
from vigil.messaging.models import Delivery


@pytest.mark.django_db
def test_it_shows_every_alert_and_retraction_with_delivery_counts_on_the_timeline(client, colleague):
    for n, language in enumerate(("es", "en", "ar")):
        make_subscriber(f"+1718555610{n}", language=language)
    incident = make_incident(colleague.organization, colleague)
    alert = actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident)
    assert actions.send_alert(alert, actor=colleague, confirm_unreviewed=True) == 3
    first, second, third = Delivery.objects.filter(broadcast__alert=alert).order_by("pk")
    Delivery.objects.filter(pk__in=[first.pk, second.pk]).update(state="delivered")
    Delivery.objects.filter(pk=third.pk).update(state="failed")
    from vigil.incidents import actions as incident_actions

    incident_actions.transition(incident, "false_alarm", actor=colleague, reason="utility workers")
    retraction = actions.compose_alert(actor=colleague, kind="retraction", incident=incident)
    client.force_login(colleague)
    html = client.get(f"/staff/incidents/{incident.pk}/").content.decode()
    html = html[html.index("<h2>Timeline</h2>") :]
    assert "Alert drafted: Verified activity" in html
    assert "Alert sent: Verified activity, to 3 people; 2 received, 1 failed" in html
    assert "Alert drafted: Retraction" in html
    assert html.index("Alert sent: Verified activity") < html.index("State changed from Verified to False alarm")
    assert html.index("State changed from Verified to False alarm") < html.index("Alert drafted: Retraction")
    actions.cancel_alert(retraction, actor=colleague)
    html = client.get(f"/staff/incidents/{incident.pk}/").content.decode()
    assert "Retraction alert: Cancelled" in html
