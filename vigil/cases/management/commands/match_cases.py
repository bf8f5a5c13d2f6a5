import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from vigil.cases.matching import MatchingInputError, assign, rank_providers, read_problem


class Command(BaseCommand):
    help = (
        "Run the case matcher outside the database on a JSON file of cases and providers (field names in "
        "docs/cases.md, 'Matching'); print the assignment as JSON: each case with its provider or null, and why."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON file ('-' for standard input)")
        parser.add_argument("--rank", metavar="CASE_ID", help="instead: the providers for this one case, best first")

    def handle(self, *args, file, rank, **options):
        try:
            text = self.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(f"{file} is not JSON: {error.msg} (line {error.lineno}, column {error.colno})")
        try:
            problem = read_problem(data)
            if rank is not None:
                output = self._rank(problem, rank)
            else:
                output = assign(
                    problem.cases, problem.providers, pinned=problem.pinned, dropped=problem.dropped
                ).as_json()
        except MatchingInputError as error:
            raise CommandError(str(error))
        self.stdout.write(json.dumps(output, indent=2, ensure_ascii=False))

    def _rank(self, problem, case_id):
        case = next((case for case in problem.cases if case.id == case_id), None)
        if case is None:
            raise MatchingInputError(f"--rank: no case has the id {case_id!r}")
        dropped = [provider for dropped_case, provider in problem.dropped if dropped_case == case_id]
        ranked, excluded = rank_providers(case, problem.providers, dropped=dropped)
        return {
            "case": case_id,
            "providers": [
                {"provider": r.provider_id, "reasons": [reason.as_json() for reason in r.reasons]} for r in ranked
            ],
            "excluded": [{"provider": provider_id, "reason": reason.as_json()} for provider_id, reason in excluded],
        }
