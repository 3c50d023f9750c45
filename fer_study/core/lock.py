"""One run per output folder: a lock file naming its holder, taken over when its holder is dead.

Two runs into one folder would train everything twice and overwrite each other's files. The lock
is a file created with O_EXCL (atomic on every local file system) holding the holder's pid, host
and start time. A second run is refused at once with those three. A lock whose holder is gone (a
run killed with -9 on this host) is stale and taken over; a lock held on another host is never
taken over automatically (its process cannot be checked from here).
"""

from __future__ import annotations

import datetime as _dt
import errno
import json
import os
import socket
from pathlib import Path


class FolderLocked(RuntimeError):
    """The folder is in use by another run; the message names it."""


class FolderLock:
    def __init__(self, folder: str | os.PathLike, name: str = ".fer-study.lock"):
        self.folder = Path(folder)
        self.path = self.folder / name
        self.taken_over: dict | None = None  # the stale holder's record, when one was replaced

    def acquire(self) -> FolderLock:
        self.folder.mkdir(parents=True, exist_ok=True)
        me = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        }
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                holder = self._holder()
                if holder is not None and not _stale(holder):
                    raise FolderLocked(
                        f"{self.folder} is in use by another fer-study run (pid {holder.get('pid')} on "
                        f"{holder.get('host')}, started {holder.get('started')}); wait for it, or use --out "
                        f"for another folder. If that run is gone, delete {self.path}."
                    ) from None
                self.taken_over = holder or {}
                self.path.unlink(missing_ok=True)  # stale: its holder is dead (or the file is empty)
                continue
            with os.fdopen(fd, "w") as fh:
                json.dump(me, fh)
            return self
        raise FolderLocked(f"{self.path}: could not take the lock (another run keeps taking it)")

    def release(self) -> None:
        holder = self._holder()
        if holder is not None and holder.get("pid") == os.getpid() and holder.get("host") == socket.gethostname():
            self.path.unlink(missing_ok=True)

    def _holder(self) -> dict | None:
        try:
            return json.loads(self.path.read_text() or "null")
        except (OSError, ValueError):
            return None

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _stale(holder: dict) -> bool:
    """A lock is stale when its holder ran on this host and no process with its pid is alive."""
    if holder.get("host") != socket.gethostname():
        return False
    try:
        os.kill(int(holder["pid"]), 0)
    except (KeyError, ValueError, TypeError):
        return True
    except OSError as err:
        return err.errno == errno.ESRCH
    return False
