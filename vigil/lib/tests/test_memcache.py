"""The embedded cache shared by one machine's web processes: kept in a tmpfs directory, never on disk."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SHM = Path("/dev/shm")

pytestmark = pytest.mark.skipif(not SHM.is_dir(), reason="needs a tmpfs at /dev/shm")


@pytest.fixture
def shm_dir():
    path = SHM / f"vigil-test-{uuid.uuid4().hex}"
    yield path
    shutil.rmtree(path, ignore_errors=True)


def process(cache_dir: Path, code: str) -> subprocess.Popen:
    """A separate Python process with Vigil's settings and CACHE_DIR, running `code` against the cache."""
    env = {
        **os.environ,
        "CACHE_DIR": str(cache_dir),
        "REDIS_URL": "",
        "DJANGO_SETTINGS_MODULE": "vigil.settings",
    }
    setup = "import django; django.setup(); from django.core.cache import cache\n"
    return subprocess.Popen(
        [sys.executable, "-c", setup + code],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def output(cache_dir: Path, code: str) -> str:
    proc = process(cache_dir, code)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-2000:]
    return out.strip()


def test_it_refuses_a_used_challenge_in_another_process(shm_dir):
    code = "print(cache.add('vigil:altcha:used:abc', 1, 3600))"
    assert output(shm_dir, code) == "True"
    assert output(shm_dir, code) == "False"


def test_it_gives_every_process_the_same_days_address_salt(shm_dir):
    code = "from vigil.lib.clientaddr import daily_salt; print(daily_salt(cache, '2026-12-01').hex())"
    assert output(shm_dir, code) == output(shm_dir, code)


def test_it_counts_increments_from_several_processes_exactly(shm_dir):
    output(shm_dir, "cache.add('vigil:rate:test', 0, 600)")
    code = "for _ in range(150): cache.incr('vigil:rate:test')"
    procs = [process(shm_dir, code) for _ in range(4)]
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-2000:]
    assert output(shm_dir, "print(cache.get('vigil:rate:test'))") == "600"


def test_it_keeps_a_counters_expiry_when_it_counts(shm_dir):
    from vigil.lib.memcache import MemoryDirectoryCache

    cache = MemoryDirectoryCache(str(shm_dir), {})
    cache.add("window", 0, 1)
    cache.incr("window")
    time.sleep(1.2)
    assert cache.get("window") is None


def test_it_keeps_the_cache_files_readable_by_their_owner_only(shm_dir):
    output(shm_dir, "cache.set('vigil:senderkey:2026-12-01', 'k', 60)")
    assert shm_dir.stat().st_mode & 0o077 == 0
    assert all(path.stat().st_mode & 0o077 == 0 for path in shm_dir.iterdir())


def test_it_refuses_a_directory_others_may_write(shm_dir):
    from django.core.exceptions import ImproperlyConfigured

    from vigil.lib.memcache import MemoryDirectoryCache

    shm_dir.mkdir()
    shm_dir.chmod(0o777)
    with pytest.raises(ImproperlyConfigured):
        MemoryDirectoryCache(str(shm_dir), {})
