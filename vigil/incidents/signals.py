from django.db.models.signals import post_delete
from django.dispatch import receiver

from vigil.accounts.actions import access_changed
from vigil.incidents.models import Evidence


@receiver(post_delete, sender=Evidence)
def remove_sealed_files(sender, instance, **kwargs):
    """Evidence rows go with their incident or report (retention purge, cascade): their files go too."""
    from django.db import transaction

    from vigil.incidents import evidence as files

    def remove():
        files.remove(instance.original_path)
        files.remove(instance.viewing_path)

    transaction.on_commit(remove)


@receiver(access_changed)
def end_what_the_person_held(sender, user, actor, reason, **kwargs):
    """A deactivated account, or one that changed role, keeps no dispatch, no open proposal and (when
    deactivated) no notification address: in the same transaction as the change."""
    from vigil.accounts.models import Role
    from vigil.incidents import notify
    from vigil.incidents.models import Dispatch, TimelineEntry, VerificationProposal
    from vigil.incidents.verification import VERIFIER_ROLES

    if reason == "deactivated" or user.role != Role.RESPONDER:
        ended = list(Dispatch.objects.filter(responder=user, state__in=("offered", *Dispatch.ACTIVE)))
        for dispatch in ended:
            Dispatch.objects.filter(pk=dispatch.pk).update(state=Dispatch.State.WITHDRAWN, check_in_due_at=None)
            TimelineEntry.objects.create(incident_id=dispatch.incident_id, actor=actor, kind="dispatch_withdrawn")
    if reason == "deactivated" or user.role not in VERIFIER_ROLES:
        from django.utils import timezone

        VerificationProposal.objects.filter(proposer=user, state=VerificationProposal.State.OPEN).update(
            state=VerificationProposal.State.WITHDRAWN, closed_at=timezone.now()
        )
    if reason == "deactivated":
        notify.remove_address(user, actor=actor)
