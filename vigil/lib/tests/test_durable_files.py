"""write_atomically: the whole file or nothing, and no temporary file left behind."""

from __future__ import annotations

import pytest

from vigil.lib import durable_files


def test_it_writes_the_whole_file_and_replaces_an_older_one(tmp_path):
    target = tmp_path / "sealed" / "one.sealed"
    durable_files.write_atomically(target, b"first")
    durable_files.write_atomically(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["one.sealed"]


def test_it_leaves_nothing_when_the_write_fails(tmp_path, monkeypatch):
    target = tmp_path / "two.sealed"

    def no_room(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(durable_files.os, "replace", no_room)
    with pytest.raises(OSError):
        durable_files.write_atomically(target, b"data")
    assert list(tmp_path.iterdir()) == []
