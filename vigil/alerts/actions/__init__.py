"""Every change to subscribers and alerts: one function each, in a transaction, with its audit event,
queuing background work on commit (ids only). An alert's messages are a messaging broadcast: alerts
creates its deliveries and runs its pump; messaging claims, sends and records them.

`subscriptions` holds signing up, confirming and unsubscribing; `sending` holds composing, approving,
sending and cancelling alerts. Callers use this package's names (`actions.send_alert`).

What may be sent when is decided in `sending.send_alert`, under row locks on the alert and its incident,
so every path (staff page, API, admin, background task) meets the same rules:

- verified activity: only while the incident is verified at the moment of sending, and once per
  verification; the fan-out checks again before each batch and stops if the incident left that state;
- all clear, correction, retraction: only for an incident that already had a verified-activity alert
  sent, whatever its state now, and only to the people who received it and have not unsubscribed since;
- reminder: no incident, but a second approver;
- any kind marked for it: a second approver, who is not the author;
- a language whose template nobody but its author reviewed: only with an explicit confirmation.
"""

from vigil.alerts.actions.sending import (
    REFUSALS,
    AlertRefused,
    approve_alert,
    cancel_alert,
    compose_alert,
    list_addresses,
    may_list_addresses,
    pump,
    render_texts,
    send_alert,
    send_blockers,
    sent_originals,
    stop_reason,
    whatsapp_template_registered,
)
from vigil.alerts.actions.subscriptions import (
    ACTIVE_SUBSCRIBER,
    CONFIRMATION,
    PROGRAMME,
    PUMP_JOB,
    SubscriptionError,
    awaiting_code,
    code_sent,
    confirm,
    confirm_token,
    confirmation_code,
    confirmation_text,
    find_subscriber,
    has_areas,
    normalize_address,
    parse_code,
    phone_subscribers,
    queue_confirmation,
    set_pending_areas,
    subscribe,
    subscriber_from_token,
    unsubscribe,
    unsubscribe_token,
    valid_areas,
    valid_language,
)

__all__ = [
    "ACTIVE_SUBSCRIBER",
    "CONFIRMATION",
    "PROGRAMME",
    "PUMP_JOB",
    "REFUSALS",
    "AlertRefused",
    "SubscriptionError",
    "approve_alert",
    "awaiting_code",
    "cancel_alert",
    "code_sent",
    "compose_alert",
    "confirm",
    "confirm_token",
    "confirmation_code",
    "confirmation_text",
    "find_subscriber",
    "has_areas",
    "list_addresses",
    "may_list_addresses",
    "normalize_address",
    "parse_code",
    "phone_subscribers",
    "pump",
    "queue_confirmation",
    "render_texts",
    "send_alert",
    "send_blockers",
    "sent_originals",
    "set_pending_areas",
    "stop_reason",
    "subscribe",
    "subscriber_from_token",
    "unsubscribe",
    "unsubscribe_token",
    "valid_areas",
    "valid_language",
    "whatsapp_template_registered",
]
