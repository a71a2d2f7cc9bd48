"""Fetched images kept on disk, within a size limit: a file per URL (named by its hash),
the least recently used removed first once the folder grows past the limit. Best effort:
a cache that cannot be read or written is no cache, never an error. Called from threads."""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from pathlib import Path

_EVICT_TO = 0.8  # once over the limit, the oldest go until the folder is this full


class DiskCache:
    def __init__(self, folder: Path, limit: int) -> None:
        """``limit``: bytes the folder may hold (0: nothing is kept)."""
        self.folder = folder
        self.limit = limit
        self._lock = threading.Lock()
        self._total: int | None = None  # bytes held, once counted

    def _path(self, url: str) -> Path:
        return self.folder / hashlib.sha256(url.encode("utf-8", "replace")).hexdigest()

    def get(self, url: str) -> tuple[bytes, str | None] | None:
        """The body and content type kept for this URL, or None."""
        if self.limit <= 0:
            return None
        path = self._path(url)
        try:
            raw = path.read_bytes()
            now = time.time()
            os.utime(path, (now, now))  # recently used: evicted last
        except OSError:
            return None
        kind, newline, body = raw.partition(b"\n")
        if not newline:
            return None
        return body, kind.decode("ascii", "replace") or None

    def put(self, url: str, body: bytes, content_type: str | None) -> None:
        if self.limit <= 0 or len(body) > self.limit // 4:
            return
        kind = (content_type or "").encode("ascii", "replace").replace(b"\n", b" ")[:200]
        data = kind + b"\n" + body
        path = self._path(url)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        with self._lock:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                temporary.write_bytes(data)
                os.replace(temporary, path)
            except OSError:
                with contextlib.suppress(OSError):
                    temporary.unlink()
                return
            if self._total is None:
                self._total = self._count()
            else:
                self._total += len(data)
            if self._total > self.limit:
                self._evict()

    def _entries(self) -> list[tuple[float, int, Path]]:
        entries = []
        try:
            with os.scandir(self.folder) as found:
                for entry in found:
                    with contextlib.suppress(OSError):
                        info = entry.stat()
                        entries.append((info.st_mtime, info.st_size, Path(entry.path)))
        except OSError:
            pass
        return entries

    def _count(self) -> int:
        return sum(size for _, size, _ in self._entries())

    def _evict(self) -> None:
        """Remove the least recently used until the folder is well under the limit."""
        entries = sorted(self._entries())
        total = sum(size for _, size, _ in entries)
        for _, size, path in entries:
            if total <= self.limit * _EVICT_TO:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size
        self._total = total

    @property
    def size(self) -> int:
        """Bytes held now (a scan of the folder: for tests and the README's figures)."""
        return self._count()
