"""The family's pages (public: the intake form, the status page) and the caseworkers' view of a case's
relatives and consents. Parse, check, call one action, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vigil.accounts.access import public, staff_view
from vigil.cases import actions, family_actions
from vigil.cases.access import COALITION_ROLES, get_case_for_user, get_consent_for_user
from vigil.cases.family import Consent, FamilyStatus, family_status
from vigil.cases.family_forms import FamilyIntakeForm, RelativeForm
from vigil.intake import abuse
from vigil.lib.digits import ascii_digits

# A refusal from the case's action, shown at the field it concerns.
REFUSAL_FIELDS = {"birth_date_future": "person_birth_date", "taken_at_future": "taken_at", "empty": "a_number"}


def _page(request, form, *, status=200, challenge_needed=False, refusal=""):
    context = {
        "form": form,
        "errors": form.errors_in_order() if form.is_bound else [],
        "refusal": refusal,
        "challenge_needed": challenge_needed,
        "challenge": abuse.new_challenge() if settings.ALTCHA_ENABLED else None,
        "values": form.data if form.is_bound else {},
        "intake_key": (form.data.get("intake_key") if form.is_bound else "") or form.initial.get("intake_key", ""),
    }
    return render(request, "cases/family/intake.html", context, status=status)


@public
@require_http_methods(["GET", "POST"])
def family_intake(request):
    if not family_actions.intake_open():
        # No organization takes families' forms in this deployment: nothing is stored; the hotline is shown.
        return render(request, "cases/family/closed.html", status=200 if request.method == "GET" else 503)
    if request.method == "GET":
        return _page(request, FamilyIntakeForm(language=get_language()))
    if request.POST.get("website"):
        # The honeypot, as on the report form: a plain page, nothing stored.
        return render(request, "cases/family/received.html", {"bot": True})
    form = FamilyIntakeForm(request.POST, language=get_language())
    if not form.is_valid():
        return _page(request, form, status=400)
    solved = settings.ALTCHA_ENABLED and abuse.solution_is_valid(request.POST.get("altcha", ""))
    if not solved and not request.POST.get("asked") and abuse.over_rate_limit(request.client_key, scope="family"):
        # Past the limit for one address hash: ask once for the challenge; sent again unsolved (no
        # JavaScript), the form is still taken. A carrier address can be a whole block of phones.
        return _page(request, form, status=429, challenge_needed=True)
    # The family's borough chooses the organization when the deployment routes by borough.
    organization = family_actions.intake_organization(form.cleaned_data.get("borough", ""))
    if organization is None:
        return render(request, "cases/family/closed.html", status=503)
    try:
        case, _relative, secret, _created = family_actions.submit_family_intake(
            organization=organization,
            person=form.person(),
            contact=form.contact(),
            consents=form.cleaned_data["consents"],
            intake_key=form.cleaned_data["intake_key"],
        )
    except actions.CaseActionRefused as exc:
        field = REFUSAL_FIELDS.get(exc.code)
        if field:
            form.add_error(field, str(exc.message))
            return _page(request, form, status=400)
        return _page(request, form, status=400, refusal=str(exc.message))
    return render(request, "cases/family/received.html", {"code": family_actions.display_code(case), "secret": secret})


@public
@require_http_methods(["GET", "POST"])
def family_status_page(request):
    """What the family may know: one of four words. A wrong code or secret looks like an unknown one."""
    if request.method == "GET":
        return render(request, "cases/family/status.html", {})
    if abuse.over_rate_limit(request.client_key, scope="family_status_miss"):
        return render(request, "cases/family/status.html", {"too_many": True}, status=429)
    # Typed on an Arabic, Urdu or Bengali keyboard, the code's and secret's digits are that script's.
    code, secret = (ascii_digits(request.POST.get(name, "")) for name in ("code", "secret"))
    relative = family_actions.check_family_secret(code, secret)
    if relative is None:
        return render(request, "cases/family/status.html", {"not_found": True}, status=404)
    abuse.take_back(request.client_key, scope="family_status_miss")
    stopped = False
    if request.POST.get("stop_updates"):
        for consent in relative.consents.filter(scope=Consent.Scope.UPDATES, withdrawn_at__isnull=True):
            family_actions.withdraw_consent(consent, method=Consent.Method.STATUS_PAGE)
        stopped = True
    status = family_status(relative.case.state)
    context = {
        "status": status,
        "status_label": FamilyStatus(status).label,
        "code": code,
        "secret": secret,
        "code_shown": family_actions.display_code(relative.case),
        "gets_updates": relative.consents.filter(scope=Consent.Scope.UPDATES, withdrawn_at__isnull=True).exists(),
        "stopped": stopped,
    }
    return render(request, "cases/family/status.html", context)


@staff_view(*COALITION_ROLES)
def case_family(request, case_id):
    """The case's relatives (how to reach them) and their consents, for the case's organization; a
    relative who called is added here, and their code and secret shown once to read out."""
    case = get_case_for_user(request, case_id)
    actions.record_view(case, actor=request.user, what="case_family")
    form = RelativeForm(request.POST or None)
    added = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contact = {key: data[key] for key in ("relationship", "language", "channel", "address")}
        relative, secret = family_actions.add_relative(
            case, actor=request.user, contact=contact, consents=data["consents"], method=data["method"]
        )
        added = {"code": family_actions.display_code(case), "secret": secret}
        form = RelativeForm()
    relatives = list(case.family_contacts.prefetch_related("consents"))
    context = {"case": case, "relatives": relatives, "form": form, "added": added}
    return render(request, "cases/family/staff.html", context, status=400 if form.errors else 200)


@staff_view(*COALITION_ROLES)
@require_POST
def consent_withdraw(request, consent_id):
    consent = get_consent_for_user(request, consent_id)
    method = request.POST.get("method", Consent.Method.PHONE)
    family_actions.withdraw_consent(consent, actor=request.user, method=method)
    messages.success(request, _("The consent was withdrawn."))
    return redirect("case_family", case_id=consent.case_id)
