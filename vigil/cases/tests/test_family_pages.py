"""The family's public pages: the intake form in the family's language, refusals in words, one case per
double submit or per A-number, and a status page that says one of four things and nothing else."""

from __future__ import annotations

import re

import pytest

from vigil.cases import actions
from vigil.cases.family import Consent, FamilyContact
from vigil.cases.models import Case, CaseEvent


@pytest.fixture
def intake_org(org, settings):
    settings.FAMILY_INTAKE_ORGANIZATION = org.slug
    return org


def family_form(client, lang="es", **values):
    page = client.get(f"/family/?lang={lang}")
    key = re.search(r'name="intake_key" value="([^"]+)"', page.content.decode()).group(1)
    data = {
        "intake_key": key,
        "person_name": "José Ejemplo",
        "person_birth_date": "1990-04-02",
        "a_number": "A 123-456-789",
        "relationship": "sibling",
        "contact_language": lang,
        "channel": "sms",
        "address": "+1 212 555 0134",
        "consents": ["share_provider", "updates"],
        "urgent_needs": ["child_without_care"],
    }
    data.update(values)
    return client.post("/family/", data), data


def received(response) -> tuple[str, str]:
    html = response.content.decode()
    code = re.search(r'id="code"><bdi dir="ltr">([^<]+)<', html).group(1)
    secret = re.search(r'id="secret"><bdi dir="ltr">([^<]+)<', html).group(1)
    return code, secret


@pytest.mark.django_db
def test_it_shows_the_form_in_spanish_with_its_title_and_quick_exit(client, intake_org):
    html = client.get("/family/?lang=es").content.decode()
    assert 'lang="es"' in html
    assert "<title>Detuvieron a alguien de su familia" in html
    assert "quick-exit" in html
    assert "<script" not in html.split("<form")[1].split("</form>")[0]  # the form itself needs no script


@pytest.mark.django_db
def test_it_shows_the_form_in_arabic_right_to_left(client, intake_org):
    html = client.get("/family/?lang=ar").content.decode()
    assert 'lang="ar"' in html and 'dir="rtl"' in html
    assert "<title>احتُجز شخص من عائلتك" in html


@pytest.mark.django_db
def test_the_page_weighs_at_most_25_kb_with_its_stylesheet_and_script(client, intake_org):
    from django.conf import settings

    for lang in ("en", "es", "ar", "bn", "ru"):
        html = client.get(f"/family/?lang={lang}").content
        assets = re.findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
        assert assets, "the stylesheet and script are counted"
        weight = len(html) + sum((settings.STATICFILES_DIRS[0] / a.decode()).stat().st_size for a in assets)
        assert weight <= 25 * 1024, (lang, weight)


@pytest.mark.django_db
def test_it_opens_a_case_and_gives_a_code_and_secret_that_show_received(client, intake_org):
    response, _data = family_form(client)
    assert response.status_code == 200
    case = Case.objects.get()
    relative = FamilyContact.objects.get()
    assert case.organization == intake_org and case.a_number == "123456789" and case.urgency_tier == 3
    assert relative.address == "+12125550134" and relative.language == "es"
    assert set(Consent.objects.values_list("scope", flat=True)) == {"share_provider", "updates"}
    code, secret = received(response)
    html = response.content.decode()
    assert "José" not in html and "123456789" not in html and "456-789" not in html
    status = client.post("/family/status/?lang=es", {"code": code.lower(), "secret": secret})
    assert status.status_code == 200
    assert re.search(r'id="status">Recibido<', status.content.decode())


@pytest.mark.django_db
def test_a_receipt_number_is_refused_in_words_in_arabic_and_nothing_is_stored(client, intake_org):
    response, _data = family_form(client, lang="ar", a_number="IOE0123456789")
    assert response.status_code == 400
    html = response.content.decode()
    assert "USCIS" in html and 'href="#a_number"' in html and 'aria-invalid="true"' in html
    assert "IOE0123456789" in html  # what was typed is kept for correcting
    assert "This looks like" not in html  # said in Arabic
    assert not Case.objects.exists() and not FamilyContact.objects.exists() and not Consent.objects.exists()


@pytest.mark.django_db
def test_a_date_of_birth_in_the_future_is_refused_in_spanish(client, intake_org):
    response, _data = family_form(client, person_birth_date="2999-01-01")
    assert response.status_code == 400
    assert "La fecha de nacimiento no puede estar en el futuro" in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_arabic_digits_in_the_date_and_a_number_are_read(client, intake_org):
    response, _data = family_form(client, lang="ar", person_birth_date="١٩٩٠-٠٤-٠٢", a_number="١٢٣٤٥٦٧٨")
    assert response.status_code == 200
    assert Case.objects.get().a_number == "012345678"


@pytest.mark.django_db
def test_a_double_submit_opens_one_case_with_one_relative(client, intake_org):
    first, data = family_form(client)
    second = client.post("/family/", data)
    assert first.status_code == second.status_code == 200
    assert Case.objects.count() == 1 and FamilyContact.objects.count() == 1
    assert received(first) == received(second)


@pytest.mark.django_db
def test_a_second_relative_with_the_same_a_number_lands_on_the_same_case(client, intake_org):
    family_form(client, a_number="123456789")
    second, _data = family_form(
        client,
        a_number="A-123-456-789",
        relationship="parent",
        channel="email",
        address="madre@example.org",
        consents=["share_interpreter"],
    )
    assert second.status_code == 200
    case = Case.objects.get()
    assert case.family_contacts.count() == 2
    assert case.consents.filter(scope="share_interpreter").count() == 1
    assert CaseEvent.objects.filter(case=case, kind="second_caller").count() == 1


@pytest.mark.django_db
def test_updates_without_a_way_to_reach_the_family_are_refused(client, intake_org):
    response, _data = family_form(client, address="")
    assert response.status_code == 400 and 'href="#address"' in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_the_rate_limit_asks_for_the_challenge_then_takes_the_form(client, intake_org, settings, monkeypatch):
    from vigil.intake import abuse

    monkeypatch.setattr(abuse, "_clock", lambda: 1_800_000_000.0)
    settings.REPORT_RATE_LIMIT = (1, 600)
    family_form(client, a_number="")
    asked, data = family_form(client, a_number="")
    assert asked.status_code == 429 and 'name="asked"' in asked.content.decode()
    assert Case.objects.count() == 1
    again = client.post("/family/", {**data, "asked": "1"})
    assert again.status_code == 200 and Case.objects.count() == 2


@pytest.mark.django_db
def test_without_an_organization_the_page_stores_nothing(client, settings):
    settings.FAMILY_INTAKE_ORGANIZATION = ""
    assert 'id="closed"' in client.get("/family/").content.decode()
    response = client.post("/family/", {"person_name": "X", "relationship": "parent", "channel": "none"})
    assert response.status_code == 503 and not Case.objects.exists()


@pytest.mark.django_db
def test_the_status_page_says_only_one_of_four_things(client, intake_org, caseworker):
    response, _data = family_form(client)
    code, secret = received(response)
    case = Case.objects.get()
    seen = []
    for step in ("screening", None, "closed"):
        if step == "screening":
            actions.transition(case, "screening", actor=caseworker)
        elif step == "closed":
            actions.close_case(case, "released_bond", actor=caseworker)
        html = client.post("/family/status/?lang=en", {"code": code, "secret": secret}).content.decode()
        main = html.split('<main id="main">')[1].split("</main>")[0]
        assert "José" not in main and "123" not in main.replace(code, "")
        seen.append(re.search(r'id="status">([^<]+)<', main).group(1))
    assert seen == ["A caseworker is on it", "A caseworker is on it", "Closed"]


@pytest.mark.django_db
def test_a_wrong_secret_looks_exactly_like_an_unknown_code(client, intake_org):
    response, _data = family_form(client)
    code, _secret = received(response)
    wrong = client.post("/family/status/", {"code": code, "secret": "AAAA-AAAA-AAAA-AAAA"})
    unknown = client.post("/family/status/", {"code": "ZZZZZ-ZZZZZ", "secret": "AAAA-AAAA-AAAA-AAAA"})
    nonsense = client.post("/family/status/", {"code": "٣٤٥", "secret": "سر"})
    assert wrong.status_code == unknown.status_code == nonsense.status_code == 404
    strip = lambda r: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", r.content.decode())  # noqa: E731
    assert strip(wrong) == strip(unknown) == strip(nonsense)


@pytest.mark.django_db
def test_the_family_can_stop_its_updates_on_the_status_page(client, intake_org):
    response, _data = family_form(client)
    code, secret = received(response)
    stopped = client.post("/family/status/", {"code": code, "secret": secret, "stop_updates": "1"})
    assert stopped.status_code == 200
    consent = Consent.objects.get(scope="updates")
    assert consent.withdrawn_at is not None and consent.withdrawal_method == "status_page"


@pytest.mark.django_db
def test_the_status_page_reads_a_code_typed_with_arabic_digits(client, intake_org):
    response, _data = family_form(client, lang="ar")
    code, secret = received(response)
    arabic = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    status = client.post(
        "/family/status/?lang=ar", {"code": code.translate(arabic), "secret": secret.translate(arabic)}
    )
    assert status.status_code == 200
    assert 'id="status">تم الاستلام<' in status.content.decode()
