import pytest

from vigil.accounts import audit
from vigil.accounts.models import AuditEvent


@pytest.mark.django_db
def test_it_stores_a_keyed_hash_of_the_object_id_never_the_id(owner):
    audit.record("test.viewed", actor=owner, obj=owner)
    event = AuditEvent.objects.get(action="test.viewed")
    assert event.object_type == "accounts.user"
    assert str(owner.pk) not in event.object_id
    assert event.object_id == audit.key_of(owner) == audit.object_key("accounts.user", owner.pk)


@pytest.mark.django_db
def test_it_finds_an_objects_events_by_its_type_and_id(owner):
    audit.record("test.viewed", actor=owner, obj=owner)
    stored = AuditEvent.objects.get(action="test.viewed").object_id
    assert stored in audit.object_keys("accounts.user", owner.pk)
    assert audit.object_key("accounts.user", owner.pk) != audit.object_key("accounts.organization", owner.pk)


@pytest.mark.django_db
def test_it_keeps_an_event_without_an_object_without_a_hash():
    audit.record("test.system")
    assert AuditEvent.objects.get(action="test.system").object_id == ""
