from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.accounts import audit
from vigil.accounts.access import staff_view
from vigil.accounts.models import Role
from vigil.incidents import actions, corrections, dispatching, labels
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

        # An open offer shows on the responder's own page only; the incident's pages open once accepted.
        return Incident.objects.filter(dispatches__responder=user, dispatches__state__in=Dispatch.ACTIVE).distinct()
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


QUEUE_LIMIT = 100


def _queue(request):
    """Open incidents, newest report first, in two groups: those with a report through a solved challenge
    or a trusted channel (the spam defence's first look), then the rest. Filters: state and borough."""
    from vigil.geo.areas import get_area

    qs = incidents_for_user(request.user).exclude(state="closed").select_related("held_by")
    state = request.GET.get("state", "").strip()
    borough = request.GET.get("borough", "").strip().upper()
    if state in Incident.State.values:
        qs = qs.filter(state=state)
    else:
        state = ""
    area = get_area(borough) if borough else None
    if area is not None and area.kind == "borough":
        qs = qs.filter(borough=area.code)
    else:
        borough = ""
    qs = qs.order_by("-last_report_at")
    groups = [
        (
            _("Incidents with a report that passed the spam check or came by a trusted channel"),
            list(qs.filter(has_solved_submission=True)[:QUEUE_LIMIT]),
        ),
        (_("Other incidents"), list(qs.filter(has_solved_submission=False)[:QUEUE_LIMIT])),
    ]
    for _title, incidents in groups:
        for incident in incidents:
            incident.place = labels.area_label(incident.area or incident.borough)
            incident.state_name = labels.state_label(incident.state)
    return groups, state, borough


@staff_view(*CONSOLE_ROLES)
def queue(request):
    from vigil.incidents.panels import waiting_context

    groups, state, borough = _queue(request)
    template = "incidents/queue_rows.html" if request.htmx else "incidents/queue.html"
    return render(
        request,
        template,
        {
            **({} if request.htmx else waiting_context(request.user, incidents_for_user(request.user))),
            "groups": groups,
            "states": Incident.State.choices,
            "boroughs": labels.borough_choices(),
            "state": state,
            "borough": borough,
            "refresh_seconds": 30,
        },
    )


REPORTS_PAGE_SIZE = 50
# What Report.structured_answers reads.
ANSWER_FIELDS = (
    "id",
    "incident",
    "channel",
    "partner",
    "follow_up_of",
    "people_detained",
    "salute",
    "occurred_at",
    "received_at",
)


@staff_view(*CONSOLE_ROLES)
def incident_detail(request, incident_id):
    from django.core.paginator import Paginator

    from vigil.geo.areas import area_svg
    from vigil.incidents.export import evidence_of
    from vigil.incidents.roster import readers_on_duty
    from vigil.incidents.timeline import timeline_page

    incident = get_incident_for_user(request, incident_id)
    # A page of reports: an incident of a large raid gathers hundreds, each decrypted to be shown.
    reports_page = Paginator(
        incident.reports.select_related("follow_up_of").order_by("received_at", "pk"), REPORTS_PAGE_SIZE
    ).get_page(request.GET.get("reports_page"))
    reports = list(reports_page.object_list)
    audit.record("incident.reports_viewed", actor=request.user, obj=incident, count=len(reports))
    from vigil.incidents import observations
    from vigil.incidents.panels import extra_panels, panel_context

    reads = set(request.user.languages or [])
    unread = {r.language for r in reports if r.language not in reads and r.language != "und"}
    readers = readers_on_duty(request.user.organization_id, unread)
    for report in reports:
        report.language_name = labels.language_label(report.language)
        report.channel_name = labels.channel_label(report.channel)
        report.unread = report.language in unread
        report.readers = readers.get(report.language, [])
    return render(
        request,
        "incidents/detail.html",
        {
            **panel_context(request, incident),
            "panels": extra_panels(request, incident),
            "facts": observations.facts(incident),
            "incident": incident,
            "reports": reports,
            "reports_page": reports_page,
            "timeline": timeline_page(incident, request.GET.get("timeline_page")),
            "place": labels.area_label(incident.area or incident.borough),
            "state_name": labels.state_label(incident.state),
            "map_svg": area_svg(incident.area) if incident.area else "",
            "next_states": [s for s in STATE_ORDER if s in Incident.TRANSITIONS.get(incident.state, ())],
            "state_labels": dict(Incident.State.choices),
            "responders": _ranked_with_language_names(incident, request.user),
            "dispatches": incident.dispatches.select_related("responder"),
            "evidence": evidence_of(incident).exists(),
            # Every report's answers, not only this page's: read in one query, without the reports' text.
            "answers_summary": roll_up(incident.reports.only(*ANSWER_FIELDS).iterator()),
        },
    )


def _ranked_with_language_names(incident, user):
    candidates = rank_responders(incident, _responders(user).select_related("responder"))
    for candidate in candidates:
        candidate.speaks = [labels.language_label(code) for code in candidate.speaks]
    return candidates


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
    import tempfile

    from django.http import FileResponse

    from vigil.incidents.export import write_evidence_archive

    incident = get_incident_for_user(request, incident_id)
    # An unnamed file (gone from the directory as soon as it is made, its space freed when the response
    # closes it), streamed in blocks: never the whole archive in memory.
    out = tempfile.TemporaryFile()
    try:
        write_evidence_archive(incident, out, actor=request.user)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"incident-{str(incident.pk)[:8]}-evidence.zip",
        content_type="application/zip",
    )


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
    # Reports belong to intake, a layer above: incidents reaches them through its own relation, never an import.
    reports = Incident.reports.rel.related_model.objects
    return get_object_or_404(reports.filter(incident__in=incidents_for_user(request.user)), pk=report_id)


def _correction(request, *, source, template, context, confirm):
    """The three steps of a move or merge on one page: choose from the open incidents nearby (GET), see
    what will happen (GET with a choice), confirm (POST). A wrong or stale choice is said in words on the
    same page, with the list to choose again."""
    choices = corrections.candidates(source, incidents_for_user(request.user))
    raw = (request.POST if request.method == "POST" else request.GET).get("target", "")
    context.update({"choices": choices, "source_place": labels.area_label(source.area or source.borough)})
    if request.method != "POST" and not raw and "step" not in request.GET:  # the first visit: the list only
        return render(request, template, context)
    try:
        if raw == "new" and "report" in context:
            choice = None
        else:
            choice = corrections.chosen(choices, raw)
        if request.method == "POST":
            return confirm(choice)
    except actions.CorrectionRefused as refused:
        context["error"] = corrections.refusal_text(refused.code)
        return render(request, template, context, status=400)
    context["preview"] = choice or "new"
    return render(request, template, context)


@staff_view(*CONSOLE_ROLES)
def report_move(request, report_id):
    """Move a report to another open incident nearby, or split it off into a new one (target "new")."""
    report = get_report_for_user(request, report_id)
    source = report.incident

    def confirm(choice):
        if choice is None:
            target = actions.split_report(report, actor=request.user)
        else:
            target = choice.incident
            actions.move_report(report, target, actor=request.user)
        messages.success(request, _("The report was moved."))
        return redirect("incident_detail", incident_id=target.pk)

    context = {
        "incident": source,
        "report": report,
        "report_language": labels.language_label(report.language),
        "report_channel": labels.channel_label(report.channel),
    }
    return _correction(request, source=source, template="incidents/move.html", context=context, confirm=confirm)


@staff_view(*CONSOLE_ROLES)
def incident_merge(request, incident_id):
    """Merge this incident into another open incident nearby: its reports join the other, and it closes."""
    source = get_incident_for_user(request, incident_id)

    def confirm(choice):
        actions.merge(source, choice.incident, actor=request.user)
        messages.success(request, _("The incidents were merged."))
        return redirect("incident_detail", incident_id=choice.incident.pk)

    context = {"incident": source}
    return _correction(request, source=source, template="incidents/merge.html", context=context, confirm=confirm)


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
