import base64

import pytest
from django.core.management import call_command
from django.db import connection

from vigil.intake import actions as intake_actions
from vigil.intake.models import Report
from vigil.intake.validation import build_input
from vigil.lib import crypto
from vigil.lib.normalize import normalize_contact_value


def raw_blob(report, column):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM intake_report WHERE id = %s",
            [report.pk.hex if connection.vendor == "sqlite" else report.pk],
        )
        return bytes(cursor.fetchone()[0])


@pytest.mark.django_db
def test_it_rotates_every_encrypted_field_and_blind_index(settings):
    old_keys, old_index = settings.FIELD_ENCRYPTION_KEYS, settings.BLIND_INDEX_KEYS
    report = intake_actions.submit_report(
        build_input({"text": "ICE at Roosevelt and 74th", "area": "QN0301", "contact": "+1 718 555 0142"}),
        channel="web",
    )[0]
    assert crypto.key_version_of(raw_blob(report, "text")) == 1
    new = base64.urlsafe_b64encode(b"n" * 32).decode()
    settings.FIELD_ENCRYPTION_KEYS = f"{old_keys},2:{new}"
    settings.BLIND_INDEX_KEYS = f"{old_index},2:{new}"
    call_command("rotate_keys")
    assert crypto.key_version_of(raw_blob(report, "text")) == 2
    assert crypto.key_version_of(raw_blob(report, "contact")) == 2
    # Only the new keys now: everything still reads, and the contact is found through its new index.
    settings.FIELD_ENCRYPTION_KEYS = f"2:{new}"
    settings.BLIND_INDEX_KEYS = f"2:{new}"
    fresh = Report.objects.get(pk=report.pk)
    assert fresh.text == "ICE at Roosevelt and 74th"
    wanted = crypto.blind_index_candidates(normalize_contact_value("(718) 555-0142"), purpose="report_contact")
    assert Report.objects.filter(contact_index__in=wanted).get().pk == report.pk


@pytest.mark.django_db
def test_it_raises_on_a_wrong_key_instead_of_showing_ciphertext(settings):
    report = intake_actions.submit_report(build_input({"text": "ICE at Roosevelt and 74th"}), channel="web")[0]
    settings.FIELD_ENCRYPTION_KEYS = "1:" + base64.urlsafe_b64encode(b"w" * 32).decode()
    with pytest.raises(crypto.DecryptionError):
        _ = Report.objects.get(pk=report.pk).text


@pytest.mark.django_db
def test_it_rotates_evidence_files_and_second_factor_secrets(settings, colleague):
    import io

    from allauth.mfa.models import Authenticator
    from PIL import Image

    from vigil.accounts.adapter import MFAAdapter
    from vigil.incidents import actions as incident_actions
    from vigil.incidents import evidence as files

    report = intake_actions.submit_report(build_input({"text": "ICE at Roosevelt and 74th"}), channel="web")[0]
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="PNG")
    item = incident_actions.add_evidence(data=out.getvalue(), incident=report.incident, actor=colleague)
    secret_before = MFAAdapter().decrypt(Authenticator.objects.get(user=colleague).data["secret"])
    new = base64.urlsafe_b64encode(b"m" * 32).decode()
    settings.FIELD_ENCRYPTION_KEYS = f"{settings.FIELD_ENCRYPTION_KEYS},2:{new}"
    call_command("rotate_keys")
    settings.FIELD_ENCRYPTION_KEYS = f"2:{new}"
    assert files.open_sealed(item.original_path, item.pk, "original") == out.getvalue()
    assert MFAAdapter().decrypt(Authenticator.objects.get(user=colleague).data["secret"]) == secret_before
