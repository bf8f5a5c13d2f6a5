"""Receiving reports: every channel ends here."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from vigil.accounts import audit
from vigil.incidents import actions as incident_actions
from vigil.intake import receipts
from vigil.intake.models import Report
from vigil.intake.validation import ReportInput
from vigil.lib import rows
from vigil.privacy.fields import seal_now

# No 0/O, 1/I/L: receipt codes are read aloud over the phone and typed on small keyboards.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_receipt_code() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def new_receipt_secret() -> str:
    return receipts.new_secret()


@dataclass
class Placement:
    lat: float | None
    lon: float | None
    area: str
    cd: str
    borough: str
    approximate: bool
    source: str


def place_report(data: ReportInput, language: str) -> Placement:
    """Where the report is: the point if given, else the chosen neighborhood, else a place named in the
    place field or the text itself (intersections, stations, landmarks, neighborhood names)."""
    from vigil.geo import areas

    if data.lat is not None and data.lon is not None:
        match = areas.resolve_point(data.lat, data.lon)
        if match is not None:
            return Placement(data.lat, data.lon, match.nta, match.cd, match.borough, match.approximate, "point")
    if data.area:
        area = areas.get_area(data.area)
        if area is not None:
            return Placement(
                None,
                None,
                area.code if area.kind == "nta" else "",
                area.cd or "",
                area.borough or "",
                area.kind != "nta",
                "picker",
            )
    for text in (data.place_text, data.text):
        if not text:
            continue
        found = _resolve_text(text, language)
        if found is not None and found.area:
            nta = areas.get_area(found.area)
            return Placement(
                found.lat,
                found.lon,
                found.area,
                nta.cd if nta else "",
                nta.borough if nta else "",
                found.lat is None,
                "text",
            )
    return Placement(None, None, "", "", "", False, "")


def _resolve_text(text: str, language: str):
    try:
        from vigil.geo.places import resolve_place_text
    except ImportError:  # the gazetteer is optional for a jurisdiction without place data
        return None
    return resolve_place_text(text, language)


def detect(data: ReportInput, form_language: str) -> str:
    from vigil.lib.langid import DEPLOYMENT_LANGUAGES, detect_language

    if data.language in DEPLOYMENT_LANGUAGES:
        return data.language
    return detect_language(data.text, prior=form_language or None).language


def submit_report(
    data: ReportInput,
    *,
    channel: str,
    form_language: str = "",
    partner=None,
    idempotency_key: str | None = None,
    verified_submission: bool = True,
    attachments: list | None = None,
    entered_by=None,
    sender_ref: str = "",
) -> tuple[Report, str, bool]:
    """Store one report and group it. Returns (report, receipt secret, created).

    Steps:
    1. Detect the language, resolve the place, encrypt the fields and weigh the text for grouping
       (outside the transaction: work on this report alone).
    2. In one transaction: group it into an open candidate incident or start one; write the report with its encrypted
       fields and the rows of its already sealed attachments; write the audit event. A second report
       with the same idempotency key fails the unique constraint and the first is returned. The transaction commits before anyone is told "received", so an
       acknowledged report is durable (SQLite WAL with synchronous=FULL, or PostgreSQL).
    """
    language = detect(data, form_language)
    placement = place_report(data, language)
    # A repeated idempotency key is caught by the unique constraint below (and answered with the first
    # report): asking first would cost every report a query to save the rare duplicate some work.
    secret = new_receipt_secret()
    try:
        report = Report(
            channel=channel,
            occurred_at=data.occurred_at,
            text=data.text,
            language=language,
            form_language=form_language,
            place_text=data.place_text,
            lat=placement.lat,
            lon=placement.lon,
            area=placement.area,
            cd=placement.cd,
            borough=placement.borough,
            area_approximate=placement.approximate,
            place_source=placement.source,
            salute=data.salute,
            people_detained=data.people_detained,
            contact=data.contact or None,
            receipt_code=new_receipt_code(),
            receipt_secret=secret,
            idempotency_key=idempotency_key,
            partner=partner,
            verified_submission=verified_submission,
            # The sender's keyed hash (SMS), written with the report: a later YES links the contact.
            sender_ref=sender_ref,
        )
        if data.contact:
            from vigil.lib import crypto
            from vigil.lib.normalize import normalize_contact_value

            report.contact_index = crypto.blind_index(normalize_contact_value(data.contact), purpose="report_contact")
        # Writers queue for one lock (grouping must see the report before it): whatever does not need the
        # other reports is done before it.
        seal_now(report)
        grouping_input = incident_actions.prepare_grouping(report, grouping_text=f"{data.place_text}\n{data.text}")
        with transaction.atomic():
            incident_actions.group_report(report, prepared=grouping_input)
            rows.insert(report)
            for prepared in attachments or ():
                incident_actions.record_evidence(prepared, report=report)
            audit.record(
                "report.received",
                actor=entered_by,
                actor_kind="user" if entered_by is not None else ("partner" if partner else "public"),
                obj=report,
                organization=partner,
                channel=channel,
                language=language,
            )
    except IntegrityError:
        for prepared in attachments or ():
            incident_actions.discard_evidence(prepared)
        if idempotency_key:
            existing = Report.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing, existing.receipt_secret, False
        raise
    except BaseException:
        for prepared in attachments or ():
            incident_actions.discard_evidence(prepared)
        raise
    return report, secret, True


def check_receipt(code: str, secret: str) -> Report | None:
    """The report for a receipt code and secret, compared in constant time; None for any mismatch."""
    code = receipts.normalize_code(code)
    report = Report.objects.select_related("incident").filter(receipt_code=code).first()
    if report is None or not secret:
        receipts.spend_comparison(secret)
        return None
    if not receipts.secret_matches(report.receipt_secret, secret):
        return None
    return report


def public_status(report: Report) -> str:
    """What the reporter may learn: received, being verified, verified, or could not be verified."""
    incident = report.incident
    if incident is None:
        return "received"
    return {
        "reported": "received",
        "verifying": "verifying",
        "verified": "verified",
        "unconfirmed": "unconfirmed",
        "false_alarm": "unconfirmed",
        "closed": "verified" if incident.timeline.filter(to_state="verified").exists() else "unconfirmed",
    }[incident.state]


def receive_text_message(*, sid: str, channel: str, sender: str, body: str) -> str:
    """One inbound SMS or WhatsApp message; returns the reply text.

    The provider's message id is never kept as it is (with the provider account it would give back the
    sender's number): only a keyed hash whose key lives a day in memory, like the sender's.

    Steps:
    1. A message seen before (the provider retried) is not handled twice.
    2. Messaging's router: STOP and its translations end every programme; then each app's handler
       (alerts' keywords: JOIN and the rest) may claim the message. Only an unclaimed one goes on.
    3. A consent word links the sender's number, encrypted, to their reports of the last 24 hours.
    4. Anything else is a report: validated, stored, grouped; the reply carries receipt code and secret.
       A retried delivery finds the same report through its idempotency key and gets the same receipt.
    """
    from vigil.intake import sms
    from vigil.intake.models import ProviderMessage
    from vigil.intake.validation import InvalidReport, build_input
    from vigil.lib.langid import detect_language

    language = detect_language(body).language if body.strip() else "und"
    # The message's keyed hash under today's message key, then yesterday's: a delivery the provider
    # retries across midnight is found under the key it was stored with.
    refs = sms.message_refs(sid)
    message_ref = refs[0]
    ref = sms.sender_ref(sender)
    key = f"twilio:{message_ref}"
    existing = Report.objects.filter(idempotency_key__in=[f"twilio:{r}" for r in refs]).first()
    if existing is not None:
        return sms.receipt_message(existing, existing.receipt_secret)
    if ProviderMessage.objects.filter(sid__in=refs).exists():
        return sms.error_message(language)
    reply = _routed(sender, body, channel)
    if reply is not None:
        ProviderMessage.objects.get_or_create(sid=message_ref)
        return reply
    if sms.is_consent(body):
        from vigil.lib import crypto

        with transaction.atomic():
            ProviderMessage.objects.get_or_create(sid=message_ref)
            reports = list(Report.objects.filter(sender_ref=ref, contact__isnull=True))
            for report in reports:
                report.contact = sender
                report.contact_index = crypto.blind_index(sender, purpose="report_contact")
                report.save(update_fields=["contact", "contact_index"])
                audit.record("report.contact_consented", actor_kind="public", obj=report, channel=channel)
        if reports:
            return sms.consent_message(reports[-1].language)
    try:
        data = build_input({"text": body})
    except InvalidReport:
        return sms.error_message(language)
    report, secret, _created = submit_report(data, channel=channel, idempotency_key=key, sender_ref=ref)
    return sms.receipt_message(report, secret)


def _routed(sender: str, body: str, channel: str) -> str | None:
    """The reply of whichever app claims the message in messaging's router, or None (a report)."""
    from vigil.messaging.inbound import Inbound, route

    return route(Inbound(sender=sender, channel=channel, body=body))


def add_follow_up(report: Report, text: str) -> Report:
    """More information from the reporter (receipt code and secret checked by the caller): a new report,
    so what was first received stays as it was.

    Steps:
    1. Detect the addition's language; make it a report of the same channel, time, place (point, area and
       the place as written) and owner (partner) as the first report, linked to that one: its reporter's
       contact and sender are reached through the link, never copied.
    2. In one transaction: group it like any report (`group_report`), into the incident of the report it
       adds to, so its words count in that incident's summary and the incident's report count includes
       it; store it; write the incident's timeline entry and the audit event.
    """
    first = report.first_report
    language = detect(ReportInput(text=text, occurred_at=first.occurred_at), first.form_language)
    follow_up = Report(
        channel=first.channel,
        occurred_at=first.occurred_at,
        text=text,
        language=language,
        form_language=first.form_language,
        place_text=first.place_text,
        area=first.area,
        cd=first.cd,
        borough=first.borough,
        lat=first.lat,
        lon=first.lon,
        area_approximate=first.area_approximate,
        place_source=first.place_source,
        receipt_code=new_receipt_code(),
        receipt_secret=first.receipt_secret,
        follow_up_of=first,
        partner=first.partner,
        verified_submission=first.verified_submission,
    )
    seal_now(follow_up)
    grouping_input = incident_actions.prepare_grouping(follow_up, grouping_text=f"{first.place_text or ''}\n{text}")
    with transaction.atomic():
        # The report it adds to may have moved since it was read: join where it is now.
        joins = Report.objects.filter(pk=first.pk).values_list("incident_id", flat=True).first()
        incident_actions.group_report(follow_up, prepared=grouping_input, joins=joins)
        rows.insert(follow_up)
        from vigil.incidents.models import TimelineEntry

        TimelineEntry.objects.create(incident_id=follow_up.incident_id, kind="reporter_added_information")
        audit.record("report.follow_up_received", actor_kind="public", obj=follow_up, language=language)
    return follow_up


def enter_phone_report(data: ReportInput, *, entered_by, caller_language: str, form_key: str = "") -> Report:
    """A report a dispatcher took by phone and typed in: stored like any report, by the hotline channel,
    in the caller's language, with the dispatcher as the audited actor (in the report's transaction).
    The same form sent twice (a double tap, a retry on a bad connection) stores one report."""
    report, _secret, _created = submit_report(
        data,
        channel=Report.Channel.HOTLINE,
        form_language=caller_language,
        # Per dispatcher, so one person's form key can never return another's report.
        idempotency_key=f"hotline:{entered_by.pk}:{form_key[:48]}" if form_key else None,
        entered_by=entered_by,
    )
    return report
