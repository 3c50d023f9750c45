"""Source checksums and the decoded-array cache, keyed by the source's sha256."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

from fer_study.core import atomic
from fer_study.core.paths import cache_dir
from fer_study.data.sources import RawData

# Bump when decoding or ordering changes, so stale caches are never read.
CACHE_VERSION = 2


def _hash_path(path: Path) -> str:
    if path.is_dir():
        # A folder's checksum covers each file's relative path and bytes, in sorted order.
        h = hashlib.sha256()
        for p in sorted(path.rglob("*")):
            if p.is_file():
                h.update(p.relative_to(path).as_posix().encode() + b"\0")
                h.update(bytes.fromhex(_hash_file(p)))
        return h.hexdigest()
    return _hash_file(path)


def _hash_file(path: Path) -> str:
    """In blocks: a 2 GiB file in a folder once cost 2 GB of memory to hash (issue 36)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def source_sha256(path: Path) -> str:
    """sha256 of a source file (or of a folder's files), computed on every load.

    Not memoised by size and modification time: `cp -p`, `rsync -t` and unzip keep both, so a
    swapped file would report the old checksum and load the old arrays. Hashing the 71 MB zip
    takes well under a second (BENCHMARKS.md, data loading)."""
    return _hash_path(path.resolve())


def _cache_file(sha256: str, skip_bad: bool) -> Path:
    return cache_dir() / f"{sha256}-v{CACHE_VERSION}{'-skipbad' if skip_bad else ''}.npz"


def _arrays_sha256(images, labels, splits, names) -> str:
    """A checksum of the decoded arrays, kept beside them: a damaged or altered cache is noticed."""
    h = hashlib.sha256()
    for arr in (images, labels, splits):
        h.update(np.ascontiguousarray(arr).tobytes())
    h.update("\n".join(map(str, names)).encode())
    return h.hexdigest()


def load_cached(sha256: str, skip_bad: bool, warn=None) -> RawData | None:
    """The cached arrays of a source, or None when there are none or they cannot be trusted (a
    damaged or altered cache is deleted with a one-line warning naming it, then rebuilt)."""
    f = _cache_file(sha256, skip_bad)
    if not f.exists():
        return None
    try:
        with np.load(f, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            raw = RawData(
                images=z["images"],
                labels=z["labels"],
                splits=z["splits"],
                names=z["names"],
                format=meta["format"],
                skipped=[tuple(s) for s in meta["skipped"]],
            )
        if "source_sha256" not in meta:
            raise ValueError("it was written before caches recorded their source")
        if meta["source_sha256"] != sha256:
            # A cache copied or renamed under another source's checksum would serve that source's images.
            raise ValueError(f"it was made from another source (sha256 {str(meta['source_sha256'])[:12]})")
        if meta.get("arrays_sha256") != _arrays_sha256(raw.images, raw.labels, raw.splits, raw.names):
            raise ValueError("its arrays do not match their checksum")
        return raw
    except Exception as err:  # noqa: BLE001 - zip, CRC, JSON or checksum: the same answer for each
        (warn or _warn)(
            f"warning: data cache {f} is damaged ({type(err).__name__}: {err}); rebuilding it from the source"
        )
        f.unlink(missing_ok=True)
        return None


def store(sha256: str, skip_bad: bool, raw: RawData) -> None:
    f = _cache_file(sha256, skip_bad)
    meta = json.dumps(
        {
            "source_sha256": sha256,
            "format": raw.format,
            "skipped": raw.skipped,
            "arrays_sha256": _arrays_sha256(raw.images, raw.labels, raw.splits, raw.names),
        }
    )
    try:
        atomic.write_with(
            f,
            lambda tmp: np.savez(
                tmp, images=raw.images, labels=raw.labels, splits=raw.splits, names=raw.names, meta=np.asarray(meta)
            ),
            suffix=".npz",
        )
    except atomic.OutputError as err:  # a cache that cannot be written costs time, not correctness
        _warn(f"warning: {err} (the data loads without a cache)")


def _warn(message: str) -> None:
    print(message, file=sys.stderr)
