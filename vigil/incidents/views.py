from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.accounts import audit
from vigil.accounts.access import staff_view
from vigil.accounts.models import Role
from vigil.incidents import actions, dispatching
from vigil.incidents.answers import roll_up
from vigil.incidents.models import Incident
from vigil.incidents.roster import format_hours, parse_hours, rank_responders

CONSOLE_ROLES = (Role.DISPATCHER, Role.ADMIN)
# The next steps of verification, in the order a dispatcher usually takes them; the risky ones last.
# "verified" is not among them: it takes a basis (the verification panel, verification_views.py).
STATE_ORDER = ["verifying", "unconfirmed", "closed", "false_alarm"]


def incidents_for_user(user):
    """Dispatchers and admins: incidents from public intake (the whole network's) and their organization's.
    Responders: only incidents they were dispatched to."""
    if user.role == Role.RESPONDER:
        from vigil.incidents.models import Dispatch

        return Incident.objects.filter(
            dispatches__responder=user, dispatches__state__in=("offered", *Dispatch.ACTIVE)
        ).distinct()
    if user.role not in CONSOLE_ROLES:
        return Incident.objects.none()
    return Incident.objects.filter(Q(organization__isnull=True) | Q(organization=user.organization))


def _uuid_or_404(value):
    """Ids typed into forms (merge targets, moves) that are not ids are 404s, not 500s."""
    import uuid

    from django.http import Http404

    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def get_incident_for_user(request, incident_id) -> Incident:
    return get_object_or_404(incidents_for_user(request.user), pk=_uuid_or_404(incident_id))


def _queue(request):
    qs = incidents_for_user(request.user).exclude(state="closed")
    area = request.GET.get("area", "").strip()
    state = request.GET.get("state", "").strip()
    if area:
        qs = qs.filter(Q(area=area) | Q(borough=area))
    if state in Incident.State.values:
        qs = qs.filter(state=state)
    return qs.order_by("-has_solved_submission", "-last_report_at")[:100]


@staff_view(*CONSOLE_ROLES)
def queue(request):
    from vigil.incidents.verification_views import waiting_context

    template = "incidents/queue_rows.html" if request.htmx else "incidents/queue.html"
    return render(
        request,
        template,
        {
            **({} if request.htmx else waiting_context(request.user)),
            "incidents": _queue(request),
            "states": Incident.State.choices,
            "area": request.GET.get("area", ""),
            "state": request.GET.get("state", ""),
        },
    )


@staff_view(*CONSOLE_ROLES)
def incident_detail(request, incident_id):
    from vigil.geo.areas import area_svg, get_area

    incident = get_incident_for_user(request, incident_id)
    reports = list(incident.reports.order_by("received_at"))
    audit.record("incident.reports_viewed", actor=request.user, obj=incident, count=len(reports))
    area = get_area(incident.area) if incident.area else None
    from vigil.incidents import observations
    from vigil.incidents.verification_views import panel_context

    return render(
        request,
        "incidents/detail.html",
        {
            **panel_context(request, incident),
            "facts": observations.facts(incident),
            "incident": incident,
            "reports": reports,
            "timeline": incident.timeline.select_related("actor"),
            "area": area,
            "map_svg": area_svg(incident.area) if incident.area else "",
            "next_states": [s for s in STATE_ORDER if s in Incident.TRANSITIONS.get(incident.state, ())],
            "state_labels": dict(Incident.State.choices),
            "responders": rank_responders(incident, _responders(request.user).select_related("responder")),
            "dispatches": incident.dispatches.select_related("responder"),
            "evidence": list(incident.evidence.all()) + [e for r in reports for e in r.evidence.all()],
            "answers_summary": roll_up(reports),
        },
    )


@staff_view(*CONSOLE_ROLES)
@require_POST
def incident_transition(request, incident_id):
    incident = get_incident_for_user(request, incident_id)
    to_state = request.POST.get("to_state", "")
    try:
        actions.transition(incident, to_state, actor=request.user, reason=request.POST.get("reason", ""))
    except actions.TransitionRefused:
        messages.error(request, _("That change is not possible from the incident's current state, or needs a reason."))
        return redirect("incident_detail", incident_id=incident.pk)
    return redirect("incident_detail", incident_id=incident.pk)


@staff_view(*CONSOLE_ROLES)
@require_POST
def incident_hold(request, incident_id):
    incident = get_incident_for_user(request, incident_id)
    if not actions.take_hold(incident, actor=request.user):
        messages.error(request, _("Someone else is working on this incident."))
    return redirect("incident_detail", incident_id=incident.pk)


@staff_view(Role.ADMIN)
@require_POST
def incident_break_hold(request, incident_id):
    incident = get_incident_for_user(request, incident_id)
    actions.break_hold(incident, actor=request.user)
    return redirect("incident_detail", incident_id=incident.pk)


FIELD_ROLES = (Role.DISPATCHER, Role.ADMIN, Role.RESPONDER)


def _responders(user):
    from vigil.accounts.models import User

    return User.objects.filter(role=Role.RESPONDER, is_active=True, organization=user.organization).order_by("username")


@staff_view(*CONSOLE_ROLES)
@require_POST
def incident_offer(request, incident_id):
    incident = get_incident_for_user(request, incident_id)
    responder = get_object_or_404(_responders(request.user), pk=_uuid_or_404(request.POST.get("responder", "")))
    dispatching.offer(incident, responder, actor=request.user)
    return redirect("incident_detail", incident_id=incident.pk)


@staff_view(*FIELD_ROLES)
def incident_document(request, incident_id):
    """Each submission is the signed-in person's own observation; the page lists what everyone said."""
    from vigil.incidents import observations
    from vigil.incidents.forms import DocumentationForm

    incident = get_incident_for_user(request, incident_id)
    form = DocumentationForm()
    if request.method == "POST":
        form = DocumentationForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            notes, first_hand = data.pop("field_notes"), data.pop("first_hand")
            observations.record_observation(incident, data, actor=request.user, notes=notes, first_hand=first_hand)
            messages.success(request, _("Saved."))
            return redirect("incident_document", incident_id=incident.pk)
    else:
        audit.record("incident.documentation_viewed", actor=request.user, obj=incident)
    context = {"incident": incident, "form": form, "facts": observations.facts(incident)}
    return render(request, "incidents/document.html", context, status=400 if form.is_bound else 200)


@staff_view(*FIELD_ROLES)
@require_POST
def evidence_upload(request, incident_id):
    from vigil.incidents import evidence as files

    incident = get_incident_for_user(request, incident_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a photo or video to upload."))
        return redirect("incident_document", incident_id=incident.pk)
    try:
        actions.add_evidence(data=upload.read(), incident=incident, actor=request.user)
    except files.EvidenceRefused as exc:
        messages.error(request, files_message(exc.code))
        return render(
            request,
            "incidents/document.html",
            {"incident": incident, "form": None, "upload_error": files_message(exc.code)},
            status=400,
        )
    messages.success(request, _("Evidence saved."))
    return redirect("incident_document", incident_id=incident.pk)


def files_message(code: str) -> str:
    return {
        "type": _("Only photos (JPEG, PNG, WebP) and videos (MP4, MOV, WebM) can be uploaded."),
        "too_large": _("This file is too large."),
        "too_many": _("Please send at most three photos or videos."),
        "unreadable": _("This file could not be read. Is it a complete photo or video?"),
    }.get(code, _("This file could not be accepted."))


@staff_view(*CONSOLE_ROLES)
def evidence_export(request, incident_id):
    from django.http import HttpResponse

    incident = get_incident_for_user(request, incident_id)
    archive = actions.export_evidence(incident, actor=request.user)
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="incident-{str(incident.pk)[:8]}-evidence.zip"'
    return response


def get_evidence_for_user(request, evidence_id):
    from vigil.incidents.models import Evidence

    visible = incidents_for_user(request.user)
    return get_object_or_404(
        Evidence.objects.filter(Q(incident__in=visible) | Q(report__incident__in=visible)), pk=evidence_id
    )


@staff_view(*FIELD_ROLES)
def evidence_view(request, evidence_id):
    from django.http import HttpResponse

    from vigil.incidents import evidence as files

    item = get_evidence_for_user(request, evidence_id)
    data = files.open_sealed(item.viewing_path, item.pk, "viewing")
    audit.record("evidence.viewed", actor=request.user, obj=item)
    response = HttpResponse(data, content_type=item.media_type)
    response["Content-Disposition"] = "inline"
    return response


def get_report_for_user(request, report_id):
    from vigil.intake.models import Report

    return get_object_or_404(Report.objects.filter(incident__in=incidents_for_user(request.user)), pk=report_id)


@staff_view(*CONSOLE_ROLES)
@require_POST
def report_move(request, report_id):
    """Move a report to another incident, or split it off into a new one (target "new")."""
    report = get_report_for_user(request, report_id)
    target_id = request.POST.get("target", "")
    if target_id == "new":
        target = actions.split_report(report, actor=request.user)
    else:
        target = get_incident_for_user(request, target_id)
        actions.move_report(report, target, actor=request.user)
    return redirect("incident_detail", incident_id=target.pk)


@staff_view(*CONSOLE_ROLES)
@require_POST
def incident_merge(request, incident_id):
    source = get_incident_for_user(request, incident_id)
    target = get_incident_for_user(request, request.POST.get("target", ""))
    actions.merge(source, target, actor=request.user)
    return redirect("incident_detail", incident_id=target.pk)


@staff_view(*CONSOLE_ROLES)
def roster(request):
    """Responders of the organization: areas, languages and on-call hours, kept by dispatchers."""
    from django.conf import settings as conf

    from vigil.geo.areas import get_area

    people = list(_responders(request.user).select_related("responder"))
    errors = {}
    if request.method == "POST":
        user = get_object_or_404(_responders(request.user), pk=_uuid_or_404(request.POST.get("user", "")))
        areas = [a.strip().upper() for a in request.POST.get("areas", "").split(",") if a.strip()]
        languages = [code for code in request.POST.getlist("languages") if code in dict(conf.LANGUAGES)]
        unknown = [a for a in areas if get_area(a) is None]
        try:
            hours = parse_hours(request.POST.get("on_call", ""))
        except ValueError:
            hours = None
        if unknown:
            errors[str(user.pk)] = _("Unknown area codes: %(codes)s") % {"codes": ", ".join(unknown)}
        elif hours is None:
            errors[str(user.pk)] = _("Write hours like: mon 18:00-23:00, sat 08:00-20:00")
        else:
            actions.set_responder_profile(
                user,
                areas=areas,
                languages=languages,
                on_call=hours,
                active=bool(request.POST.get("active")),
                actor=request.user,
            )
            return redirect("roster")
    rows = []
    for person in people:
        profile = getattr(person, "responder", None)
        rows.append(
            {
                "user": person,
                "areas": ", ".join(profile.areas) if profile else "",
                "languages": profile.languages if profile else [],
                "hours": format_hours(profile.on_call) if profile else "",
                "active": profile.active if profile else True,
                "error": errors.get(str(person.pk)),
            }
        )
    return render(
        request, "incidents/roster.html", {"rows": rows, "languages": conf.LANGUAGES}, status=400 if errors else 200
    )
