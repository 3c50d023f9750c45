"""Atomic file writes: a reader sees the old file or the whole new one, never a part.

Every output the study writes (tables, figures, summaries, run records, stored runs, checkpoints)
goes through here: write to a temporary file in the same folder, fsync, then rename over the
target. A kill, a full disk or a read-only folder therefore never leaves a truncated file behind,
and the error says which path failed and why in one line.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any


class OutputError(OSError):
    """An output could not be written; the message names the path and the cause, in one line."""

    def __init__(self, path: os.PathLike | str, cause: BaseException):
        reason = os.strerror(cause.errno) if isinstance(cause, OSError) and cause.errno else str(cause)
        if isinstance(cause, OSError) and cause.errno == errno.ENOSPC:
            reason = "no space left on the device"
        super().__init__(getattr(cause, "errno", None) or 0, f"cannot write {path}: {reason}")
        self.path = str(path)

    def __str__(self) -> str:
        return self.args[1]


@contextlib.contextmanager
def replacing(path: os.PathLike | str, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it is fsynced and renamed over `path`.

    `suffix` keeps a file extension on the temporary name where a writer insists on one
    (numpy adds ".npz", matplotlib picks the format from the name)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".tmp{suffix}", dir=path.parent)
        os.close(fd)
    except OSError as err:
        raise OutputError(path, err) from None
    tmp = Path(tmp_name)
    try:
        yield tmp
        _fsync(tmp)
        # mkstemp creates 0600; the output gets the mode any new file gets here (the umask), so a
        # web server or a colleague can read a results folder as it is.
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise OutputError(path, err) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def current_umask() -> int:
    """The process's umask (read by setting it and setting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_bytes(path: os.PathLike | str, data: bytes) -> Path:
    with replacing(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(path: os.PathLike | str, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))


def write_json(path: os.PathLike | str, obj: Any, default: Callable[[Any], Any] | None = None) -> Path:
    return write_text(path, json.dumps(obj, indent=2, default=default) + "\n")


def write_with(path: os.PathLike | str, writer: Callable[[Path], None], suffix: str = "") -> Path:
    """Let `writer(tmp)` write the file (numpy, matplotlib, Keras), then move it into place."""
    with replacing(path, suffix) as tmp:
        writer(tmp)
    return Path(path)


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not every platform can open a folder.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
