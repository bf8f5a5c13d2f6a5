"""SQLite with writers queued on an operating-system file lock instead of SQLite's busy handler.

Why: SQLite makes a writer that finds the database locked sleep and retry (1, 2, 5, 10 ... ms), so with
several web workers most of a surge was spent asleep while the lock was free: under the intake benchmark
the processor sat 40% idle (docs/decisions.md). Here every transaction (Django's atomic blocks, which
BEGIN IMMEDIATE) first takes an exclusive `flock` on a file beside the database; the kernel wakes the
next waiter the moment the holder commits or rolls back, and releases the lock if its process dies.

Writes outside a transaction (autocommit) do not take it and keep SQLite's busy handler, so they can
neither deadlock with a transaction nor be starved by one for longer than the busy timeout.
"""

from __future__ import annotations

import fcntl
import os

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _writer_lock_fd: int | None = None
    _writer_lock_held = False

    def get_new_connection(self, conn_params):
        conn = super().get_new_connection(conn_params)
        if not self.is_in_memory_db() and self._writer_lock_fd is None:
            self._writer_lock_fd = os.open(f"{self.settings_dict['NAME']}-writers", os.O_RDWR | os.O_CREAT, 0o600)
        return conn

    def _start_transaction_under_autocommit(self):
        if self._writer_lock_fd is not None and not self._writer_lock_held:
            fcntl.flock(self._writer_lock_fd, fcntl.LOCK_EX)
            self._writer_lock_held = True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writer_lock()
            raise

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
