"""SQLite with writers queued on an operating-system file lock instead of SQLite's busy handler.

Why: SQLite makes a writer that finds the database locked sleep and retry in growing steps (1, 2, 5,
10 ... 100 ms), so with several web workers much of a surge was spent asleep while the lock was free:
under the intake benchmark the processors sat 40% idle (docs/decisions.md). Here every transaction
(Django's atomic blocks, which BEGIN IMMEDIATE) first takes an exclusive `flock` on a file beside the
database, retrying every 2 ms at most, up to the connection's timeout (then "database is locked", as
SQLite itself would say); the kernel releases it if its process dies.

Writes outside a transaction (autocommit) do not take it and keep SQLite's busy handler, so they can
neither deadlock with a transaction nor be starved by one for longer than the busy timeout.
"""

from __future__ import annotations

import fcntl
import os
import time

from django.db import OperationalError
from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _writer_lock_fd: int | None = None
    _writer_lock_held = False

    _writer_lock_pid: int | None = None

    def get_new_connection(self, conn_params):
        conn = super().get_new_connection(conn_params)
        if not self.is_in_memory_db() and (self._writer_lock_fd is None or self._writer_lock_pid != os.getpid()):
            # Read-only is enough for flock, and lets processes of other users share the (empty) file. A
            # descriptor inherited across fork would share the lock with the parent, so each process opens its own.
            self._writer_lock_fd = os.open(
                f"{self.settings_dict['NAME']}-writers", os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644
            )
            self._writer_lock_pid = os.getpid()
        return conn

    def _start_transaction_under_autocommit(self):
        if self._writer_lock_fd is not None and not self._writer_lock_held:
            self._take_writer_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writer_lock()
            raise

    def _take_writer_lock(self):
        """Wait for the lock as SQLite would for its own (up to the connection's timeout), but in steps of
        at most 2 ms rather than SQLite's of up to 100 ms; past the timeout, "database is locked"."""
        deadline = time.monotonic() + float(self.settings_dict["OPTIONS"].get("timeout", 5))
        pause = 0.0002
        while True:
            try:
                fcntl.flock(self._writer_lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise OperationalError("database is locked") from None
                time.sleep(pause)
                pause = min(pause * 1.5, 0.002)
            else:
                self._writer_lock_held = True
                return

    def _release_writer_lock(self):
        if self._writer_lock_held:
            self._writer_lock_held = False
            fcntl.flock(self._writer_lock_fd, fcntl.LOCK_UN)

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_writer_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_writer_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_writer_lock()
            if self._writer_lock_fd is not None:
                os.close(self._writer_lock_fd)
                self._writer_lock_fd = None
