"""Messaging pages: the provider's status callback, the WhatsApp templates (admins), and (demo mode only)
the demo outbox.

Views parse, authorize, call an action and render.
"""

from __future__ import annotations

import json
from collections import deque

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from twilio.request_validator import RequestValidator

from vigil.accounts.access import public, staff_view
from vigil.accounts.models import Role
from vigil.messaging import actions, template_actions
from vigil.messaging.conf import conf, webhook_base_url
from vigil.messaging.models import Channel, MessageTemplate

DEMO_OUTBOX_ROLES = (Role.ADMIN, Role.DISPATCHER)
DEMO_OUTBOX_SHOWN = 200


def twilio_signature_is_valid(request) -> bool:
    """Twilio signs the URL it called plus the POSTed fields with our auth token (twilio's validator)."""
    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    base = webhook_base_url()
    url = base + request.get_full_path() if base else request.build_absolute_uri()
    return RequestValidator(token).validate(url, request.POST.dict(), signature)


@public
@csrf_exempt  # Twilio cannot send a CSRF token; its request signature authenticates it instead
@require_POST
def twilio_status(request):
    """Twilio's message status callback: moves a sent message (or alert delivery) to delivered or failed."""
    if not twilio_signature_is_valid(request):
        return HttpResponseForbidden("invalid signature", content_type="text/plain")
    sid = request.POST.get("MessageSid", "")
    status = request.POST.get("MessageStatus", "")
    if not sid or len(sid) > 64 or not status:
        return HttpResponse("missing fields", status=400, content_type="text/plain")
    actions.record_provider_status(sid, status, request.POST.get("ErrorCode", ""))
    return HttpResponse(status=204)


def demo_outbox_entries(limit: int = DEMO_OUTBOX_SHOWN) -> list[dict]:
    """The newest messages the console transport "sent" in demo mode, newest first."""
    try:
        with open(conf.DEMO_OUTBOX_FILE, encoding="utf-8") as fh:
            lines = deque(fh, maxlen=limit)
    except FileNotFoundError:
        return []
    entries = []
    for line in reversed(lines):
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a crash: skip it
        entry["at"] = parse_datetime(entry.get("at", ""))
        entries.append(entry)
    return entries


def may_read_demo_outbox(user) -> bool:
    """Admins and dispatchers of the demo's organization (MESSAGING_DEMO_ORGANIZATION) only."""
    org = getattr(user, "organization", None)
    return bool(user.role in DEMO_OUTBOX_ROLES and org is not None and org.slug == conf.DEMO_ORGANIZATION)


@staff_view(*DEMO_OUTBOX_ROLES)
def demo_outbox(request):
    """Demo mode only: what the demo channels "sent", so someone trying the demo can read their codes."""
    if not settings.DEMO:
        raise Http404
    if not may_read_demo_outbox(request.user):
        raise PermissionDenied
    labels = dict(Channel.choices)
    entries = demo_outbox_entries()
    for entry in entries:
        entry["channel_label"] = labels.get(entry.get("channel"), "")
    return render(request, "messaging/demo_outbox.html", {"entries": entries})


# --- WhatsApp templates -------------------------------------------------------------------------


may_manage_templates = template_actions.may_manage_templates


def get_template_for_user(user, template_id) -> MessageTemplate:
    if not may_manage_templates(user):
        raise PermissionDenied
    return get_object_or_404(MessageTemplate, pk=template_id)


def template_table() -> list[dict]:
    """Per template name: one row per deployment language (None where no template exists yet), and the
    languages without an approved template (those recipients get free text by SMS outside the window)."""
    languages = dict(settings.LANGUAGES)
    names: dict[str, dict] = {}
    for template in MessageTemplate.objects.select_related("state_changed_by"):
        names.setdefault(template.name, {})[template.language] = template
    table = []
    for name, by_language in sorted(names.items()):
        rows = [
            {"code": code, "language": label, "template": by_language.get(code)} for code, label in languages.items()
        ]
        # The rule of template_actions.approved_template, on the rows already read.
        missing = [row["language"] for row in rows if not _usable(row["template"])]
        table.append({"name": name, "rows": rows, "missing": missing})
    return table


def _usable(template) -> bool:
    return bool(template and template.state == MessageTemplate.State.APPROVED and template.content_sid)


@staff_view(Role.ADMIN)
@require_GET
def whatsapp_templates(request):
    """The WhatsApp templates of single messages, per name and language, with Meta's answer as recorded."""
    if not may_manage_templates(request.user):
        raise PermissionDenied
    return render(
        request,
        "messaging/whatsapp_templates.html",
        {"table": template_table(), "states": MessageTemplate.State.choices},
    )


@staff_view(Role.ADMIN)
@require_POST
def whatsapp_template_state(request, template_id):
    """Record the state Meta gave a template (and its Content SID), through the action."""
    template = get_template_for_user(request.user, template_id)
    try:
        template_actions.record_state(
            template,
            state=request.POST.get("state", ""),
            content_sid=request.POST.get("content_sid", "").strip(),
            actor=request.user,
        )
        messages.success(request, _("The template's state was recorded."))
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    return redirect("messaging_whatsapp_templates")
