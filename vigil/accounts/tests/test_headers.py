import pytest


@pytest.mark.django_db
def test_it_sends_security_headers_on_public_pages(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_it_never_lets_staff_pages_be_cached(client, owner):
    client.force_login(owner)
    assert client.get("/staff/audit/")["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_it_sends_hsts_and_secure_cookies_when_not_debugging(client, settings):
    assert settings.DEBUG is False
    response = client.get("/", secure=True)
    assert "max-age=" in response["Strict-Transport-Security"]
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE


@pytest.mark.django_db
def test_it_keeps_the_public_base_page_small(client):
    body = client.get("/?lang=es").content
    assert len(body) < 15 * 1024


@pytest.mark.django_db
@pytest.mark.parametrize("code,direction", [("ar", "rtl"), ("ur", "rtl"), ("es", "ltr"), ("ht", "ltr")])
def test_it_switches_language_and_direction(client, code, direction):
    html = client.get(f"/?lang={code}").content.decode()
    assert f'lang="{code}"' in html
    assert f'dir="{direction}"' in html
    assert client.cookies["vigil_lang"].value == code
