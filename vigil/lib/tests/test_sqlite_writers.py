"""SQLite transactions queue on a file lock beside the database, released at commit, rollback or close."""

import fcntl
import os

import pytest
from django.db import connection, transaction

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="the writer lock is SQLite's"
)


def lock_is_free() -> bool:
    fd = os.open(f"{connection.settings_dict['NAME']}-writers", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


@pytest.mark.django_db(transaction=True)
def test_it_holds_the_writer_lock_for_the_length_of_a_transaction():
    assert lock_is_free()
    with transaction.atomic():
        assert not lock_is_free()
        with transaction.atomic():  # a savepoint keeps the lock, and does not take it twice
            assert not lock_is_free()
        assert not lock_is_free()
    assert lock_is_free()


@pytest.mark.django_db(transaction=True)
def test_it_releases_the_writer_lock_on_rollback():
    with pytest.raises(RuntimeError), transaction.atomic():
        assert not lock_is_free()
        raise RuntimeError("the action failed")
    assert lock_is_free()


@pytest.mark.django_db(transaction=True)
def test_it_gives_up_with_database_is_locked_after_the_timeout(monkeypatch):
    from django.db import OperationalError

    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.2)
    fd = os.open(f"{connection.settings_dict['NAME']}-writers", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another writer holds it and does not let go
        with pytest.raises(OperationalError, match="locked"), transaction.atomic():
            pass
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    with transaction.atomic():
        assert not lock_is_free()
