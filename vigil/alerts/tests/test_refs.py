"""An alert's short reference is unique; two alerts drafted at once never fail on the same one."""

import pytest

from vigil.alerts import actions
from vigil.alerts.models import Alert


@pytest.mark.django_db
def test_it_picks_another_reference_when_one_is_taken_between_the_check_and_the_insert(colleague, monkeypatch):
    taken = actions.compose_alert(actor=colleague, kind="reminder", target_areas=["QN"])
    # What a second dispatcher's alert, committed between our check and our insert, looks like: the check
    # found the reference free, the insert finds it taken.
    picks = iter([taken.ref, "ZZZZZ"])
    monkeypatch.setattr(actions.sending, "_new_ref", lambda: next(picks))
    alert = actions.compose_alert(actor=colleague, kind="reminder", target_areas=["QN"])
    assert alert.ref == "ZZZZZ"
    assert Alert.objects.filter(ref="ZZZZZ").count() == 1
    assert "ZZZZZ" in str(Alert.objects.get(pk=alert.pk).texts)
