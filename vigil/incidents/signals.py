from django.db.models.signals import post_delete
from django.dispatch import receiver

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
