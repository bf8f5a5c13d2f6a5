"""Retention: people who left (or never confirmed) are forgotten after a short period, deliveries after
N days, through the privacy purge and its legal hold."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from vigil.alerts import actions
from vigil.alerts.models import Subscriber
from vigil.alerts.tests.conftest import make_incident, make_subscriber
from vigil.messaging.models import Delivery
from vigil.privacy.actions import purge_expired


@pytest.mark.django_db
def test_it_forgets_unsubscribed_and_unconfirmed_people_after_a_short_period(settings):
    assert settings.RETENTION["alerts_inactive_subscriber"] == 2
    stays = make_subscriber("+17185558001")
    leaves = make_subscriber("+17185558002")
    actions.unsubscribe(leaves, via="keyword")
    never = actions.subscribe(channel="sms", address="+17185558003", language="en", areas=["BK"], via="keyword")
    held = make_subscriber("+17185558004")
    actions.unsubscribe(held, via="keyword")
    Subscriber.objects.filter(pk=held.pk).update(legal_hold=True)
    purge_expired(now=timezone.now() + timedelta(days=1))
    assert Subscriber.objects.count() == 4
    purge_expired(now=timezone.now() + timedelta(days=3))
    assert set(Subscriber.objects.values_list("pk", flat=True)) == {stays.pk, held.pk}
    assert never.pk not in set(Subscriber.objects.values_list("pk", flat=True))


@pytest.mark.django_db
def test_it_purges_deliveries_after_their_period(settings, colleague):
    settings.RETENTION = {**settings.RETENTION, "alerts_delivery": 30}
    make_subscriber("+17185558011")
    incident = make_incident(colleague.organization, colleague)
    alert = actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident)
    actions.send_alert(alert, actor=colleague, confirm_unreviewed=True)
    purge_expired(now=timezone.now() + timedelta(days=29))
    assert Delivery.objects.count() == 1
    purge_expired(now=timezone.now() + timedelta(days=31))
    assert Delivery.objects.count() == 0
    assert Subscriber.objects.count() == 1  # the person stays subscribed
