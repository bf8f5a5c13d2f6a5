"""WhatsApp templates of single messages (docs/messaging.md, "WhatsApp templates").

- `load`: store the seed file's templates (vigil/messaging/templates_seed.toml): new ones as drafts; a
  changed body goes back to draft (it must be registered again).
- `print`: one JSON line per template and language with the body in WhatsApp's form ({{1}}, {{2}}...),
  its state and whether its words were reviewed: what to register with Twilio as Content templates.
- `sync`: read Meta's answers from Twilio (Content API) and record each registered template's state.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from vigil.messaging import template_actions
from vigil.messaging.channels import TransportError
from vigil.messaging.models import MessageTemplate


class Command(BaseCommand):
    help = "Load, print or sync the WhatsApp templates of single messages."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load", "print", "sync"])
        parser.add_argument("--seed", default=None, help="another seed file (TOML)")

    def handle(self, *args, **options):
        action = options["action"]
        if action == "load":
            changed = template_actions.load_seed(options["seed"])
            self.stdout.write(f"{changed} templates created or changed")
        elif action == "print":
            for template in MessageTemplate.objects.order_by("name", "language"):
                entry = {
                    "name": template.name,
                    "language": template.language,
                    "state": template.state,
                    "reviewed": template.reviewed,
                    "body": template_actions.whatsapp_body(template.body),
                    "variables": template_actions.placeholders(template.body),
                }
                self.stdout.write(json.dumps(entry, ensure_ascii=False))
        else:
            self.sync()

    def sync(self):
        from vigil.messaging.channels.whatsapp.transport import approval_states

        try:
            states = approval_states()
        except TransportError as exc:
            raise CommandError(f"Twilio could not be asked: {exc.code}") from None
        changed = 0
        for template in MessageTemplate.objects.exclude(content_sid=""):
            state = states.get(template.content_sid)
            if state and state != template.state:
                template_actions.record_state(template, state=state)
                changed += 1
        self.stdout.write(f"{changed} templates changed state")
