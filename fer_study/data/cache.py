"""Source checksums and the decoded-array cache, keyed by the source's sha256."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np

from ..core.paths import cache_dir
from .sources import RawData

# Bump when decoding or ordering changes, so stale caches are never read.
CACHE_VERSION = 1


def _fingerprint(path: Path) -> str:
    """Cheap identity of a file or folder (sizes and modification times), to avoid rehashing."""
    if path.is_dir():
        h = hashlib.sha256()
        for p in sorted(path.rglob("*")):
            if p.is_file():
                st = p.stat()
                h.update(f"{p.relative_to(path).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        return h.hexdigest()
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


def _hash_path(path: Path) -> str:
    h = hashlib.sha256()
    if path.is_dir():
        # A folder's checksum covers each file's relative path and bytes, in sorted order.
        for p in sorted(path.rglob("*")):
            if p.is_file():
                h.update(p.relative_to(path).as_posix().encode() + b"\0")
                h.update(hashlib.sha256(p.read_bytes()).digest())
        return h.hexdigest()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def source_sha256(path: Path) -> str:
    """sha256 of a source file (or of a folder's files); memoised by size and mtime."""
    path = path.resolve()
    index_file = cache_dir() / "sha256-index.json"
    try:
        index = json.loads(index_file.read_text())
    except (OSError, ValueError):
        index = {}
    fp = _fingerprint(path)
    entry = index.get(str(path))
    if entry and entry.get("fingerprint") == fp:
        return entry["sha256"]
    digest = _hash_path(path)
    index[str(path)] = {"fingerprint": fp, "sha256": digest}
    _atomic_write_text(index_file, json.dumps(index, indent=1))
    return digest


def _cache_file(sha256: str, skip_bad: bool) -> Path:
    return cache_dir() / f"{sha256}-v{CACHE_VERSION}{'-skipbad' if skip_bad else ''}.npz"


def load_cached(sha256: str, skip_bad: bool) -> RawData | None:
    f = _cache_file(sha256, skip_bad)
    if not f.exists():
        return None
    try:
        with np.load(f, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            return RawData(
                images=z["images"], labels=z["labels"], splits=z["splits"], names=z["names"],
                format=meta["format"], skipped=[tuple(s) for s in meta["skipped"]],
            )
    except (OSError, ValueError, KeyError):
        return None  # a damaged cache is rebuilt, never trusted


def store(sha256: str, skip_bad: bool, raw: RawData) -> None:
    f = _cache_file(sha256, skip_bad)
    f.parent.mkdir(parents=True, exist_ok=True)
    tmp = f.with_suffix(".tmp.npz")
    meta = json.dumps({"format": raw.format, "skipped": raw.skipped})
    np.savez(tmp, images=raw.images, labels=raw.labels, splits=raw.splits, names=raw.names, meta=np.asarray(meta))
    os.replace(tmp, f)


def _atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)
