import base64

import pytest
from django.test import override_settings

from vigil.lib import crypto


def key(ch: bytes) -> str:
    return base64.urlsafe_b64encode(ch * 32).decode()


def test_it_round_trips_text_bound_to_its_place():
    aad = crypto.associated_data("t", "f", "row-1")
    blob = crypto.encrypt_text("Maria +1 718 555 0100", aad)
    assert b"Maria" not in blob
    assert crypto.decrypt_text(blob, aad) == "Maria +1 718 555 0100"


def test_it_refuses_a_value_moved_to_another_row():
    blob = crypto.encrypt_text("secret", crypto.associated_data("t", "f", "row-1"))
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(blob, crypto.associated_data("t", "f", "row-2"))


def test_it_raises_with_a_wrong_key_instead_of_returning_ciphertext():
    aad = crypto.associated_data("t", "f", "1")
    blob = crypto.encrypt_text("secret", aad)
    with override_settings(FIELD_ENCRYPTION_KEYS=f"1:{key(b'z')}"):
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt_text(blob, aad)


def test_it_raises_when_the_key_version_is_missing():
    aad = crypto.associated_data("t", "f", "1")
    with override_settings(FIELD_ENCRYPTION_KEYS=f"7:{key(b'q')}"):
        blob = crypto.encrypt_text("secret", aad)
    with override_settings(FIELD_ENCRYPTION_KEYS=f"1:{key(b'q')}"):
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt_text(blob, aad)


def test_it_writes_with_the_newest_key_and_reads_older_ones():
    aad = crypto.associated_data("t", "f", "1")
    with override_settings(FIELD_ENCRYPTION_KEYS=f"1:{key(b'a')}"):
        old = crypto.encrypt_text("v", aad)
    with override_settings(FIELD_ENCRYPTION_KEYS=f"1:{key(b'a')},2:{key(b'b')}"):
        assert crypto.decrypt_text(old, aad) == "v"
        assert crypto.key_version_of(crypto.encrypt_text("v", aad)) == 2


@pytest.mark.parametrize("spec", ["", "1:short", "x:" + key(b"a"), "1" + key(b"a")])
def test_it_rejects_malformed_key_rings(spec):
    with pytest.raises(crypto.KeyError_):
        crypto.parse_keyring(spec)


def test_it_makes_blind_indexes_that_depend_on_key_and_purpose():
    first = crypto.blind_index("+17185550100", purpose="subscriber")
    assert first == crypto.blind_index("+17185550100", purpose="subscriber")
    assert first != crypto.blind_index("+17185550100", purpose="reporter")
    assert "7185550100" not in first
    with override_settings(BLIND_INDEX_KEYS=f"1:{key(b'c')}"):
        assert crypto.blind_index("+17185550100", purpose="subscriber") != first
