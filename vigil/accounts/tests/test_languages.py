"""The languages a staff member reads: set by the person or by an admin of their organization, audited."""

import pytest

from vigil.accounts import audit
from vigil.accounts.models import AuditEvent, User


@pytest.mark.django_db
def test_it_lets_a_person_set_the_languages_they_read(client, colleague):
    client.force_login(colleague)
    page = client.get("/staff/").content.decode()
    assert 'name="languages" value="es"' in page and "Spanish" in page and "Haitian Creole" in page
    response = client.post("/staff/account/languages/", {"languages": ["es", "ht", "xx"]})
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.languages == ["es", "ht"]  # unknown codes dropped
    event = AuditEvent.objects.get(action="user.languages_set")
    assert event.actor_id == colleague.pk and event.object_id == audit.key_of(colleague)
    assert event.detail == {"language": ["es", "ht"], "count": 2}
    assert 'value="es" checked' in client.get("/staff/").content.decode()


@pytest.mark.django_db
def test_it_lets_an_admin_set_them_for_their_organization_only(client, owner, colleague, outsider):
    client.force_login(owner)
    assert "Languages read" in client.get("/staff/users/").content.decode()
    client.post(f"/staff/users/{colleague.pk}/languages/", {"languages": ["ar", "ur"]})
    assert User.objects.get(pk=colleague.pk).languages == ["ar", "ur"]
    client.force_login(outsider)
    assert client.post(f"/staff/users/{colleague.pk}/languages/", {"languages": ["ko"]}).status_code == 404
    assert User.objects.get(pk=colleague.pk).languages == ["ar", "ur"]
    client.force_login(colleague)  # a dispatcher cannot set a colleague's
    assert client.post(f"/staff/users/{owner.pk}/languages/", {"languages": ["ko"]}).status_code == 403
    assert User.objects.get(pk=owner.pk).languages == []
