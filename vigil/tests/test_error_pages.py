"""The project's error pages: in the visitor's language, in the site's own layout, never Django's defaults."""

import pytest
from django.test import Client


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/report/", "/report/status/", "/alerts/", "/accounts/login/"])
def test_it_shows_its_own_page_in_the_visitors_language_when_a_form_fails_the_csrf_check(path):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"{path}?lang=es", {"text": "ICE en Roosevelt"})
    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="es"' in page
    assert "Volver al inicio" in page  # "Back to the start", from the site's catalog
    assert "Este formulario venció." in page  # its own words, translated
    assert "CSRF" not in page and "Forbidden" not in page


@pytest.mark.django_db
def test_it_takes_a_form_with_its_csrf_token():
    client = Client(enforce_csrf_checks=True)
    client.get("/report/status/")
    token = client.cookies["csrftoken"].value
    response = client.post("/report/status/", {"code": "ZZZZ-ZZZZ", "secret": "x", "csrfmiddlewaretoken": token})
    assert response.status_code == 404  # the form was taken; no such receipt
