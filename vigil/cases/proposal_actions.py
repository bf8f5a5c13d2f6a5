"""Changes made from the matcher's proposals (docs/cases.md, "Proposals"): approving a proposed assignment
of all waiting cases as one action, and proposing the next-best provider when a referral is declined or
expires (a reaction registered in CasesConfig.ready). Each goes through the referral actions, which check
every pair again and write their own timeline and audit events."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from vigil.accounts import audit
from vigil.cases import actions, matching, proposals
from vigil.cases.actions import CaseActionRefused
from vigil.cases.models import Case, Referral


class ProposalStale(CaseActionRefused):
    """The cases or providers changed since the proposal was shown: nothing was done."""

    def __init__(self):
        super().__init__(
            "proposal_stale",
            _(
                "The cases or the providers changed since this proposal was shown (a case no longer waits, or a "
                "provider's capacity moved): nothing was sent. Below is the proposal for them now."
            ),
        )


def usable_pins(problem: proposals.Problem, pinned, dropped) -> tuple[list, list]:
    """The caseworker's pins the matcher can keep, and those it cannot (a case gone, a pair now refused, more
    pins to a provider than its capacity left): the page shows the second list and drops it."""
    dropped = set(dropped)
    kept, refused, seen, used = [], [], set(), {}
    capacity = {p.id: p.capacity for p in problem.providers}
    for case_id, provider_id in pinned:
        why = proposals.exclusion_for_pin(problem, case_id, provider_id)
        if why is None and (case_id in seen or (case_id, provider_id) in dropped):
            why = "unknown"
        if why is None and used.get(provider_id, 0) >= capacity[provider_id]:
            why = "capacity"
        if why is None:
            kept.append((case_id, provider_id))
            seen.add(case_id)
            used[provider_id] = used.get(provider_id, 0) + 1
        else:
            refused.append((case_id, provider_id, why))
    return kept, refused


def usable_drops(problem: proposals.Problem, dropped) -> list:
    cases, providers = set(problem.case_rows), set(problem.provider_rows)
    return [(c, p) for c, p in dropped if c in cases and p in providers]


def solve(problem: proposals.Problem, pinned, dropped) -> matching.Assignment:
    return matching.assign(problem.cases, problem.providers, pinned=pinned, dropped=dropped)


def approve_assignment(
    organization, *, actor, fingerprint: str, pairs: dict[str, str], pinned=(), dropped=(), response_hours
) -> list[Referral]:
    """Send every proposed referral of an approved assignment, all or none.

    Steps:
    1. Lock the providers' rows (as sending does, so capacity cannot be taken twice), then the waiting cases.
    2. Build the matcher's input again; refuse the whole approval (ProposalStale) unless its fingerprint is
       the one the caseworker saw and the matcher, given the same pins and drops, proposes the same pairs.
    3. For each pair, propose and send through the referral actions (which check it again); a case's own
       proposed referral to the same provider is sent as it is, one to another provider withdrawn first.
       Any refusal undoes the whole approval.
    4. One audit event for the approval, with the number of referrals sent.
    """
    with transaction.atomic():
        problem = proposals.surge_problem(organization.pk, lock=True)
        if problem.fingerprint(pinned, dropped) != fingerprint:
            raise ProposalStale()
        kept, refused = usable_pins(problem, pinned, dropped)
        if refused:
            raise ProposalStale()
        assignment = solve(problem, kept, usable_drops(problem, dropped))
        proposed = {case_id: provider_id for case_id, provider_id in assignment.pairs.items() if provider_id}
        if proposed != pairs or not proposed:
            raise ProposalStale()
        sent = []
        for case_id, provider_id in proposed.items():
            case, provider = problem.case_rows[case_id], problem.provider_rows[provider_id]
            service = proposals.referral_service(case, provider)
            referral = problem.proposed.get(case_id)
            if referral is not None and (referral.provider_id != provider.pk or referral.service != service):
                actions.withdraw_referral(referral, actor=actor)
                referral = None
            if referral is None:
                referral = actions.propose_referral(case, provider, service, actor=actor)
            sent.append(actions.send_referral(referral, actor=actor, response_hours=response_hours))
        audit.record("referral.proposal_approved", actor=actor, organization=organization, count=len(sent))
    return sent


def propose_next_best(referral: Referral) -> Referral | None:
    """After a decline or an expiry, inside its transaction: propose (not send) the case to the best-ranked
    provider that may take it, leaving out every provider that declined it or let it expire. None, and the
    case just waits in the queue, when no provider may take it."""
    if referral.state not in (Referral.State.DECLINED, Referral.State.EXPIRED):
        return None
    case = Case.objects.get(pk=referral.case_id)
    if case.state not in Case.WAITING_STATES or case.referrals.filter(state__in=Referral.OPEN_STATES).exists():
        return None
    problem, ranked, _excluded = proposals.rank_for_case(case, dropped=proposals.tried_provider_ids(case))
    for choice in ranked:
        provider = problem.provider_rows[choice.provider_id]
        service = proposals.referral_service(case, provider)
        if service is None:
            continue
        try:
            return actions.propose_referral(case, provider, service, actor=None)
        except CaseActionRefused:
            continue  # a check the matcher does not make (none expected): try the next
    return None
