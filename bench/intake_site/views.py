"""The baseline: parse the same JSON and insert the same row, with none of the pipeline."""

import json
import secrets

from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from vigil.accounts.access import public
from vigil.intake.models import Report


@public
@csrf_exempt
def bare_insert(request):
    payload = json.loads(request.body)
    with transaction.atomic():
        report = Report(
            channel="api",
            text=payload["text"],
            receipt_code=secrets.token_hex(5).upper(),
            receipt_secret=secrets.token_urlsafe(12),
            idempotency_key=request.headers.get("Idempotency-Key"),
        )
        report.save()
    return JsonResponse({"id": str(report.pk), "receipt": report.receipt_code}, status=201)
