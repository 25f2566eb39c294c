"""Content-addressed store of every raw byte we fetched or were given.

Files live at ``<root>/<sha[:2]>/<sha>`` and are written once: a write goes to a temporary
file in the same directory and is renamed into place, so a crash never leaves a truncated
object under a valid name, and storing the same bytes twice is a no-op (idempotent re-runs).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO


class RawStore:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def put_bytes(self, data: bytes) -> str:
        """Store ``data``; return its sha256 (hex)."""
        return self.put_chunks([data])

    def put_stream(self, stream: BinaryIO, chunk_size: int = 1 << 20) -> str:
        return self.put_chunks(iter(lambda: stream.read(chunk_size), b""))

    def put_chunks(self, chunks: Iterable[bytes]) -> str:
        """Stream chunks to a temp file while hashing, then move it to its address."""
        self.root.mkdir(parents=True, exist_ok=True)
        h = hashlib.sha256()
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as f:
                for chunk in chunks:
                    h.update(chunk)
                    f.write(chunk)
            sha = h.hexdigest()
            dest = self.path_for(sha)
            if dest.is_file():
                os.unlink(tmp)
            else:
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp, dest)
            return sha
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def get(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()

    def discard_incomplete(self, older_than: float = 3600.0) -> int:
        """Delete temp files a killed writer left behind (never a stored object). Only files
        older than ``older_than`` seconds go, so a concurrent writer's temp file is safe."""
        if not self.root.is_dir():
            return 0
        cutoff = time.time() - older_than
        stale = [p for p in self.root.glob(".incoming-*") if p.stat().st_mtime < cutoff]
        for p in stale:
            p.unlink(missing_ok=True)
        return len(stale)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
