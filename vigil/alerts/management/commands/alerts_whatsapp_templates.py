"""Print the alert templates in the form WhatsApp Content templates take ({{1}} ... numbered variables),
to register them with Twilio and Meta; then put their ContentSids in ALERTS_WHATSAPP_CONTENT_SIDS."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from vigil.alerts import texts


class Command(BaseCommand):
    help = "Print alert templates with WhatsApp's numbered variables, one JSON object per kind and language."

    def handle(self, *args, **options):
        numbering = {name: "{{%d}}" % (i + 1) for i, name in enumerate(texts.WHATSAPP_VARIABLES)}
        for language, pack in sorted(texts.packs().items()):
            for kind in texts.KINDS:
                body = pack.alerts[kind].format_map(numbering)
                self.stdout.write(
                    json.dumps(
                        {"kind": kind, "language": language, "reviewed": pack.reviewed, "body": body},
                        ensure_ascii=False,
                    )
                )
