"""The content-addressed raw store: write-once, idempotent, crash-safe."""

from __future__ import annotations

import hashlib
import os
import time

from xxgk.rawstore import RawStore


def test_put_is_content_addressed_and_idempotent(tmp_path):
    store = RawStore(tmp_path)
    sha = store.put_bytes(b"report")
    assert sha == hashlib.sha256(b"report").hexdigest()
    assert store.path_for(sha) == tmp_path / sha[:2] / sha
    assert store.put_bytes(b"report") == sha
    assert store.get(sha) == b"report"
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [sha]


def test_stale_temp_files_of_a_killed_writer_are_discarded(tmp_path):
    store = RawStore(tmp_path)
    sha = store.put_bytes(b"kept")
    old = tmp_path / ".incoming-killed"
    old.write_bytes(b"half a pdf")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    fresh = tmp_path / ".incoming-writing"
    fresh.write_bytes(b"being written")
    assert store.discard_incomplete() == 1
    assert not old.exists() and fresh.exists() and store.has(sha)
