"""Print the alert templates in the form WhatsApp Content templates take ({{1}} ... numbered variables),
to register them with Twilio and Meta; then put their ContentSids in ALERTS_WHATSAPP_CONTENT_SIDS, keyed
by template key (the kind, or the kind and basis: verified_activity_two_people) and language.

With --changed, only the texts a language file lists as added or changed since its review (``[review]
unreviewed``): the ones to register again. Until a template is registered, its WhatsApp recipients get the
alert by SMS, and the compose preview says so."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from vigil.alerts import texts


class Command(BaseCommand):
    help = "Print alert templates with WhatsApp's numbered variables, one JSON object per template and language."

    def add_arguments(self, parser):
        parser.add_argument("--changed", action="store_true", help="only texts changed since their review")

    def handle(self, *args, **options):
        for language, pack in sorted(texts.packs().items()):
            for key in texts.ALERT_KEYS:
                changed = f"alerts.{key}" in pack.unreviewed
                if options["changed"] and not changed:
                    continue
                self.stdout.write(
                    json.dumps(
                        {
                            "kind": key,
                            "language": language,
                            "reviewed": pack.text_reviewed(f"alerts.{key}"),
                            "changed": changed,
                            "body": texts.whatsapp_body(texts.template_text(pack, key)),
                        },
                        ensure_ascii=False,
                    )
                )
