"""Staff pages for the matcher's proposals (docs/cases.md, "Proposals"): the ranked providers on the case page
(through the `case_proposals` template tag) and the proposed assignment of all waiting cases, with pins,
drops and one approval. Parse, authorize, act, render.

The organization's caseworkers see and approve; its admins see; a provider's staff get a 404, as for a
case not theirs. Pinning and dropping only re-solve (nothing is written; a form posted to the page itself, as
one row's choice among thousands would not fit in a link): the page carries the pins and drops in its form,
so it works without JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.accounts.access import staff_view
from vigil.accounts.models import Role
from vigil.cases import actions, matching, proposal_actions, proposals
from vigil.cases.access import COALITION_ROLES, coalition_organization_id
from vigil.cases.language_names import display_name
from vigil.cases.matching import eligibility
from vigil.cases.models import Case, Referral, ServiceKind

# Provider staff pass the role check so that the organization check answers them with a 404.
PROPOSAL_ROLES = (Role.CASEWORKER, Role.ADMIN, Role.PROVIDER_STAFF)

REASONS = {
    "pinned": gettext_lazy("pinned by a caseworker"),
    "service": gettext_lazy("offers the services needed"),
    "court": gettext_lazy("serves the court where the person is held"),
    "funding": gettext_lazy("the case fits its funding"),
    "language_native": gettext_lazy("its staff speak %(language)s"),
    "language_interpreter": gettext_lazy("through an available interpreter for %(language)s"),
    "language_none": gettext_lazy("nobody there speaks %(language)s and no interpreter for it is available"),
    "language_ask_which": gettext_lazy("%(language)s does not say which language: ask the family"),
    "language_unknown": gettext_lazy("the family's language is not known"),
    "borough": gettext_lazy("serves the family's borough"),
    "borough_not_served": gettext_lazy("does not serve the family's borough"),
}
EXCLUSIONS = {
    "dropped": gettext_lazy("dropped by you"),
    "conflict": gettext_lazy("declined this case"),
    "not_automatic": gettext_lazy("intake assigned elsewhere: not proposed automatically"),
    "service": gettext_lazy("does not offer the services needed"),
    "court": gettext_lazy("does not serve the court where the person is held"),
    "capacity": gettext_lazy("no capacity left"),
    "consent_withdrawn": gettext_lazy("the family withdrew consent to share with a provider"),
    "unknown": gettext_lazy("no longer possible"),
}


def _funding_text(case: matching.Case, provider: matching.Provider) -> str:
    """Which funding rule the case fails, and whether it is a fact to ask the family."""
    if provider.residence is not None and case.residence not in provider.residence:
        if case.residence is None:
            return _("its funding depends on the family's borough, which is not known: ask")
        return _("its funding does not cover the family's borough")
    if provider.detention is not None and case.detention not in provider.detention:
        return _("its funding does not cover this detention status")
    if case.income_band is None:
        return _("its funding is for low-income households: ask the family's income")
    return _("its funding is for low-income households only")


def reason_text(reason: matching.Reason, case: matching.Case) -> str:
    if reason.code in ("language_native", "language_interpreter", "language_none", "language_ask_which"):
        language = display_name(case.language or "", get_language() or "en") if case.language else ""
        return str(REASONS[reason.code]) % {"language": language}
    return str(REASONS.get(reason.code, reason.code))


def exclusion_text(code: str, case: matching.Case | None = None, provider: matching.Provider | None = None) -> str:
    if code == "funding" and case is not None and provider is not None:
        return _funding_text(case, provider)
    return str(EXCLUSIONS.get(code, code))


def _reasons(reasons, case: matching.Case) -> list[str]:
    return [reason_text(r, case) for r in reasons if r.code in REASONS and r.code != "tier"]


def _service_label(case_row, provider_row) -> str:
    service = proposals.referral_service(case_row, provider_row)
    return str(dict(ServiceKind.choices).get(service, service or ""))


# --- The case page -----------------------------------------------------------------------------------


def section_context(request, case: Case) -> dict:
    """The ranked providers for one waiting case, with a "propose" button each (the case page's referral
    form, vigil/cases/views.py, does the proposing); nothing once the case has an open referral."""
    user = request.user
    if user.role not in COALITION_ROLES or case.state not in Case.WAITING_STATES:
        return {"show": False}
    if case.referrals.filter(state__in=Referral.OPEN_STATES).exists():
        return {"show": False}
    problem, ranked, excluded = proposals.rank_for_case(case)
    if not problem.cases:
        return {"show": True, "case": case, "left_out": exclusion_text("consent_withdrawn"), "ranked": []}
    subject = problem.cases[0]
    by_id = {p.id: p for p in problem.providers}
    rows = []
    for choice in ranked:
        provider = problem.provider_rows[choice.provider_id]
        rows.append(
            {
                "provider": provider,
                "service": proposals.referral_service(case, provider),
                "service_label": _service_label(case, provider),
                "capacity": by_id[choice.provider_id].capacity,
                "reasons": _reasons(choice.reasons, subject),
            }
        )
    others = [
        {"provider": problem.provider_rows[pid], "why": exclusion_text(why.code, subject, by_id[pid])}
        for pid, why in excluded
    ]
    return {
        "show": True,
        "case": case,
        "ranked": rows,
        "excluded": others,
        "may_propose": user.role == Role.CASEWORKER,
    }


# --- The surge page ------------------------------------------------------------------------------------


def _pairs(values) -> list[tuple[str, str]]:
    out = []
    for value in values:
        case_id, _sep, provider_id = str(value).partition(":")
        if case_id and provider_id and (case_id, provider_id) not in out:
            out.append((case_id, provider_id))
    return out


def _edits(query, pinned, dropped):
    """The row buttons: pin a case to the provider chosen in its row, unpin it, drop a pair, undo a drop."""
    if query.get("pin_case"):
        case_id = query["pin_case"]
        provider_id = query.get(f"pin_to_{case_id}", "")
        pinned = [(c, p) for c, p in pinned if c != case_id]
        if provider_id:
            pinned.append((case_id, provider_id))
            dropped = [pair for pair in dropped if pair != (case_id, provider_id)]
    if query.get("unpin"):
        pinned = [(c, p) for c, p in pinned if c != query["unpin"]]
    for pair in _pairs(query.getlist("drop_pair")):
        pinned = [p for p in pinned if p != pair]
        if pair not in dropped:
            dropped.append(pair)
    for pair in _pairs(query.getlist("undrop")):
        dropped = [p for p in dropped if p != pair]
    return pinned, dropped


def _surge_context(request, organization_id, pinned, dropped) -> dict:
    problem = proposals.surge_problem(organization_id)
    dropped = proposal_actions.usable_drops(problem, dropped)
    pinned, refused = proposal_actions.usable_pins(problem, pinned, dropped)
    cases_by_id = {c.id: c for c in problem.cases}
    providers_by_id = {p.id: p for p in problem.providers}
    for case_id, provider_id, why in refused:
        case_row, provider_row = problem.case_rows.get(case_id), problem.provider_rows.get(provider_id)
        messages.warning(
            request,
            _("The pin of case %(case)s to %(provider)s was removed: %(why)s.")
            % {
                "case": case_row.code if case_row else "—",
                "provider": provider_row.name if provider_row else "—",
                "why": exclusion_text(why, cases_by_id.get(case_id), providers_by_id.get(provider_id)),
            },
        )
    assignment = proposal_actions.solve(problem, pinned, dropped)
    assigned, unassigned = [], []
    for result in assignment.results:
        case_row, case = problem.case_rows[result.case_id], cases_by_id[result.case_id]
        row = {"case": case_row, "tier": result.tier, "pinned": result.pinned}
        row["pin_options"] = [
            problem.provider_rows[p.id]
            for p in problem.providers
            if p.capacity > 0 and eligibility.exclusion(case, p, manual=True) is None and p.id != result.provider_id
        ]
        if result.provider_id is None:
            row["why"] = _unassigned_why(problem, case, result, dropped)
            unassigned.append(row)
            continue
        provider_row = problem.provider_rows[result.provider_id]
        row.update(
            provider=provider_row,
            service_label=_service_label(case_row, provider_row),
            reasons=_reasons(result.reasons, case),
            pair=f"{result.case_id}:{result.provider_id}",
        )
        assigned.append(row)
    objective = assignment.objective
    return {
        "assigned": sorted(assigned, key=_queue_order),
        "unassigned": sorted(unassigned, key=_queue_order),
        "left_out": [{"case": case, "why": exclusion_text(code)} for case, code in problem.left_out],
        "objective": objective,
        "max_share": round(float(objective.max_share) * 100),
        "pinned": [f"{c}:{p}" for c, p in pinned],
        "dropped": [f"{c}:{p}" for c, p in dropped],
        "dropped_rows": [
            {"pair": f"{c}:{p}", "case": problem.case_rows[c], "provider": problem.provider_rows[p]} for c, p in dropped
        ],
        "fingerprint": problem.fingerprint(pinned, dropped),
        "may_approve": request.user.role == Role.CASEWORKER,
        "default_hours": actions.DEFAULT_RESPONSE_HOURS,
    }


def _queue_order(row) -> tuple:
    """As the queue: the highest tier first, then the longest waiting."""
    return (-row["tier"], row["case"].created_at)


def _unassigned_why(problem, case: matching.Case, result: matching.CaseResult, dropped) -> list[str]:
    if any(r.code == "capacity" for r in result.reasons):
        return [_("providers may take it, but their capacity went to more urgent or longer-waiting cases")]
    counts: dict[str, int] = {}
    drops = {p for c, p in dropped if c == case.id}
    for provider in problem.providers:
        why = eligibility.exclusion(case, provider, dropped=provider.id in drops)
        if why is not None:
            text = exclusion_text(why.code, case, provider)
            counts[text] = counts.get(text, 0) + 1
    if not counts:
        return [_("no provider is listed")]
    return [
        ngettext("%(count)s provider: %(why)s", "%(count)s providers: %(why)s", n) % {"count": n, "why": text}
        for text, n in sorted(counts.items(), key=lambda item: -item[1])
    ]


@staff_view(*PROPOSAL_ROLES)
def surge(request):
    organization_id = coalition_organization_id(request)
    query = request.POST if request.method == "POST" else request.GET
    pinned, dropped = _edits(query, _pairs(query.getlist("pin")), _pairs(query.getlist("drop")))
    return render(request, "cases/proposals/surge.html", _surge_context(request, organization_id, pinned, dropped))


@staff_view(Role.CASEWORKER, Role.PROVIDER_STAFF)
@require_POST
def surge_approve(request):
    organization_id = coalition_organization_id(request)
    pinned, dropped = _pairs(request.POST.getlist("pin")), _pairs(request.POST.getlist("drop"))
    pairs = dict(_pairs(request.POST.getlist("pair")))
    try:
        sent = proposal_actions.approve_assignment(
            request.user.organization,
            actor=request.user,
            fingerprint=request.POST.get("fingerprint", ""),
            pairs=pairs,
            pinned=pinned,
            dropped=dropped,
            response_hours=request.POST.get("response_hours", actions.DEFAULT_RESPONSE_HOURS),
        )
    except actions.CaseActionRefused as exc:
        messages.error(request, exc.message)
        context = _surge_context(request, organization_id, pinned, dropped)
        return render(request, "cases/proposals/surge.html", context, status=409)
    messages.success(
        request,
        ngettext("%(count)s referral sent.", "%(count)s referrals sent.", len(sent)) % {"count": len(sent)},
    )
    return redirect("case_queue")
