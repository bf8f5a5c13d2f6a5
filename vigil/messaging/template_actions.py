"""WhatsApp templates and conversation windows: every change to them, and the choice of how one WhatsApp
message goes (docs/messaging.md, "WhatsApp templates").

WhatsApp carries free text to a number only for 24 hours after that number last wrote to us (the
conversation window); outside it, only a template Meta approved. A template is ours (its body, with
named placeholders) and registered with Twilio as a Content template; its approval happens at Meta, and
an admin records it here (or `manage.py messaging_templates sync` reads it from Twilio).

A single WhatsApp message goes, decided once before its first send:
- inside the window: as free text by WhatsApp;
- outside it, with an approved template of its name in the recipient's language: as that template
  (ContentSid and numbered ContentVariables);
- otherwise: by SMS to the same number, as free text, with the reason kept on the message.
"""

from __future__ import annotations

import json
import re
import string
import tomllib
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accounts import audit
from vigil.accounts.models import Organization, Role
from vigil.lib import crypto
from vigil.lib.normalize import address_key
from vigil.messaging.models import (
    ADDRESS_PURPOSE,
    Channel,
    ConversationWindow,
    Message,
    MessageTemplate,
    Route,
)

SEED_FILE = Path(__file__).resolve().parent / "templates_seed.toml"
# Meta's rule: free text only within 24 hours of the person's last message to us.
WINDOW = timedelta(hours=24)
# Twilio's Content SIDs: "HX" and 32 hexadecimal digits.
CONTENT_SID = re.compile(r"^HX[0-9a-fA-F]{32}$")
TEMPLATE_NAME = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
# A template in these states has been registered with Twilio, so it has a Content SID.
REGISTERED_STATES = ("submitted", "approved", "rejected", "paused")


def template_languages() -> list[str]:
    """The deployment's languages (settings.LANGUAGES, as the catalogs are): one template each."""
    return [code for code, _name in settings.LANGUAGES]


# --------------------------------------------------------------------------------------------
# Bodies and placeholders
# --------------------------------------------------------------------------------------------


def placeholders(body: str) -> list[str]:
    """The named placeholders of a body, in the order they first appear: that order numbers them for
    WhatsApp ({{1}}, {{2}}...). ValueError for a body str.format could not fill."""
    names: list[str] = []
    for _literal, name, spec, conversion in string.Formatter().parse(body):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError("placeholder")
        if name not in names:
            names.append(name)
    return names


def whatsapp_body(body: str) -> str:
    """The body as a Twilio Content template takes it: each {name} becomes {{n}}."""
    numbers = {name: f"{{{{{index}}}}}" for index, name in enumerate(placeholders(body), start=1)}
    return body.format(**numbers)


def content_variables(body: str, values: dict) -> dict[str, str]:
    """Twilio's ContentVariables for a body: {"1": value of the first placeholder, ...}."""
    return {str(index): str(values[name]) for index, name in enumerate(placeholders(body), start=1)}


def check_body(body: str) -> None:
    """A body Meta can approve: not empty, placeholders by name only, neither starting nor ending with a
    placeholder (Meta rejects those)."""
    text = (body or "").strip()
    if not text:
        raise ValidationError(_("The text is empty."), code="empty")
    try:
        names = placeholders(text)
    except ValueError:
        raise ValidationError(_("Placeholders are names in braces, such as {code}."), code="placeholder") from None
    if names and (text.startswith("{") or text.rstrip(".!?。।۔").endswith("}")):
        raise ValidationError(_("WhatsApp refuses a template that starts or ends with a placeholder."), code="edge")


# --------------------------------------------------------------------------------------------
# Templates: saving and their approval state
# --------------------------------------------------------------------------------------------


def save_template(*, name: str, language: str, body: str, actor=None, reviewed: bool = False) -> MessageTemplate:
    """Create or update the template `name` in `language` (an admin, or the seed loader: actor None).

    Steps: check the name, language and body; create the row, or change its body: a changed body is a
    new Content template to register, so it goes back to draft without a Content SID; one audit event."""
    _user(actor)  # PermissionDenied for staff who may not manage templates
    body = (body or "").strip()
    if not TEMPLATE_NAME.match(name or ""):
        raise ValidationError(_("A template name is lower-case letters, digits and underscores."), code="name")
    if language not in template_languages():
        raise ValidationError(_("This language is not one of the deployment's."), code="language")
    check_body(body)
    now = timezone.now()
    with transaction.atomic():
        template = MessageTemplate.objects.select_for_update().filter(name=name, language=language).first()
        if template is not None and template.body == body and template.reviewed == reviewed:
            return template  # nothing to change (the seed loaded again)
        if template is None:
            template = MessageTemplate(name=name, language=language, body=body, reviewed=reviewed)
            template.state_changed_at, template.state_changed_by = now, _user(actor)
            try:
                with transaction.atomic():
                    template.save(force_insert=True)
            except IntegrityError:  # saved at the same moment by someone else: theirs stands, ours follows
                template = MessageTemplate.objects.select_for_update().get(name=name, language=language)
        before = template.state
        if template.body != body or template.reviewed != reviewed:
            if template.body != body:
                template.state, template.content_sid = MessageTemplate.State.DRAFT, ""
                template.state_changed_at, template.state_changed_by = now, _user(actor)
            template.body, template.reviewed = body, reviewed
            template.save()
        audit.record(
            "messaging.template_saved",
            actor=actor,
            obj=template,
            kind=name,
            language=language,
            from_state=before,
            to_state=template.state,
        )
    return template


def record_state(template: MessageTemplate, *, state: str, actor=None, content_sid: str | None = None):
    """Record a template's approval state as Meta gave it (an admin, or the sync command: actor None).

    A registered template (submitted, approved, rejected, paused) has its Twilio Content SID; `content_sid`
    sets or corrects it. Nothing changes when the state and SID are already those."""
    _user(actor)  # PermissionDenied for staff who may not manage templates
    if state not in MessageTemplate.State.values:
        raise ValidationError(_("Unknown state."), code="state")
    sid = (content_sid if content_sid is not None else template.content_sid or "").strip()
    if sid and not CONTENT_SID.match(sid):
        raise ValidationError(_("A Content SID is HX followed by 32 hexadecimal digits."), code="content_sid")
    if state in REGISTERED_STATES and not sid:
        raise ValidationError(_("A template registered with Twilio needs its Content SID."), code="content_sid")
    with transaction.atomic():
        current = MessageTemplate.objects.select_for_update().get(pk=template.pk)
        if current.state == state and current.content_sid == sid:
            return current
        before = current.state
        current.state, current.content_sid = state, sid
        current.state_changed_at, current.state_changed_by = timezone.now(), _user(actor)
        current.save(update_fields=["state", "content_sid", "state_changed_at", "state_changed_by"])
        audit.record(
            "messaging.template_state",
            actor=actor,
            obj=current,
            kind=current.name,
            language=current.language,
            from_state=before,
            to_state=state,
        )
    return current


def may_manage_templates(user) -> bool:
    """Templates belong to the deployment (one WhatsApp sender), not to an organization: every admin of
    the network's organizations manages them; a legal provider's admins, who see only the referrals sent
    to them, do not."""
    org = getattr(user, "organization", None)
    return bool(
        getattr(user, "role", "") == Role.ADMIN and org is not None and org.kind != Organization.Kind.LEGAL_PROVIDER
    )


def _user(actor):
    """The staff member behind a change (None: the seed loader or the sync command); anyone else is refused."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    if user is not None and not may_manage_templates(user):
        raise PermissionDenied
    return user


def seed_templates(path=None) -> list[dict]:
    """The templates of the seed file (templates_seed.toml): one {name, language, body, reviewed} per body."""
    path = path or SEED_FILE
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    found = []
    for name, entry in sorted(data.get("templates", {}).items()):
        unreviewed = set(entry.get("unreviewed", ()))
        for language, body in sorted(entry.get("bodies", {}).items()):
            found.append({"name": name, "language": language, "body": body, "reviewed": language not in unreviewed})
    return found


def load_seed(path=None) -> int:
    """Store the seed's templates (new ones as drafts; a changed body goes back to draft). Returns how
    many were created or changed."""
    changed = 0
    for entry in seed_templates(path):
        before = MessageTemplate.objects.filter(name=entry["name"], language=entry["language"]).first()
        after = save_template(**entry)
        if before is None or (before.body, before.reviewed) != (after.body, after.reviewed):
            changed += 1
    return changed


def approved_template(name: str, language: str) -> MessageTemplate | None:
    """The template that may go outside the window: approved, with its Content SID. Never a rejected,
    paused, submitted or draft one."""
    if not name:
        return None
    return (
        MessageTemplate.objects.filter(name=name, language=language, state=MessageTemplate.State.APPROVED)
        .exclude(content_sid="")
        .first()
    )


# --------------------------------------------------------------------------------------------
# Conversation windows
# --------------------------------------------------------------------------------------------


def _window_key(address: str, sending_number: str | None) -> tuple[str, str]:
    from vigil.messaging.conf import conf

    number = sending_number if sending_number is not None else conf.sending_number(Channel.WHATSAPP)
    return crypto.blind_index(address_key(address), purpose=ADDRESS_PURPOSE), number or ""


def note_inbound(address: str, channel: str, *, sending_number: str | None = None, now=None) -> None:
    """A WhatsApp message came from `address`: its conversation window opens (or stays open) for 24 hours.

    Only the time of the last message per hashed address is kept, overwritten each time. No audit
    event: one per inbound message would keep the history this row is made to forget."""
    if channel != Channel.WHATSAPP:
        return
    index, number = _window_key(address, sending_number)
    now = now or timezone.now()
    with transaction.atomic():
        updated = ConversationWindow.objects.filter(address_index=index, sending_number=number).update(
            last_inbound_at=now
        )
        if not updated:
            try:
                with transaction.atomic():
                    ConversationWindow.objects.create(address_index=index, sending_number=number, last_inbound_at=now)
            except IntegrityError:  # a second message of the same person at the same moment
                ConversationWindow.objects.filter(address_index=index, sending_number=number).update(
                    last_inbound_at=now
                )


def window_open(address: str, *, sending_number: str | None = None, now=None) -> bool:
    """Whether that WhatsApp number wrote to us less than 24 hours ago."""
    now = now or timezone.now()
    index, number = _window_key(address, sending_number)
    return ConversationWindow.objects.filter(
        address_index=index, sending_number=number, last_inbound_at__gt=now - WINDOW
    ).exists()


def forget_closed_windows(now=None) -> int:
    """Delete the windows closed for good (the hourly job): nothing older than the window is kept."""
    now = now or timezone.now()
    with transaction.atomic():
        deleted, _rows = ConversationWindow.objects.filter(last_inbound_at__lte=now - WINDOW).delete()
    return deleted


# --------------------------------------------------------------------------------------------
# How one WhatsApp message goes
# --------------------------------------------------------------------------------------------


def choose_route(message: Message, token: str, address: str) -> Message | None:
    """Decide, once, how a claimed WhatsApp message goes, and write it before anything is sent, where the
    claim still holds (None: it no longer does). A message already decided, or not WhatsApp, is returned
    as it is.

    Steps: the window open: free text by WhatsApp. Otherwise the approved template of its name in its
    language, with every value its body names: the template (the text becomes the template's words, what
    the person receives, and the values the numbered ContentVariables sent, so a resend sends the same). Otherwise SMS to the same number with the free text, and the reason
    (`no_template`: none named; `no_approved_template`; `template_values`: a value missing)."""
    if message.channel != Channel.WHATSAPP or message.route:
        return message
    fields: dict = {}
    if window_open(address):
        fields["route"] = Route.WINDOW
    else:
        template = approved_template(message.template, message.language)
        values = json.loads(message.template_variables or "{}")
        if template is not None and set(placeholders(template.body)) <= set(values):
            text = template.body.format(**{name: str(value) for name, value in values.items()})
            numbered = json.dumps(content_variables(template.body, values), ensure_ascii=False)
            fields.update(route=Route.TEMPLATE, content_sid=template.content_sid)
            fields["text"] = Message._meta.get_field("text").seal(text, message)
            fields["template_variables"] = Message._meta.get_field("template_variables").seal(numbered, message)
        else:
            reason = "no_template" if not message.template else "no_approved_template"
            if template is not None:
                reason = "template_values"
            fields.update(route=Route.SMS_FALLBACK, route_reason=reason, channel=Channel.SMS)
    with transaction.atomic():
        written = Message.objects.filter(pk=message.pk, claim=token, state=Message.State.SENDING).update(**fields)
        if not written:
            return None
        audit.record(
            "messaging.routed",
            obj=message,
            channel=fields.get("channel", message.channel),
            outcome=fields["route"],
            reason_code=fields.get("route_reason", ""),
            language=message.language,
        )
    return Message.objects.get(pk=message.pk)
