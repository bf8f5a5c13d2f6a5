"""Field pages: the responder's offers and dispatches with what is needed to find the scene, moves and
check-ins, one tap for help; the dispatcher's answer to a call for help and resolution of disagreeing
observations. Thin views over dispatching.py, scene.py and observations.py."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from vigil.accounts import audit
from vigil.accounts.access import staff_view
from vigil.accounts.models import Role
from vigil.incidents import dispatching, scene
from vigil.incidents.models import Dispatch
from vigil.incidents.views import CONSOLE_ROLES, _uuid_or_404, incidents_for_user

# Shown to the responder: open offers and active dispatches. Access ends with the dispatch.
SHOWN = ("offered", *Dispatch.ACTIVE)


def get_dispatch_for_user(request, dispatch_id) -> Dispatch:
    """The signed-in responder's own dispatch."""
    return get_object_or_404(Dispatch, pk=_uuid_or_404(dispatch_id), responder=request.user)


def get_dispatch_for_console(request, dispatch_id) -> Dispatch:
    """A dispatch on an incident the signed-in dispatcher or admin may see."""
    return get_object_or_404(
        Dispatch.objects.filter(incident__in=incidents_for_user(request.user)), pk=_uuid_or_404(dispatch_id)
    )


# What the responder's buttons say: what they do, not the state they lead to.
MOVE_LABELS = {
    "accepted": _lazy("Accept"),
    "declined": _lazy("Decline"),
    "en_route": _lazy("I am on my way"),
    "on_scene": _lazy("I am on the scene"),
    "safe": _lazy("I am safe and done"),
}
MOVE_ORDER = ("accepted", "en_route", "on_scene", "safe", "declined")


def _move_labels():
    return {state: [(m, MOVE_LABELS[m]) for m in MOVE_ORDER if m in moves] for state, moves in Dispatch.MOVES.items()}


def _languages(user) -> set[str]:
    profile = getattr(user, "responder", None)
    return set(profile.languages) if profile else set()


@staff_view(Role.RESPONDER)
def responder_home(request):
    dispatches = (
        Dispatch.objects.filter(responder=request.user, state__in=SHOWN)
        .select_related("incident")
        .order_by("-offered_at")
    )
    languages = _languages(request.user)
    cards = [scene.card(d, languages=languages) for d in dispatches]
    # Audited when the page is opened, not at each of its self-refreshes.
    for c in [] if request.htmx else cards:
        audit.record(
            "dispatch.scene_viewed",
            actor=request.user,
            obj=c.dispatch,
            to_state=c.dispatch.state,
            count=len(c.reports),
        )
    template = "incidents/responder_cards.html" if request.htmx else "incidents/responder_home.html"
    return render(request, template, {"cards": cards, "moves": _move_labels()})


@staff_view(Role.RESPONDER)
@require_POST
def dispatch_move(request, dispatch_id):
    dispatch = get_dispatch_for_user(request, dispatch_id)
    try:
        dispatching.dispatch_move(dispatch, request.POST.get("to_state", ""), actor=request.user)
    except dispatching.DispatchRefused:
        messages.error(request, _("That step is not possible now (the offer may have expired)."))
    return redirect("responder_home")


@staff_view(Role.RESPONDER)
@require_POST
def ask_for_help(request, dispatch_id):
    dispatch = get_dispatch_for_user(request, dispatch_id)
    try:
        dispatching.ask_for_help(dispatch, actor=request.user)
    except dispatching.DispatchRefused:
        messages.error(request, _("Help can be asked for from an active dispatch only. Call the hotline."))
    else:
        messages.success(request, _("Your call for help is now at the top of every dispatcher's screen."))
    return redirect("responder_home")


@staff_view(*CONSOLE_ROLES)
@require_POST
def answer_help(request, dispatch_id):
    dispatch = get_dispatch_for_console(request, dispatch_id)
    dispatching.answer_help(dispatch, actor=request.user)
    return redirect("incident_detail", incident_id=dispatch.incident_id)


@staff_view(*CONSOLE_ROLES)
@require_POST
def resolve_fact(request, incident_id):
    from vigil.incidents import observations
    from vigil.incidents.views import get_incident_for_user

    incident = get_incident_for_user(request, incident_id)
    try:
        observations.resolve_fact(
            incident,
            request.POST.get("field", ""),
            _uuid_or_404(request.POST.get("observation", "")),
            actor=request.user,
        )
    except observations.ObservationRefused:
        messages.error(request, _("Choose one of the values the observers gave."))
    return redirect("incident_detail", incident_id=incident.pk)


NOTICE_ROLES = (Role.RESPONDER, Role.DISPATCHER, Role.ADMIN)
ADDRESS_MESSAGES = {
    "number": _lazy("That is not a phone number we can text. Write it with the area code, like 718 555 0142."),
    "wrong_code": _lazy("That code is not right. Check the text message and try again."),
    "expired": _lazy("That code has expired or was tried too often. Send a new code."),
    "nothing_to_confirm": _lazy("There is no number waiting for a code."),
}


@staff_view(*NOTICE_ROLES)
def notification_address(request):
    """The signed-in person's own number for notices: set it, confirm it with the code, or remove it."""
    from vigil.incidents import notify

    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            if step == "set":
                notify.set_address(request.user, request.POST.get("number", ""))
                messages.success(request, _("We sent a code to that number. Type it below."))
            elif step == "confirm":
                notify.confirm_address(request.user, request.POST.get("code", ""))
                messages.success(request, _("Your number is confirmed: notices will come to it."))
            elif step == "remove":
                notify.remove_address(request.user)
                messages.success(request, _("Your number is removed."))
        except notify.AddressRefused as exc:
            messages.error(request, str(ADDRESS_MESSAGES.get(exc.code, ADDRESS_MESSAGES["number"])))
        return redirect("notification_address")
    row = getattr(request.user, "notification_address", None)
    # The person's own number, shown only by its last two digits (a screen may be seen by others).
    ending = row.address[-2:] if row is not None and row.address else ""
    return render(request, "incidents/notification_address.html", {"row": row, "ending": ending})


@staff_view(*CONSOLE_ROLES)
@require_POST
def report_contact(request, report_id):
    """The call-back is a dispatcher's: the reporter's contact, shown on request (a POST, audited), never in
    the incident page itself, and never to responders."""
    from vigil.incidents.views import get_report_for_user

    report = get_report_for_user(request, report_id)
    # An addition keeps no contact of its own: the reporter's is on the report it adds to.
    first = report.first_report
    if not first.contact:
        return redirect("incident_detail", incident_id=report.incident_id)
    from vigil.incidents import labels

    audit.record("report.contact_viewed", actor=request.user, obj=first)
    language = labels.language_label(first.language) if first.language != "und" else ""
    return render(
        request,
        "incidents/report_contact.html",
        {"report": first, "incident_id": report.incident_id, "language": language},
    )
