"""What axe does not see, checked in the pages' markup: errors tied to their fields, a title per page in the
reader's language, the project's error pages in demo mode, the date and file fields' hints and labels.
(The browser checks of the same issue, focus, sizes and names at 360 px, are in test_accessibility.py.)"""

from html.parser import HTMLParser

import pytest
from django.test import Client


class Elements(HTMLParser):
    """Every element's tag and attributes, and the page's title."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements, self.title, self._in_title = [], "", False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def by_id(self, element_id):
        return next(((tag, attrs) for tag, attrs in self.elements if attrs.get("id") == element_id), None)

    def with_attr(self, name, value=None):
        return [(t, a) for t, a in self.elements if name in a and (value is None or a[name] == value)]


def assert_errors_tied_to_fields(html, field_ids):
    """The summary takes focus without JavaScript and links to every field in error; each such field is
    aria-invalid and described by its message."""
    page = Elements(html)
    tag, summary = page.by_id("error-summary")
    assert summary.get("tabindex") == "-1" and "autofocus" in summary
    assert summary.get("aria-labelledby") and page.by_id(summary["aria-labelledby"])
    assert len(page.with_attr("autofocus")) == 1
    links = [a["href"][1:] for t, a in page.elements if t == "a" and a.get("href", "").startswith("#")]
    for field_id in field_ids:
        assert field_id in links, field_id
        _tag, field = page.by_id(field_id)
        assert field.get("aria-invalid") == "true", field_id
        described = field.get("aria-describedby", "").split()
        assert described and all(page.by_id(ref) for ref in described), field_id
    for target in links:
        assert target == "main" or page.by_id(target), target
    return page


def report_form_post(client, language="es", **values):
    page = client.get(f"/report/?lang={language}").content.decode()
    key = page.split('name="form_key" value="')[1].split('"')[0]
    return client.post(f"/report/?lang={language}", {"form_key": key, **values})


@pytest.mark.django_db
def test_a_report_sent_with_errors_links_each_error_to_its_field(client, settings):
    settings.ALTCHA_ENABLED = False
    response = report_form_post(
        client, text="", area="XX9999", occurred_at="someday", people_detained="perhaps", contact="not a contact"
    )
    assert response.status_code == 400
    page = assert_errors_tied_to_fields(
        response.content.decode(), ["text", "area", "occurred_at", "people_detained_yes", "contact"]
    )
    assert "Por favor" in page.title or "·" in page.title


@pytest.mark.django_db
def test_a_report_form_without_errors_has_no_summary_and_no_invalid_field(client):
    page = Elements(client.get("/report/?lang=es").content.decode())
    assert page.by_id("error-summary") is None
    assert page.with_attr("aria-invalid") == [] and page.with_attr("autofocus") == []


@pytest.mark.django_db
def test_an_alerts_sign_up_with_errors_links_each_error_to_its_field(client):
    response = client.post("/alerts/?lang=ar", {"channel": "sms", "address": "12", "language": "ar", "areas": "QN"})
    assert response.status_code == 400
    assert_errors_tied_to_fields(response.content.decode(), ["address"])
    response = client.post(
        "/alerts/?lang=ar", {"channel": "carrier-pigeon", "address": "+17185550100", "language": "ar", "areas": "QN"}
    )
    assert_errors_tied_to_fields(response.content.decode(), ["channel_sms"])


@pytest.mark.django_db
def test_a_wrong_confirmation_code_is_tied_to_the_code_field(client):
    response = client.post("/alerts/confirm/?lang=bn", {"t": "nonsense", "code": "123456"})
    assert response.status_code == 400
    assert_errors_tied_to_fields(response.content.decode(), ["code"])


PUBLIC_PAGES = ["/", "/report/", "/report/status/", "/alerts/", "/alerts/unsubscribe/", "/no-such-page/"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "es", "ar", "zh-hant"])
def test_every_public_page_has_its_own_title_in_the_readers_language(client, language, settings):
    from django.utils import translation

    titles = {}
    for path in PUBLIC_PAGES:
        titles[path] = Elements(client.get(f"{path}?lang={language}").content.decode()).title.strip()
    settings.ALTCHA_ENABLED = False
    received = report_form_post(client, language, text="Agentes en Roosevelt y la 74", area="QN0301")
    titles["received"] = Elements(received.content.decode()).title.strip()
    assert len(set(titles.values())) == len(titles), titles
    assert all(title != settings.SITE_NAME and title.endswith(settings.SITE_NAME) for title in titles.values())
    with translation.override(language):
        assert titles["/report/status/"].startswith(translation.gettext("Check a report"))
        assert titles["/no-such-page/"].startswith(translation.gettext("This page does not exist."))
        assert titles["received"].startswith(translation.gettext("Report received"))


@pytest.mark.django_db
def test_a_missing_page_in_demo_mode_is_the_projects_translated_page_not_the_debug_page(settings):
    settings.DEBUG = True
    client = Client()  # a new handler, which loads the middleware with DEBUG on
    response = client.get("/no-such-page/?lang=es")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Esta página no existe.</h1>" in html
    assert 'lang="es"' in html and "Django" not in html and "URLconf" not in html
    assert client.get("/staff/incidents/00000000-0000-0000-0000-000000000000/?lang=es").status_code in (302, 404)


@pytest.mark.django_db
def test_a_view_raising_not_found_in_demo_mode_shows_the_projects_page(settings, colleague):
    settings.DEBUG = True
    client = Client()
    client.force_login(colleague)
    response = client.get("/staff/alerts/00000000-0000-0000-0000-000000000000/?lang=es")
    assert response.status_code == 404
    assert "URLconf" not in response.content.decode() and "Traceback" not in response.content.decode()
    assert 'lang="es"' in response.content.decode()


@pytest.mark.django_db
def test_without_debug_the_demo_middleware_is_not_loaded(client):
    response = client.get("/no-such-page/?lang=es")
    assert response.status_code == 404 and 'lang="es"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_date_and_file_fields_keep_native_controls_with_words_and_a_translated_label(client, language):
    from django.utils import translation

    page = Elements(client.get(f"/report/?lang={language}").content.decode())
    _tag, when = page.by_id("occurred_at")
    assert when["type"] == "datetime-local"
    _tag, photos = page.by_id("photos")
    assert photos["type"] == "file"
    labels = [a for t, a in page.elements if t == "label" and a.get("for") == "photos"]
    assert len(labels) == 1 and "button" in labels[0]["class"].split()
    html = client.get(f"/report/?lang={language}").content.decode()
    with translation.override(language):
        assert translation.gettext("Choose photos or video") in html
        hint = translation.gettext(
            "Leave empty for now. Otherwise a date (day, month and year) and a time (hour and minutes)."
        )
        assert hint in html


@pytest.mark.django_db
def test_a_spanish_report_on_an_english_console_page_carries_its_language(client, colleague):
    from vigil.intake import actions
    from vigil.intake.validation import build_input

    data = build_input(
        {"text": "Agentes de ICE en la esquina, tres camionetas", "area": "QN0301", "place_text": "Roosevelt y la 74"}
    )
    report = actions.submit_report(data, channel="web", form_language="es")[0]
    assert report.language == "es"
    client.force_login(colleague)
    html = client.get(f"/staff/incidents/{report.incident_id}/?lang=en").content.decode()
    page = Elements(html)
    assert page.elements[0] == ("html", {"lang": "en", "dir": "ltr"})
    spanish = [attrs for _tag, attrs in page.elements if attrs.get("lang") == "es" and attrs.get("dir")]
    assert len(spanish) >= 2  # the report's text and its place
    assert '<bdi lang="es" dir="auto">Roosevelt y la 74</bdi>' in html


@pytest.mark.django_db
def test_an_alerts_preview_marks_each_languages_text_and_not_the_console_words_around_it(client, colleague):
    from vigil.alerts.tests.conftest import make_incident

    incident = make_incident(colleague.organization, colleague)
    client.force_login(colleague)
    response = client.post(f"/staff/alerts/new/?incident={incident.pk}", {"kind": "verified_activity"})
    html = client.get(response["Location"] + "?lang=en").content.decode()
    assert '<span lang="ar" dir="rtl">' in html and '<bdi lang="ur" dir="rtl">' in html
    assert '<td lang="' not in html  # the cell also holds English console words


def test_lang_attrs_gives_the_direction_and_ignores_unknown_codes():
    from vigil.templatetags.a11y import lang_attrs

    assert lang_attrs("ur") == ' lang="ur" dir="rtl"'
    assert lang_attrs("ht") == ' lang="ht" dir="ltr"'
    assert lang_attrs("") == "" and lang_attrs(None) == "" and lang_attrs('x" onclick="') == ""
