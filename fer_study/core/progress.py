"""One-line progress for long work, in JupyterLab and in a terminal, without spamming saved notebooks.

In a notebook the line is one display output updated in place (the saved notebook keeps only its
last state); in a terminal it is rewritten with a carriage return; elsewhere (a log file) a line is
written every `every` steps and at the end. Each line says how far, how long so far and about how
long is left.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

# A file that receives each long step's latest progress line besides its own display: `fer-study
# run` sets it (the kernel and its training processes inherit it) and prints from it, so a terminal
# sees a training's progress while a notebook runs, not only the notebook's start and end.
MIRROR_ENV = "FER_STUDY_PROGRESS"


def _hms(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def span(seconds: float) -> str:
    """A duration for prose, in one unit: hours to one decimal from an hour up, whole minutes from a
    minute up, else seconds."""
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.0f} min" if seconds >= 60 else f"{seconds:.0f} s"


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def mirror(line: str) -> None:
    """Write `line` to the file MIRROR_ENV names, if any (whole, by a rename; never fatal)."""
    path = os.environ.get(MIRROR_ENV)
    if not path:
        return
    tmp = Path(f"{path}.{os.getpid()}.tmp")
    try:
        tmp.write_text(line + "\n")
        os.replace(tmp, path)
    except OSError:
        pass


def latest(path: str | os.PathLike) -> str:
    """The line `mirror` last wrote to `path` ('' when none yet)."""
    try:
        return Path(path).read_text().strip()
    except OSError:
        return ""


class Progress:
    """`with Progress(total, "training x") as p: ... p.update(note="val 0.61")`. With `cap`, `total`
    is only an upper bound (a training that stops early): the line gives the time per step instead of
    a time left that the cap alone would make up."""

    def __init__(self, total: int, label: str, every: int = 10, stream=None, enabled: bool = True, cap: bool = False):
        self.total, self.label, self.every = max(int(total), 1), label, max(int(every), 1)
        self.cap = cap
        self.done, self.note, self.started = 0, "", time.monotonic()
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.mode = (
            "notebook"
            if enabled and _in_notebook()
            else "tty"
            if enabled and getattr(self.stream, "isatty", lambda: False)()
            else "lines"
        )
        self._handle = None

    def text(self) -> str:
        elapsed = time.monotonic() - self.started
        note = f" · {self.note}" if self.note else ""
        if self.cap:
            each = f", {_hms(elapsed / self.done)} each" if self.done else ""
            return f"{self.label}: {self.done} of at most {self.total} ({_hms(elapsed)} so far{each}; it stops early){note}"
        left = elapsed / self.done * (self.total - self.done) if self.done else None
        eta = "" if left is None or self.done >= self.total else f", about {_hms(left)} left"
        return f"{self.label}: {self.done}/{self.total} ({_hms(elapsed)} so far{eta}){note}"

    def update(self, n: int = 1, note: str = "") -> None:
        self.done = min(self.done + n, self.total)
        self.note = note or self.note
        if not self.enabled:
            return
        mirror(self.text())
        if self.mode == "notebook":
            from IPython.display import display

            if self._handle is None:
                self._handle = display({"text/plain": self.text()}, raw=True, display_id=True)
            else:
                self._handle.update({"text/plain": self.text()}, raw=True)
        elif self.mode == "tty":
            self.stream.write("\r" + self.text()[:160].ljust(80))
            self.stream.flush()
        elif self.done % self.every == 0 or self.done == self.total:
            self.stream.write(self.text() + "\n")
            self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        if self.enabled and self.mode == "tty":
            self.stream.write("\n")
            self.stream.flush()
