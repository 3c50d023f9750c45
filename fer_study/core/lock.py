"""One run per output folder: a lock file naming its holder, held with flock for the run's life.

Two runs into one folder would train everything twice and overwrite each other's files. The lock
is an exclusive `flock` on `.fer-study.lock`, taken without waiting; the kernel drops it when its
holder exits, however it exits, so a killed run never leaves a lock behind and nothing has to
guess whether a lock is stale. The file's content (pid, host, start time) only names the holder
in the refusal; it is written after the lock is held, so a starter never judges a lock by an
empty or half-written file (the first design created the file and filled it afterwards, and 8
racing starters saw 2-4 holders at once). A record left by a killed run is reported as taken over.
For safety a record naming a live process (a run of an older version, which did not flock) or
another host (whose flock may not reach this one) is still refused.
"""

from __future__ import annotations

import datetime as _dt
import errno
import fcntl
import json
import os
import socket
import time
from pathlib import Path

from fer_study.core.atomic import OutputError


class FolderLocked(RuntimeError):
    """The folder is in use by another run; the message names it."""


class FolderLock:
    def __init__(self, folder: str | os.PathLike, name: str = ".fer-study.lock"):
        self.folder = Path(folder)
        self.path = self.folder / name
        self.taken_over: dict | None = None  # the gone holder's record, when one was left behind
        self._fd: int | None = None

    def acquire(self) -> FolderLock:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as err:  # a read-only or unwritable folder: one line naming it (issue 36)
            raise OutputError(self.path, err) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            os.close(fd)
            if err.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            raise FolderLocked(self._refusal(self._holder(wait=True))) from None
        previous = self._read(fd)
        mine = (
            previous is not None and previous.get("pid") == os.getpid() and previous.get("host") == socket.gethostname()
        )
        if previous is not None and not mine and not _stale(previous):
            os.close(fd)  # drops the flock
            raise FolderLocked(self._refusal(previous))
        self.taken_over = previous if previous and not mine else None
        me = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(me).encode(), 0)
        os.fsync(fd)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        # Emptied, not deleted: a starter that opened the old file must not lock a vanished inode.
        os.ftruncate(self._fd, 0)
        os.close(self._fd)  # drops the flock
        self._fd = None

    def _refusal(self, holder: dict | None) -> str:
        holder = holder or {}
        return (
            f"{self.folder} is in use by another fer-study run (pid {holder.get('pid', '?')} on "
            f"{holder.get('host', '?')}, started {holder.get('started', '?')}); wait for it, or use --out "
            f"for another folder. If that run is gone, delete {self.path}."
        )

    @staticmethod
    def _read(fd: int) -> dict | None:
        raw = os.pread(fd, 1 << 16, 0)
        try:
            rec = json.loads(raw or b"null")
        except (ValueError, RecursionError):  # a nesting bomb is as unreadable as bad JSON (issue 36)
            return None
        return rec if isinstance(rec, dict) else None

    def _holder(self, wait: bool = False) -> dict | None:
        # The holder writes its record right after taking the lock: give it a moment.
        for _ in range(20 if wait else 1):
            try:
                rec = json.loads(self.path.read_text() or "null")
                if isinstance(rec, dict):
                    return rec
            except (OSError, ValueError, RecursionError):
                pass
            time.sleep(0.05)
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
    except (KeyError, ValueError, TypeError, OverflowError):
        return True
    except OSError as err:
        return err.errno == errno.ESRCH
    return False
