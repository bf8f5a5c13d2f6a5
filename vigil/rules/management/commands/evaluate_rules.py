"""manage.py evaluate_rules --jurisdiction nyc FILE.json: findings for incidents documented elsewhere.

A thin shell over the core (vigil.rules.engine): FILE.json is a list of incident objects (docs/rules.md);
the findings are printed as JSON, per object its id and its findings."""

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from vigil.rules.engine import evaluate_rules
from vigil.rules.facts import FactsError
from vigil.rules.pack import PackError, load_pack


class Command(BaseCommand):
    help = "Check incidents (a JSON list, fields as in docs/rules.md) against a jurisdiction's rule pack."

    def add_arguments(self, parser):
        parser.add_argument("--jurisdiction", required=True, help="a folder of jurisdictions/, e.g. nyc")
        parser.add_argument("file", help="the incidents, as a JSON list of objects ('-' for standard input)")

    def handle(self, *args, jurisdiction, file, **options):
        pack_path = Path(settings.BASE_DIR) / "jurisdictions" / jurisdiction / "rules.toml"
        if not jurisdiction.isidentifier() or not pack_path.is_file():
            raise CommandError(f"no rule pack for jurisdiction {jurisdiction!r} ({pack_path})")
        try:
            pack = load_pack(pack_path)
        except PackError as error:
            raise CommandError(f"the rule pack {pack_path} is refused: {error}")
        try:
            text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}")
        try:
            incidents = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(f"{file} is not JSON: {error}")
        if not isinstance(incidents, list):
            raise CommandError(f"{file}: a JSON list of incident objects expected")
        try:
            results = evaluate_rules(pack, incidents)
        except FactsError as error:
            raise CommandError(str(error))
        out = [
            {
                "id": result["id"],
                "findings": [
                    {
                        key: finding[key]
                        for key in ("rule", "citation", "level", "facts", "unknown", "unverified", "note", "pack")
                    }
                    | {"detention": finding["detention"]}
                    for finding in result["findings"]
                ],
            }
            for result in results
        ]
        self.stdout.write(json.dumps(out, indent=2, ensure_ascii=False))
