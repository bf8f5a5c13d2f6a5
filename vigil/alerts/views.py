"""Alerts pages: public subscription (no JavaScript needed) and the staff console (provider status
callbacks are messaging's).

Views parse, authorize, call an action and render. Alerts are looked up only through
`get_alert_for_user`, which keeps each organization to its own alerts.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_time
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from vigil.accounts.access import public, staff_view
from vigil.accounts.models import Role
from vigil.alerts import actions, progress, segments, texts
from vigil.alerts.conf import conf
from vigil.alerts.models import Alert, Channel, Subscriber
from vigil.lib.counters import count_once
from vigil.lib.normalize import InvalidAddress

SENDER_ROLES = (Role.DISPATCHER, Role.ADMIN)

SUBSCRIBE_ERRORS = {
    "channel": gettext_lazy("Choose how you want to receive alerts."),
    "address": gettext_lazy("We could not read that phone number or e-mail address. Please check it."),
    "language": gettext_lazy("Choose a language."),
    "areas": gettext_lazy("Choose at least one borough or neighborhood (at most 20)."),
    "too_many_codes": gettext_lazy("Too many codes were sent to this address today. Please try again tomorrow."),
    "rate": gettext_lazy("Many sign-ups came from your network just now. Please wait a few minutes and try again."),
}


# --------------------------------------------------------------------------------------------
# Public pages
# --------------------------------------------------------------------------------------------


def _over_subscribe_rate(client_key: str) -> bool:
    """Sign-ups per client-address hash per hour (the hash of the foundation; never the address)."""
    bucket = int(time.time() // 3600)
    count = count_once(f"vigil:alerts:subscribe:{client_key}:{bucket}", ttl_seconds=3700)
    return count > conf.SUBSCRIBE_RATE


def _subscribe_context(values=None, errors=None, asked=()):
    """The sign-up form's context. Each borough's neighborhoods are listed only when asked for (`?hoods=QN`,
    a link per borough) or when one of them is chosen: all 262 at once would put the page over its
    first-load budget of 25 KB (docs/pages.md); the boroughs' links keep the others open."""
    from vigil.geo.areas import neighborhoods_by_borough

    values = values or {}
    chosen = set(values.get("areas", []))
    boroughs = neighborhoods_by_borough()
    listed = {code for code, _name, hoods in boroughs if code in asked or any(nta in chosen for nta, _ in hoods)}
    return {
        "values": values,
        "errors": errors or {},
        "boroughs": boroughs,
        # (code, name, neighborhoods listed or None, the link that lists them beside those already listed)
        "hood_groups": [
            (
                code,
                name,
                hoods if code in listed else None,
                "?"
                + urlencode([("lang", get_language()), *(("hoods", c) for c in sorted(listed | {code}))])
                + f"#hoods-{code}",
            )
            for code, name, hoods in boroughs
        ],
        "channels": Channel.choices,
        "alert_languages": settings.LANGUAGES,
        "chosen_areas": chosen,
        "sms_number": conf.SMS_NUMBER,
        "whatsapp_number": conf.WHATSAPP_NUMBER,
        "join_word": texts.pack_for(values.get("language") or get_language()).join_word,
    }


@public
@require_http_methods(["GET", "POST"])
def subscribe(request):
    if request.method == "GET":
        asked = request.GET.getlist("hoods")[:10]
        return render(request, "alerts/subscribe.html", _subscribe_context({"language": get_language()}, asked=asked))
    values = {
        "channel": request.POST.get("channel", ""),
        "address": request.POST.get("address", "")[:254],
        "language": request.POST.get("language", ""),
        "areas": [code for code in request.POST.getlist("areas") if code][:50],
    }
    if request.POST.get("website"):
        # The honeypot field people never see: bots get the same page and nothing is stored or sent.
        return render(request, "alerts/check_code.html", {"token": "", "channel": values["channel"]})
    errors = {}
    if _over_subscribe_rate(request.client_key):
        errors["form"] = SUBSCRIBE_ERRORS["rate"]
        return render(request, "alerts/subscribe.html", _subscribe_context(values, errors), status=429)
    try:
        subscriber = actions.subscribe(
            channel=values["channel"],
            address=values["address"],
            language=values["language"],
            areas=values["areas"],
            via="web",
        )
    except InvalidAddress:
        errors["address"] = SUBSCRIBE_ERRORS["address"]
    except actions.SubscriptionError as exc:
        if exc.code == "too_many_codes":
            errors["form"] = SUBSCRIBE_ERRORS["too_many_codes"]
        else:
            field = exc.code if exc.code in ("channel", "language", "areas") else "areas"
            errors[field] = SUBSCRIBE_ERRORS[field]
    if errors:
        values["address"] = ""  # never echo an address back into a page
        status = 429 if "form" in errors else 400
        return render(request, "alerts/subscribe.html", _subscribe_context(values, errors), status=status)
    return redirect(reverse("alerts_confirm") + "?t=" + actions.confirm_token(subscriber))


@public
@require_http_methods(["GET", "POST"])
def confirm(request):
    token = request.POST.get("t") or request.GET.get("t", "")
    subscriber = actions.subscriber_from_token(token, purpose="confirm")
    context = {"token": token, "channel": subscriber.channel if subscriber else ""}
    if subscriber is not None and subscriber.channel == Channel.WHATSAPP and actions.awaiting_code(subscriber):
        # WhatsApp: the person sends the code to us, which proves the number is theirs.
        context["whatsapp_code"] = actions.confirmation_code(subscriber)
        context["whatsapp_number"] = conf.WHATSAPP_NUMBER
    if request.method == "GET":
        if subscriber is not None and subscriber.state == Subscriber.State.ACTIVE and not subscriber.pending_areas:
            return render(request, "alerts/subscribed.html", {"subscriber": subscriber})
        return render(request, "alerts/check_code.html", context)
    code = actions.parse_code(request.POST.get("code", ""))
    outcome = "bad" if subscriber is None or code is None else actions.confirm(subscriber, code)
    if outcome == "ok":
        return render(request, "alerts/subscribed.html", {"subscriber": subscriber})
    context["error"] = {
        "bad": _("That code is not right. Please check it and try again."),
        "locked": _("Too many wrong codes. Please start again from the sign-up page."),
        "expired": _("This code has expired. Please start again from the sign-up page."),
        "nothing": _("There is nothing to confirm. Please start again from the sign-up page."),
    }[outcome]
    return render(request, "alerts/check_code.html", context, status=400)


@public
@csrf_exempt  # one-click unsubscribe (RFC 8058) is posted by mail software; the signed token authenticates
@require_http_methods(["GET", "POST"])
def unsubscribe(request):
    token = request.GET.get("t", "") or request.POST.get("t", "")
    subscriber = actions.subscriber_from_token(token, purpose="unsubscribe")
    if request.method == "GET":
        return render(request, "alerts/unsubscribe.html", {"token": token, "known": subscriber is not None})
    if subscriber is not None:
        actions.unsubscribe(subscriber, via="link")
    # The same answer whether or not the token named someone still subscribed.
    return render(request, "alerts/unsubscribed.html", {})


# --------------------------------------------------------------------------------------------
# Staff: alerts
# --------------------------------------------------------------------------------------------


def alerts_for_user(user):
    """Dispatchers and admins see their own organization's alerts; nobody else sees any."""
    if not user.is_authenticated or user.role not in SENDER_ROLES:
        return Alert.objects.none()
    return Alert.objects.filter(organization=user.organization)


def get_alert_for_user(user, alert_id) -> Alert:
    return get_object_or_404(alerts_for_user(user).select_related("incident", "created_by", "approved_by"), pk=alert_id)


@staff_view(*SENDER_ROLES)
def alert_list(request):
    alerts = alerts_for_user(request.user).select_related("created_by")[:100]
    return render(request, "alerts/alert_list.html", {"alerts": alerts})


def _incident_for(request, incident_id):
    """Through the incidents' own access rule; a malformed id and another organization's look the same."""
    from django.core.exceptions import ValidationError

    from vigil.incidents.models import Incident
    from vigil.incidents.views import incidents_for_user

    try:
        return incidents_for_user(request.user).get(pk=incident_id)
    except (Incident.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def _parse_event_time(raw: str):
    """HH:MM today in the deployment's time zone; None when empty or malformed."""
    parsed = parse_time(raw.strip()) if raw else None
    if parsed is None:
        return None
    local = timezone.localtime()
    return local.replace(hour=parsed.hour, minute=parsed.minute, second=0, microsecond=0)


@staff_view(*SENDER_ROLES)
@require_http_methods(["GET", "POST"])
def alert_compose(request):
    from vigil.geo.areas import neighborhoods_by_borough

    incident_id = request.POST.get("incident") or request.GET.get("incident", "")
    incident = _incident_for(request, incident_id) if incident_id else None
    context = {
        "incident": incident,
        "kinds": [(k, v) for k, v in Alert.Kind.choices if (k == "reminder") == (incident is None)],
        "boroughs": neighborhoods_by_borough(),
        "now": timezone.localtime().strftime("%H:%M"),
    }
    if incident is not None:
        context["has_original"] = actions.sent_originals(incident.pk).exists()
        context["blocked_verified"] = incident.state != "verified"
        from vigil.geo.names import area_label

        context["incident_place"] = area_label(incident.area) or area_label(incident.borough)
    if request.method == "GET":
        return render(request, "alerts/compose.html", context)
    try:
        alert = actions.compose_alert(
            actor=request.user,
            kind=request.POST.get("kind", ""),
            incident=incident,
            area=request.POST.get("area", "").strip(),
            event_time=_parse_event_time(request.POST.get("event_time", "")),
            target_areas=request.POST.getlist("areas"),
            needs_approval=request.POST.get("needs_approval") == "1",
            name_place=request.POST.get("name_place") == "1",
            place_reason=request.POST.get("place_reason", ""),
        )
    except actions.AlertRefused as exc:
        context["error"] = exc.message
        return render(request, "alerts/compose.html", context, status=400)
    return redirect("alert_detail", alert_id=alert.pk)


def _preview(alert: Alert) -> list[dict]:
    """Every language as it will go out, with SMS segments and who reads it."""
    estimate = actions_estimate(alert)
    rows = []
    for code, name in settings.LANGUAGES:
        rendered = alert.texts.get(code)
        if not rendered:
            continue
        count = segments.count(rendered["sms"])
        rows.append(
            {
                "code": code,
                "name": name,
                "text": rendered["text"],
                "sms": rendered["sms"],
                "subject": rendered["subject"],
                "segments": count,
                "reviewed": rendered["reviewed"],
                "fallback": rendered["fallback"],
                "people": {ch: estimate.get((ch, code), 0) for ch in Channel.values},
                "whatsapp_template": actions.whatsapp_template_registered(rendered),
                "rtl": code in settings.LANGUAGES_BIDI,
            }
        )
    return rows


def actions_estimate(alert: Alert) -> dict:
    from vigil.alerts import targeting

    if alert.state == Alert.State.DRAFT:
        return targeting.estimate(alert)
    counts = alert.deliveries.values("channel", "language").annotate(n=Count("id"))
    return {(row["channel"], row["language"]): row["n"] for row in counts}


@staff_view(*SENDER_ROLES)
def alert_detail(request, alert_id):
    alert = get_alert_for_user(request.user, alert_id)
    preview = _preview(alert)
    unreviewed = [row["code"] for row in preview if not row["reviewed"] and sum(row["people"].values())]
    return render(
        request,
        "alerts/detail.html",
        {
            "alert": alert,
            "preview": preview,
            "blockers": [actions.REFUSALS[c] for c in actions.send_blockers(alert)] if alert.state == "draft" else [],
            "unreviewed": unreviewed,
            "can_approve": alert.state == "draft" and alert.created_by_id != request.user.pk and not alert.approved,
            "progress": progress.for_alert(alert),
            "total_people": sum(sum(row["people"].values()) for row in preview),
        },
    )


@staff_view(*SENDER_ROLES)
def alert_progress(request, alert_id):
    alert = get_alert_for_user(request.user, alert_id)
    return render(request, "alerts/progress.html", {"alert": alert, "progress": progress.for_alert(alert)})


def _alert_step(request, alert_id, step):
    """One staff step on an alert (approve, send, stop), then back to its page: what was done, or the
    refusal in words, with the languages it concerns."""
    alert = get_alert_for_user(request.user, alert_id)
    try:
        done = step(alert)
        if done:
            messages.success(request, done)
    except actions.AlertRefused as exc:
        languages = f" ({', '.join(exc.languages)})" if exc.languages else ""
        messages.error(request, f"{exc.message}{languages}")
    return redirect("alert_detail", alert_id=alert.pk)


@staff_view(*SENDER_ROLES)
@require_POST
def alert_approve(request, alert_id):
    def approve(alert):
        actions.approve_alert(alert, actor=request.user)
        return _("Approved. It can be sent now.")

    return _alert_step(request, alert_id, approve)


@staff_view(*SENDER_ROLES)
@require_POST
def alert_send(request, alert_id):
    def send(alert):
        confirm = request.POST.get("confirm_unreviewed") == "1"
        count = actions.send_alert(alert, actor=request.user, confirm_unreviewed=confirm)
        return _("Sending to %(count)s people.") % {"count": count}

    return _alert_step(request, alert_id, send)


@staff_view(*SENDER_ROLES)
@require_POST
def alert_cancel(request, alert_id):
    def cancel(alert):
        actions.cancel_alert(alert, actor=request.user)

    return _alert_step(request, alert_id, cancel)


# --------------------------------------------------------------------------------------------
# Staff: subscribers
# --------------------------------------------------------------------------------------------


@staff_view(Role.ADMIN)
def subscriber_counts(request):
    """Counts by channel and language, and by area: never an address."""
    from vigil.alerts.models import SubscriberArea

    active = Subscriber.objects.filter(state=Subscriber.State.ACTIVE)
    by_channel = active.values("channel", "language").annotate(n=Count("id")).order_by("channel", "language")
    by_area = (
        SubscriberArea.objects.filter(subscriber__state=Subscriber.State.ACTIVE)
        .values("code")
        .annotate(n=Count("id"))
        .order_by("-n", "code")
    )
    from vigil.geo.areas import get_area

    areas = [
        {"code": row["code"], "name": getattr(get_area(row["code"]), "name", row["code"]), "n": row["n"]}
        for row in by_area
    ]
    states = dict(Subscriber.objects.values_list("state").annotate(n=Count("id")))
    labels = dict(Channel.choices)
    return render(
        request,
        "alerts/subscribers.html",
        {
            "by_channel": [{**row, "channel_label": labels.get(row["channel"], row["channel"])} for row in by_channel],
            "areas": areas,
            "states": {label: states.get(value, 0) for value, label in Subscriber.State.choices},
            "may_list": actions.may_list_addresses(request.user),
        },
    )


@staff_view(Role.ADMIN)
def subscriber_addresses(request):
    if not actions.may_list_addresses(request.user):
        return HttpResponseForbidden(_("Your role does not allow you to see subscriber addresses."))
    page_number = Paginator(range(Subscriber.objects.exclude(state="unsubscribed").count() or 1), 200).get_page(
        request.GET.get("page")
    )
    rows = actions.list_addresses(actor=request.user, offset=(page_number.number - 1) * 200, limit=200)
    return render(request, "alerts/addresses.html", {"rows": rows, "page": page_number})
