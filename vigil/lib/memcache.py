"""The embedded cache shared by one machine's processes: Django's file cache in a tmpfs directory.

The cache holds the day's address salt, the day's sender key, rate limits, sign-in lockouts and used
challenge markers. They must be the same in every web process (or each limit counts per process and a
solved challenge replays on another worker), and the salts must never reach a disk. A directory on a
tmpfs (/dev/shm) is shared by every process of the machine and lives in memory; `check --deploy`
(vigil.E012) refuses one that is not.

Django's FileBasedCache is not enough as it is: its `add` and `incr` read then write (two processes both
"add" a used challenge, counts get lost), `incr` resets the entry's expiry to the default timeout, a reader
that finds an entry expired deletes the file even if another process has just replaced it, and every
`set` lists the whole directory. Here `add` and `incr` run under an flock (striped by key), expiry is kept,
expired files are removed only under the lock or by the periodic sweep, and the sweep runs at most once
a minute per process.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import random
import tempfile
import time
import zlib
from contextlib import contextmanager

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.exceptions import ImproperlyConfigured

LOCK_STRIPES = 64
SWEEP_SECONDS = 60


class MemoryDirectoryCache(FileBasedCache):
    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._last_sweep = 0.0
        self._check_owner()

    def _check_owner(self) -> None:
        """Entries are pickles, read back as code would be: /dev/shm is writable by every user, so a
        directory someone else made first (or opened to others) is refused rather than trusted."""
        info = os.stat(self._dir)
        if info.st_uid != os.getuid() or info.st_mode & 0o077:
            raise ImproperlyConfigured(f"CACHE_DIR {self._dir} must belong to this user with mode 0700.")

    @contextmanager
    def _locked(self, fname: str):
        """An exclusive lock for the key's stripe: the kernel drops it if the process dies."""
        stripe = int(os.path.basename(fname)[:8], 16) % LOCK_STRIPES
        fd = os.open(os.path.join(self._dir, f"lock-{stripe:02d}"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the flock

    def _read(self, fname: str):
        """(expiry, value) of a live entry, or None: missing, unreadable or expired."""
        try:
            with open(fname, "rb") as f:
                expiry = pickle.load(f)  # noqa: S301  (our own 0700 directory: _check_owner)
                if expiry is not None and expiry < time.time():
                    return None
                return expiry, pickle.loads(zlib.decompress(f.read()))  # noqa: S301
        except (FileNotFoundError, EOFError):
            return None

    def _write(self, fname: str, expiry, value) -> None:
        # Written beside the entry and renamed over it, so a reader sees the old entry or the new one whole.
        fd, tmp_path = tempfile.mkstemp(dir=self._dir)
        try:
            with open(fd, "wb") as f:
                f.write(pickle.dumps(expiry, self.pickle_protocol))
                f.write(zlib.compress(pickle.dumps(value, self.pickle_protocol)))
            os.replace(tmp_path, fname)
        except BaseException:
            try:
                os.remove(tmp_path)
            except FileNotFoundError:
                pass
            raise

    def get(self, key, default=None, version=None):
        entry = self._read(self._key_to_file(key, version))
        return default if entry is None else entry[1]

    def has_key(self, key, version=None):
        return self._read(self._key_to_file(key, version)) is not None

    def _is_expired(self, f):
        # Never deletes here (Django's does): the file may already be another process's fresh entry.
        try:
            expiry = pickle.load(f)  # noqa: S301
        except EOFError:
            return True
        return expiry is not None and expiry < time.time()

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._createdir()  # the directory may have been removed (a reboot empties a tmpfs)
        self._cull()
        self._write(self._key_to_file(key, version), self.get_backend_timeout(timeout), value)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """Steps: lock the key's stripe; if a live entry exists, refuse; otherwise write it."""
        self._createdir()
        self._cull()
        fname = self._key_to_file(key, version)
        with self._locked(fname):
            if self._read(fname) is not None:
                return False
            self._write(fname, self.get_backend_timeout(timeout), value)
            return True

    def incr(self, key, delta=1, version=None):
        """Steps: lock the key's stripe; read the live entry (ValueError if none); write the sum with the
        entry's own expiry."""
        fname = self._key_to_file(key, version)
        with self._locked(fname):
            entry = self._read(fname)
            if entry is None:
                raise ValueError(f"Key '{key}' not found")
            expiry, value = entry
            value += delta
            self._write(fname, expiry, value)
            return value

    def _cull(self):
        """Steps, at most once a minute per process: remove expired entries; if the directory still holds
        MAX_ENTRIES or more, remove a random share of them as Django's file cache does."""
        now = time.monotonic()
        if now - self._last_sweep < SWEEP_SECONDS:
            return
        self._last_sweep = now
        live = []
        for fname in self._list_cache_files():
            with self._locked(fname):
                if self._read(fname) is None:
                    self._delete(fname)
                else:
                    live.append(fname)
        if len(live) >= self._max_entries and self._cull_frequency:
            for fname in random.sample(live, len(live) // self._cull_frequency):
                self._delete(fname)
