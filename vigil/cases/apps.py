from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "vigil.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self):
        """A daily sweep that expires referrals past their deadline (each sent referral has its own durable
        expiry job at its deadline, so the sweep only catches what that missed); what the purge keeps for a
        case under legal hold."""
        from vigil.privacy.registry import register_purge_guard
        from vigil.work.registry import register_periodic

        register_periodic("vigil.cases.jobs.expire_overdue_referrals", every="day")
        # A legal hold on a case keeps its incident and the incident's detention records.
        register_purge_guard("incidents.incident", held_case_incident_ids)
        register_purge_guard("incidents.detentionrecord", held_case_detention_record_ids)
        # A family's updates go through messaging, addressed to the relative while their consent holds.
        from vigil import messaging
        from vigil.cases.family_actions import RECIPIENT_KIND, resolve_contact

        messaging.register_resolver(RECIPIENT_KIND, resolve_contact)
        # Reactions to case actions, registered here so the case actions import none of these modules.
        from vigil.cases import document_jobs, reactions
        from vigil.cases.family_actions import status_changed
        from vigil.cases.locating_actions import locate_task_done
        from vigil.cases.proposal_actions import propose_next_best
        from vigil.cases.sharing_actions import case_closed
        from vigil.privacy.registry import register_sealed_elsewhere

        reactions.register(reactions.STATE_CHANGED, status_changed)
        reactions.register(reactions.STATE_CHANGED, case_closed)  # closing a case revokes its shares
        reactions.register(reactions.LOCATE_TASK_DONE, locate_task_done)
        reactions.register(reactions.REFERRAL_ENDED, propose_next_best)  # the next-best provider is proposed
        # A case's document files: sealed again at key rotation; files no row names swept daily.
        register_sealed_elsewhere("cases.document_files", document_jobs.reseal_all)
        register_periodic("vigil.cases.document_jobs.sweep_orphan_documents", every="day")


def held_case_incident_ids():
    from vigil.cases.models import Case

    return Case.objects.filter(legal_hold=True, incident__isnull=False).values("incident_id")


def held_case_detention_record_ids():
    from vigil.incidents.models import DetentionRecord

    return DetentionRecord.objects.filter(incident_id__in=held_case_incident_ids()).values("pk")
