"""What incidents tells people through messaging: a responder that an offer waits, on-duty dispatchers
that a responder asked for help or that a verification proposal waits.

Messages carry only a neighborhood and a link: never the scene, the reports or anyone's name, since they
show on locked screens. They go to the notification address a person set on their own page (confirmed by
a code, sealed); a person without one sees the same on their page, which refreshes itself.
"""

from __future__ import annotations


def offer_waiting(dispatch) -> None:
    """Queued on commit of the offer: the responder's page shows it in any case."""


def help_requested(dispatch) -> None:
    """Queued on commit of the call for help: every console of the incident shows it in any case."""
