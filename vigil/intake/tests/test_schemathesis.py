"""Schemathesis over the whole OpenAPI document, with a partner token and a staff token: for every operation,
a fixed seed and EXAMPLES schema-valid requests, each of which must get no 5xx, an answer the document
describes (status, content type, headers, body schema), and acceptance: a schema-valid body is taken,
unless a domain rule the document lists under `x-domain-rules` refuses it, with a 400 naming that rule."""

from __future__ import annotations

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import strategies as st

from vigil.accounts import actions as account_actions

SEED = 20261128
EXAMPLES = 60
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
# Schema-valid requests may still meet these: an id nobody holds (404), or a documented refusal that depends
# on what was done before (409: a partner's Idempotency-Key reused for another report; an alert already sent).
STATEFUL = {404, 409}


@pytest.fixture
def api(settings, org, colleague):
    """The schema as the running app serves it, a report and an alert to find by id, and two tokens."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import Client

    from vigil.alerts import actions as alert_actions
    from vigil.alerts.tests.conftest import make_incident

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # the WSGI client's host
    # Loaded as served, and called in process through WSGI. from_wsgi would leave out the document's own
    # path (it skips the address it loaded the schema from), which is part of the API too.
    served = Client().get("/api/v1/openapi.json").json()
    # Then, as Django's test client does while it runs (it connects them again when done): a request
    # must not close the connection that holds the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    schema = schemathesis.openapi.from_dict(served)
    # The handler itself: get_wsgi_application() would run django.setup() again, configuring logging anew
    # under the tests that follow.
    schema.app = WSGIHandler()
    incident = make_incident(org, colleague)
    alert = alert_actions.compose_alert(actor=colleague, kind="verified_activity", incident=incident)
    known = {
        "/api/v1/reports/{id}": str(incident.reports.first().pk),
        "/api/v1/alerts/{id}": str(alert.pk),
        "/api/v1/alerts/{id}/send": str(alert.pk),
    }
    tokens = {
        "partner": account_actions.create_partner_token(org),
        "staff": account_actions.create_staff_token(colleague),
    }
    yield schema, known, tokens
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def domain_rules(operation) -> dict:
    answer = operation.definition.raw.get("responses", {}).get("400", {})
    return answer.get("x-domain-rules", {})


def check_acceptance(operation, response) -> None:
    """Schema-valid requests are accepted, except for a documented domain rule or a stateful refusal."""
    if response.status_code < 300 or response.status_code in STATEFUL:
        return
    rules = domain_rules(operation)
    body = response.json()
    assert response.status_code == 400 and body["error"] in rules, (
        f"{operation.label}: a schema-valid request got {response.status_code}: {body}; sent {response.request.body!r}"
    )


def run_operation(operation, *, token: str, known_id: str | None) -> int:
    from schemathesis import checks

    strategy = operation.as_strategy()
    if known_id is not None:
        # Half the examples name a report or alert that exists, so the success answers are exercised too.
        strategy = st.one_of(strategy, operation.as_strategy(path_parameters={"id": known_id}))
    calls = []

    @hypothesis.seed(SEED)
    @hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],  # no shrinking: report the first failure
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(case=strategy)
    def run(case):
        # identity: schemathesis's WSGI transport asks for gzip but does not unpack it (GZipMiddleware would).
        response = case.call(headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"})
        case.validate_response(response, checks=[getattr(checks, name) for name in CHECKS])
        check_acceptance(operation, response)
        calls.append(response.status_code)

    run()
    return len(calls)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["partner", "staff"])
def test_it_answers_every_schema_valid_request_as_its_document_says(api, kind):
    schema, known, tokens = api
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.label for op in operations} >= {
        "POST /api/v1/reports",
        "GET /api/v1/reports/{id}",
        "GET /api/v1/alerts/{id}",
        "POST /api/v1/alerts/{id}/send",
        "GET /api/v1/openapi.json",
    }
    for operation in operations:
        calls = run_operation(operation, token=tokens[kind], known_id=known.get(operation.path))
        raw = operation.definition.raw
        # An operation that takes nothing (the document itself) has one request to make, and hypothesis
        # stops once it has made it.
        assert calls >= (50 if raw.get("parameters") or raw.get("requestBody") else 1), (operation.label, calls)
