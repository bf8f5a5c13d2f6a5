"""The demo responder's roster entry (idempotent)."""

from vigil.accounts.models import User
from vigil.incidents import actions


def seed(orgs):
    responder = User.objects.filter(username="responder").first()
    if responder is not None and not hasattr(responder, "responder"):
        actions.set_responder_profile(
            responder, areas=["QN", "BX"], languages=["en", "es"], on_call=[], active=True, actor=None
        )
