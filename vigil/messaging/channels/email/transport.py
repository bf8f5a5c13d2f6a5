"""E-mail through Django's SMTP backend (one SMTP session reused for a batch).

Each delivery's Message-ID is derived from the delivery, so a resend after an uncertain outcome
carries the same Message-ID and mail systems that saw the first copy can drop the second. SMTP has no
log to search, so an uncertain e-mail is resolved by that resend, and counted.
"""

from __future__ import annotations

import smtplib

from django.core.mail import EmailMessage
from django.core.mail.backends.smtp import EmailBackend

from vigil.messaging.channels import ACCEPTED, PERMANENT, TEMPORARY, UNCERTAIN, Envelope, SendResult, Transport
from vigil.messaging.conf import conf


def _smtp_code(exc) -> int:
    code = getattr(exc, "smtp_code", 0) or 0
    if not code and isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [value[0] for value in exc.recipients.values()]
        code = codes[0] if codes else 0
    return int(code)


class SMTPEmail(Transport):
    def __init__(self):
        self.backend: EmailBackend | None = None

    def open(self) -> None:
        if self.backend is None:
            self.backend = EmailBackend(fail_silently=False, **conf.smtp())
        self.backend.open()

    def close(self) -> None:
        if self.backend is not None:
            try:
                self.backend.close()
            except (OSError, smtplib.SMTPException):
                pass  # the session is gone either way
        self.backend = None

    def _build(self, message: Envelope) -> EmailMessage:
        headers = {"Message-ID": message.message_id, "Auto-Submitted": "auto-generated"}
        if message.language:
            headers["Content-Language"] = message.language
        if message.unsubscribe_url:
            headers["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        return EmailMessage(
            subject=message.subject, body=message.text, from_email=conf.email_from(), to=[message.to], headers=headers
        )

    def send(self, message: Envelope) -> SendResult:
        email = self._build(message)
        try:
            self.open()
        except (OSError, smtplib.SMTPException):
            # No session: nothing was handed over.
            self.close()
            return SendResult(TEMPORARY, code="smtp_connect")
        try:
            sent = self.backend.send_messages([email])
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
            # The server answered with a refusal: the message was not accepted.
            code = _smtp_code(exc)
            self._reset_after_refusal()
            if 500 <= code < 600 and not isinstance(exc, smtplib.SMTPSenderRefused):
                return SendResult(PERMANENT, code=f"smtp_{code}")
            return SendResult(TEMPORARY, code=f"smtp_{code or 'refused'}")
        except (OSError, smtplib.SMTPException):  # timeouts are OSErrors too
            # The session broke mid-conversation: the server may have queued the message.
            self.close()
            return SendResult(UNCERTAIN, code="smtp_connection_lost")
        if not sent:
            return SendResult(TEMPORARY, code="smtp_not_sent")
        return SendResult(ACCEPTED, provider_id=message.message_id)

    def _reset_after_refusal(self) -> None:
        try:
            self.backend.connection.rset()
        except (OSError, smtplib.SMTPException, AttributeError):
            self.close()
