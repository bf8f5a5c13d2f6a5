"""Every form field that takes digits accepts Arabic-Indic, Extended Arabic-Indic (Persian and Urdu
keyboards) and Bengali digits, and keeps them as ASCII digits: one test per field."""

import pytest

from vigil.intake.models import Report

SYSTEMS = {"arabic-indic": "٠١٢٣٤٥٦٧٨٩", "extended-arabic-indic": "۰۱۲۳۴۵۶۷۸۹", "bengali": "০১২৩৪৫৬৭৮৯"}


def native(text, system):
    return text.translate(str.maketrans("0123456789", SYSTEMS[system]))


pytestmark = [pytest.mark.django_db, pytest.mark.parametrize("system", SYSTEMS)]


def send_report(client, settings, **values):
    settings.ALTCHA_ENABLED = False
    page = client.get("/report/?lang=ur").content.decode()
    key = page.split('name="form_key" value="')[1].split('"')[0]
    data = {"form_key": key, "text": "Agents at Roosevelt and 74th", "area": "QN0301", **values}
    response = client.post("/report/?lang=ur", data)
    assert response.status_code == 200, response.content.decode()[:3000]
    return Report.objects.get()


def test_the_report_forms_contact_number(client, settings, system):
    report = send_report(client, settings, contact=native("(718) 555-0177", system))
    assert report.contact == "(718) 555-0177"  # as typed, in ASCII digits


def test_the_report_forms_number_of_agents(client, settings, system):
    report = send_report(client, settings, salute_size=native("12", system))
    assert report.salute["size"] == "12"


def test_the_report_forms_number_of_vehicles(client, settings, system):
    report = send_report(client, settings, salute_vehicles=native("3", system))
    assert report.salute["vehicles"] == "3"


def test_the_report_forms_time(client, settings, system):
    from django.utils import timezone

    when = timezone.localtime() - timezone.timedelta(hours=2)
    report = send_report(client, settings, occurred_at=native(when.strftime("%Y-%m-%dT%H:%M"), system))
    assert timezone.localtime(report.occurred_at).strftime("%Y-%m-%d %H:%M") == when.strftime("%Y-%m-%d %H:%M")


def test_the_status_forms_code_and_secret(client, settings, system):
    from vigil.intake import actions
    from vigil.intake.validation import build_input

    report, secret, _ = actions.submit_report(
        build_input({"text": "Agents at Roosevelt", "area": "QN0301"}), channel="web"
    )
    response = client.post(
        "/report/status/?lang=bn", {"code": native(report.receipt_code, system), "secret": native(secret, system)}
    )
    assert response.status_code == 200 and 'id="status"' in response.content.decode()


def test_the_status_forms_addition_keeps_what_was_typed(client, settings, system):
    """Free text is the reporter's words: its digits are not rewritten (only fields that take digits are)."""
    from vigil.intake import actions
    from vigil.intake.validation import build_input

    report, secret, _ = actions.submit_report(
        build_input({"text": "Agents at Roosevelt", "area": "QN0301"}), channel="web"
    )
    text = native("Now 4 vans", system)
    client.post("/report/status/", {"code": report.receipt_code, "secret": secret, "addition": text})
    assert Report.objects.filter(follow_up_of=report).get().text == text


def test_the_alerts_sign_up_phone_number(client, system):
    from vigil.alerts.models import Subscriber

    response = client.post(
        "/alerts/?lang=ar",
        {"channel": "sms", "address": native("(718) 555-0177", system), "language": "ar", "areas": "QN"},
    )
    assert response.status_code == 302
    assert Subscriber.objects.get().address == "+17185550177"


def test_the_alerts_confirmation_code(client, system):
    from vigil.alerts import actions
    from vigil.alerts.models import Subscriber

    client.post("/alerts/", {"channel": "sms", "address": "+17185550177", "language": "bn", "areas": "QN"})
    subscriber = Subscriber.objects.get()
    code = actions.confirmation_code(subscriber)
    token = actions.confirm_token(subscriber)
    response = client.post("/alerts/confirm/?lang=bn", {"t": token, "code": native(code, system)})
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.ACTIVE
