"""Every URL is covered: walks the resolver, so a new URL is tested the moment it exists."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import make_staff
from vigil.accounts.middleware import view_access
from vigil.accounts.models import Role

# For each URL argument, how to make a real object that belongs to the first organization.
# A new URL argument without an entry here fails test_it_knows_how_to_make_every_url_object.
OBJECT_FACTORIES = {
    "user_id": lambda ctx: ctx["colleague"].pk,
    "incident_id": lambda ctx: _partner_report(ctx).incident_id,
    "report_id": lambda ctx: _partner_report(ctx).pk,
    "dispatch_id": lambda ctx: _dispatch(ctx).pk,
    "evidence_id": lambda ctx: _evidence(ctx).pk,
    "alert_id": lambda ctx: _alert(ctx).pk,
    "proposal_id": lambda ctx: _proposal(ctx).pk,
    "confirmation_id": lambda ctx: _confirmation(ctx).pk,
    "record_id": lambda ctx: _detention_record(ctx).pk,
    "case_id": lambda ctx: _case(ctx).pk,
    "task_id": lambda ctx: _case(ctx).tasks.get().pk,
    "referral_id": lambda ctx: _referral(ctx).pk,
    "interpreter_id": lambda ctx: _interpreter(ctx).pk,
    "interpretation_id": lambda ctx: _interpretation(ctx).pk,
    "consent_id": lambda ctx: _consent(ctx).pk,
    "share_id": lambda ctx: _share(ctx).pk,
    "document_id": lambda ctx: _case_document(ctx).pk,
}


def _case(ctx):
    """An open case of the first organization, opened by one of its caseworkers."""
    from vigil.cases import actions

    if "case" not in ctx:
        caseworker = make_staff("first-caseworker", Role.CASEWORKER, ctx["owner"].organization)
        ctx["caseworker"] = caseworker
        ctx["case"] = actions.open_case(
            organization=caseworker.organization, actor=caseworker, person_name="A. Person"
        )[0]
    return ctx["case"]


def _referral(ctx):
    """The first organization's case, sent to a provider of a third organization."""
    from vigil.cases import actions
    from vigil.cases.tests.conftest import make_provider

    if "referral" not in ctx:
        case = _case(ctx)
        provider = make_provider("walk-legal")
        proposed = actions.propose_referral(case, provider, "detained_removal_defense", actor=ctx["caseworker"])
        ctx["referral"] = actions.send_referral(proposed, actor=ctx["caseworker"])
    return ctx["referral"]


def _interpreter(ctx):
    """An interpreter on the first organization's roster, available tomorrow."""
    from vigil.cases.tests.interpreting import make_interpreter

    if "interpreter" not in ctx:
        _case(ctx)
        ctx["interpreter"] = make_interpreter(ctx["caseworker"])
    return ctx["interpreter"]


def _interpretation(ctx):
    """An interpretation requested for the first organization's case."""
    from vigil.cases.tests.interpreting import make_request

    if "interpretation" not in ctx:
        case = _case(ctx)
        ctx["interpretation"] = make_request(ctx["caseworker"], case)
    return ctx["interpretation"]


def _consent(ctx):
    """A consent given on the public family form for the first organization's case."""
    import uuid

    from vigil.cases import family_actions

    _case(ctx)
    _case_, relative, _secret, _created = family_actions.submit_family_intake(
        organization=ctx["owner"].organization,
        person={"person_name": "A. Person"},
        contact={"relationship": "parent", "language": "en", "channel": "none"},
        consents=["share_provider"],
        intake_key=uuid.uuid4(),
    )
    return relative.consents.get()


def _share(ctx):
    """The first organization's case, shared with a third organization (neither the intruder's nor a
    provider's): the intruder still gets a 404 for the case and the share."""
    from conftest import make_org
    from vigil.cases import sharing_actions

    if "share" not in ctx:
        case = _case(ctx)
        ctx["share"] = sharing_actions.share_case(case, make_org("walk-partner"), actor=ctx["caseworker"])
    return ctx["share"]


def _case_document(ctx):
    """A PDF added to the first organization's case by its caseworker."""
    from vigil.cases import document_actions

    if "case_document" not in ctx:
        pdf = b"%PDF-1.7\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
        ctx["case_document"] = document_actions.add_document(
            _case(ctx), data=pdf, name="notice.pdf", kind="court_notice", actor=ctx["caseworker"]
        )
    return ctx["case_document"]


def _dispatch(ctx):
    from vigil.incidents import dispatching as actions

    if "dispatch" not in ctx:
        responder = make_staff("first-responder", Role.RESPONDER, ctx["owner"].organization)
        ctx["dispatch"] = actions.offer(_partner_report(ctx).incident, responder, actor=ctx["owner"])
    return ctx["dispatch"]


def _proposal(ctx):
    """An open two-person verification proposal on the first organization's incident."""
    from vigil.incidents import verification

    return verification.propose_verification(
        _partner_report(ctx).incident, reason="Three reports with photos", actor=ctx["owner"]
    )


def _confirmation(ctx):
    """A responder's on-scene "I see enforcement" on the first organization's incident (a fresh dispatch)."""
    from vigil.incidents import dispatching as actions
    from vigil.incidents import verification

    responder = make_staff("scene-responder", Role.RESPONDER, ctx["owner"].organization)
    dispatch = actions.offer(_partner_report(ctx).incident, responder, actor=ctx["owner"])
    for step in ("accepted", "en_route", "on_scene"):
        dispatch = actions.dispatch_move(dispatch, step, actor=responder)
    return verification.confirm_on_scene(dispatch, sees_enforcement=True, what_seen="Two vans", actor=responder)


def _detention_record(ctx):
    """A detention record on the first organization's incident, written by a caseworker."""
    from vigil.incidents import detentions

    caseworker = make_staff("record-caseworker", Role.CASEWORKER, ctx["owner"].organization)
    return detentions.record_detention(_partner_report(ctx).incident, {"custody": "doc"}, actor=caseworker)


def _evidence(ctx):
    import io

    from PIL import Image

    from vigil.incidents import actions

    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="PNG")
    return actions.add_evidence(data=out.getvalue(), incident=_partner_report(ctx).incident, actor=ctx["owner"])


def _alert(ctx):
    """A draft alert of the first organization (a reminder: it needs no incident)."""
    from vigil.alerts import actions

    return actions.compose_alert(actor=ctx["owner"], kind="reminder", target_areas=["QN"])


def _partner_report(ctx):
    if "report" not in ctx:
        from vigil.intake import actions
        from vigil.intake.validation import build_input

        data = build_input({"text": "ICE agents at Roosevelt and 74th", "area": "QN0301"})
        ctx["report"] = actions.submit_report(data, channel="api", partner=ctx["owner"].organization)[0]
    return ctx["report"]


# Objects not owned by an organization (system-wide work rows visible to every organization's admins).
ORGANIZATION_FREE = {
    "job_id": lambda ctx: _failed_job().pk,
    # The know-your-rights library's texts belong to the coalition, not to one organization.
    "revision_id": lambda ctx: _rights_revision().pk,
    "slug": lambda ctx: "at-the-door",
    "digest": lambda ctx: "0" * 64,
    "filename": lambda ctx: "card.pdf",
    # WhatsApp templates belong to the deployment (one WhatsApp sender), not to one organization.
    "template_id": lambda ctx: _whatsapp_template().pk,
}


def _whatsapp_template():
    from vigil.messaging import template_actions

    return template_actions.save_template(
        name="case_status_update", language="en", body="News about case {code}: {status}. See our site."
    )


def _rights_revision():
    from django.core.management import call_command

    from vigil.rights.models import Revision

    if not Revision.objects.exists():
        call_command("load_rights", verbosity=0)
    return Revision.objects.filter(language="en").first()


def _failed_job():
    from vigil.work.models import Job

    return Job.objects.create(handler="vigil.privacy.jobs.purge_expired", state=Job.State.FAILED)


def walk(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def ours(callback) -> bool:
    return view_access(callback) in ("public", "staff", "api")


def our_patterns():
    return [(route, p) for route, p in walk() if ours(p.callback)]


def fill(route: str, values: dict) -> str:
    def sub(match):
        name = match.group("name")
        return str(values[name])

    path = re.sub(r"<(?:\w+:)?(?P<name>\w+)>", sub, route)
    return "/" + path.lstrip("^").rstrip("$").replace("\\Z", "")


def test_it_marks_every_view_with_who_may_use_it():
    unmarked = [route for route, p in walk() if view_access(p.callback) is None]
    assert unmarked == []


def test_it_knows_how_to_make_every_url_object():
    names = set()
    for route, _p in our_patterns():
        names.update(re.findall(r"<(?:\w+:)?(\w+)>", route))
    assert names <= set(OBJECT_FACTORIES) | set(ORGANIZATION_FREE)


@pytest.fixture
def ctx(owner, colleague, outsider):
    return {"owner": owner, "colleague": colleague, "outsider": outsider}


def _urls(ctx):
    values = {name: make(ctx) for name, make in {**OBJECT_FACTORIES, **ORGANIZATION_FREE}.items()}
    for route, pattern in our_patterns():
        if view_access(pattern.callback) == "public":
            continue
        yield fill(route, values), pattern


def _methods(client, url):
    return [client.get(url), client.post(url)]


@pytest.mark.django_db
def test_it_refuses_anonymous_users_on_every_non_public_url(client, ctx):
    checked = 0
    for url, _pattern in _urls(ctx):
        for response in _methods(client, url):
            assert response.status_code in (302, 401, 403), url
            if response.status_code == 302:
                assert "/accounts/login/" in response["Location"], url
        checked += 1
    assert checked > 0


@pytest.mark.django_db
def test_it_refuses_users_of_the_wrong_role_on_every_staff_url(client, ctx, org):
    checked = 0
    for url, pattern in _urls(ctx):
        if view_access(pattern.callback) != "staff":
            continue  # API views take tokens; their checks are in vigil/intake/tests/test_api.py
        roles = getattr(pattern.callback, "vigil_roles", ())
        wrong = [r for r in Role.values if r not in roles]
        if not wrong:
            continue
        user = make_staff(f"wrong-{checked}", wrong[0], org)
        client.force_login(user)
        for response in _methods(client, url):
            assert response.status_code == 403, url
        client.logout()
        checked += 1
    assert checked > 0


@pytest.mark.django_db
def test_it_hides_the_first_organizations_objects_from_another_organization(client, ctx, other_org):
    checked = 0
    values = {name: make(ctx) for name, make in OBJECT_FACTORIES.items()}
    for route, pattern in our_patterns():
        names = set(re.findall(r"<(?:\w+:)?(\w+)>", route))
        if not names or not names <= set(OBJECT_FACTORIES) or view_access(pattern.callback) != "staff":
            continue
        roles = getattr(pattern.callback, "vigil_roles", (Role.ADMIN,))
        intruder = make_staff(f"intruder-{checked}", roles[0], other_org)
        client.force_login(intruder)
        url = fill(route, values)
        assert client.get(url).status_code in (403, 404, 405), route
        assert client.post(url).status_code in (403, 404), route
        client.logout()
        checked += 1
    assert checked > 0


@pytest.mark.django_db
def test_it_sends_staff_without_a_second_factor_to_set_one_up(client, org):
    user = make_staff("nomfa", Role.DISPATCHER, org, mfa=False)
    client.force_login(user)
    response = client.get("/staff/")
    assert response.status_code == 302
    assert "/accounts/2fa/totp/activate" in response["Location"]


@pytest.mark.django_db
def test_it_keeps_staff_without_a_second_factor_out_of_the_admin(client, org):
    user = make_staff("nomfa-admin", Role.ADMIN, org, mfa=False)
    client.force_login(user)
    response = client.get("/staff/admin/")
    assert response.status_code == 302
    assert "/accounts/2fa/" in response["Location"]


@pytest.mark.django_db
def test_it_lets_the_right_role_in(client, owner):
    client.force_login(owner)
    assert client.get("/staff/audit/").status_code == 200
    assert client.get("/staff/users/").status_code == 200


def test_it_walks_both_referral_packets():
    """The packet's JSON and PDF are walked like every URL (vigil/cases/packet_views.py)."""
    routes = [route for route, _p in our_patterns()]
    assert any(route.endswith("/packet.json") for route in routes)
    assert any(route.endswith("/packet.pdf") for route in routes)
