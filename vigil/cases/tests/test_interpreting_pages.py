"""The interpreter pages: the roster, a request from a case page, the proposed interpreters, confirming and
completing, the hours; the organization's caseworkers see them, a provider's staff and outsiders get a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from vigil.cases.models import InterpretationRequest, Interpreter
from vigil.cases.tests.conftest import open_case
from vigil.cases.tests.interpreting import make_interpreter, make_request, tomorrow_at


def _urls(interpreter, interpretation, case):
    return [
        reverse("interpreter_detail", kwargs={"interpreter_id": interpreter.pk}),
        reverse("interpretation_detail", kwargs={"interpretation_id": interpretation.pk}),
        reverse("case_interpretation_new", kwargs={"case_id": case.pk}),
    ]


@pytest.mark.django_db
def test_it_shows_the_pages_to_the_owner_and_a_colleague_and_a_404_to_an_outsider_and_a_provider(
    client, caseworker, case_colleague, case_outsider, staff_a
):
    case = open_case(caseworker)
    interpreter = make_interpreter(caseworker)
    interpretation = make_request(caseworker, case)
    for user, status in ((caseworker, 200), (case_colleague, 200), (case_outsider, 404), (staff_a, 404)):
        client.force_login(user)
        for url in _urls(interpreter, interpretation, case):
            assert client.get(url).status_code == status, (user.username, url)
        client.logout()
    client.force_login(staff_a)
    for name in ("interpreter_directory", "interpreter_hours", "interpreter_hours_csv"):
        assert client.get(reverse(name)).status_code == 404, name


@pytest.mark.django_db
def test_an_outsider_cannot_assign_confirm_or_cancel(client, caseworker, case_outsider):
    interpreter = make_interpreter(caseworker)
    interpretation = make_request(caseworker)
    client.force_login(case_outsider)
    assign = reverse("interpretation_assign", kwargs={"interpretation_id": interpretation.pk})
    assert client.post(assign, {"interpreter": interpreter.pk}).status_code == 404
    cancel = reverse("interpretation_cancel", kwargs={"interpretation_id": interpretation.pk})
    assert client.post(cancel).status_code == 404
    interpretation.refresh_from_db()
    assert interpretation.state == "requested"


@pytest.mark.django_db
def test_it_lists_only_the_organizations_interpreters(client, caseworker, case_outsider):
    make_interpreter(caseworker, name="Ours")
    make_interpreter(case_outsider, name="Theirs")
    client.force_login(caseworker)
    page = client.get(reverse("interpreter_directory")).content.decode()
    assert "Ours" in page and "Theirs" not in page


@pytest.mark.django_db
def test_a_caseworker_adds_an_interpreter_and_is_asked_which_chinese(client, caseworker):
    client.force_login(caseworker)
    url = reverse("interpreter_directory")
    response = client.post(url, {"display_name": "Lin", "languages": "zh", "modes": ["phone"]}, follow=True)
    assert "Which one" in response.content.decode()
    assert not Interpreter.objects.exists()
    response = client.post(url, {"display_name": "Lin", "languages": "yue mam", "modes": ["phone"]})
    interpreter = Interpreter.objects.get()
    assert response["Location"] == reverse("interpreter_detail", kwargs={"interpreter_id": interpreter.pk})
    assert interpreter.languages == ["yue", "mam"]
    page = client.get(response["Location"]).content.decode()
    assert "Cantonese" in page and "Mam" in page


@pytest.mark.django_db
def test_a_caseworker_requests_assigns_confirms_and_completes_from_the_pages(client, caseworker):
    case = open_case(caseworker, language="es")
    interpreter = make_interpreter(caseworker, name="Rosa")
    client.force_login(caseworker)
    assert (
        reverse("case_interpretation_new", kwargs={"case_id": case.pk})
        in client.get(reverse("case_detail", kwargs={"case_id": case.pk})).content.decode()
    )
    response = client.post(
        reverse("case_interpretation_new", kwargs={"case_id": case.pk}),
        {
            "language": "es-MX",
            "mode": "video",
            "starts_at": tomorrow_at(10).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": tomorrow_at(11).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    interpretation = InterpretationRequest.objects.get()
    assert response["Location"] == reverse("interpretation_detail", kwargs={"interpretation_id": interpretation.pk})
    page = client.get(response["Location"]).content.decode()
    assert "Rosa" in page
    ids = {"interpretation_id": interpretation.pk}
    client.post(reverse("interpretation_assign", kwargs=ids), {"interpreter": interpreter.pk})
    client.post(reverse("interpretation_confirm", kwargs=ids))
    interpretation.refresh_from_db()
    assert (interpretation.state, interpretation.interpreter) == ("confirmed", interpreter)
    response = client.post(reverse("interpretation_complete", kwargs=ids), {"minutes": "45"}, follow=True)
    assert "after it has begun" in response.content.decode()


@pytest.mark.django_db
def test_the_hours_page_and_csv_show_hours_in_the_readers_locale(client, caseworker, settings):
    from datetime import timedelta

    from django.utils import timezone

    from vigil.cases import interpreting_actions as actions

    interpreter = make_interpreter(caseworker, name="Rosa", languages=["es", "quc"])
    interpretation = make_request(caseworker, language="quc")
    actions.assign_interpreter(interpretation, interpreter, actor=caseworker)
    actions.confirm_interpretation(interpretation, actor=caseworker)
    start = timezone.now() - timedelta(minutes=5)
    InterpretationRequest.objects.filter(pk=interpretation.pk).update(
        starts_at=start, ends_at=start + timedelta(hours=2)
    )
    actions.complete_interpretation(interpretation, 90, actor=caseworker)
    client.force_login(caseworker)
    month = timezone.localtime(start).strftime("%Y-%m")
    english = client.get(reverse("interpreter_hours"), {"month": month}).content.decode()
    assert "1.5" in english and "Kʼicheʼ" in english
    french = client.get(reverse("interpreter_hours"), {"month": month}, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "1,5" in french and "quiché" in french
    csv_text = client.get(reverse("interpreter_hours_csv"), {"month": month}).content.decode()
    assert "interpreter," in csv_text and ",Rosa,1,90,1.50" in csv_text
    assert "language,quc," in csv_text


@pytest.mark.django_db
def test_a_caseworker_adds_and_removes_a_window_and_takes_an_interpreter_off_the_roster(client, caseworker):
    interpreter = make_interpreter(caseworker, modes=("phone",), window=None)
    url = reverse("interpreter_detail", kwargs={"interpreter_id": interpreter.pk})
    client.force_login(caseworker)
    client.post(
        url,
        {
            "do": "add_window",
            "starts_at": tomorrow_at(9).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": tomorrow_at(12).strftime("%Y-%m-%dT%H:%M"),
            "modes": ["phone", "video"],
        },
    )
    window = interpreter.windows.get()
    assert window.modes == ["phone"]  # only the interpreter's own modes
    client.post(url, {"do": "remove_window", "window": window.pk})
    assert not interpreter.windows.exists()
    client.post(url, {"do": "deactivate"})
    interpreter.refresh_from_db()
    assert not interpreter.is_active
    assert "inactive" in client.get(reverse("interpreter_directory")).content.decode()


@pytest.mark.django_db
def test_an_admin_reads_a_request_but_does_not_change_it(client, caseworker, owner):
    interpreter = make_interpreter(caseworker)
    interpretation = make_request(caseworker)
    client.force_login(owner)
    page = client.get(reverse("interpretation_detail", kwargs={"interpretation_id": interpretation.pk}))
    assert page.status_code == 200 and "Interpreter One" in page.content.decode()
    assert (
        reverse("interpretation_assign", kwargs={"interpretation_id": interpretation.pk}) not in page.content.decode()
    )
    client.post(
        reverse("interpretation_assign", kwargs={"interpretation_id": interpretation.pk}),
        {"interpreter": interpreter.pk},
    )
    interpretation.refresh_from_db()
    assert interpretation.state == "requested"
