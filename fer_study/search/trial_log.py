"""An append-only JSON-lines log of search trials, so an interrupted search resumes without loss."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fer_study.core import atomic


class SearchStateError(ValueError):
    """A search log or checkpoint that cannot be read; the message names the file and the problem."""

    def __init__(self, path, problem: str):
        super().__init__(f"{path}: {problem}")


def trial_key(params: Mapping[str, Any]) -> str:
    """A canonical text for a parameter set: equal parameters, equal key."""
    return json.dumps(dict(params), sort_keys=True, separators=(",", ":"))


class TrialLog:
    """One JSON object per line, written and flushed to disk as each trial finishes."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.records: list[dict] = []
        self.dropped_partial_line = False
        if self.path.exists():
            self._read()

    def _read(self) -> None:
        lines = self.path.read_text().split("\n")
        # A kill during a write can leave the last line cut short; only that line may be dropped.
        last = max((i for i, line in enumerate(lines) if line.strip()), default=-1)
        for i, line in enumerate(lines):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                if not isinstance(rec, dict) or "key" not in rec:
                    raise ValueError("not a trial record (no 'key')")
            except ValueError as err:
                if i == last:
                    self.dropped_partial_line = True
                    continue
                raise SearchStateError(
                    self.path, f"line {i + 1} is not a trial record ({err}); fix or remove the line to resume"
                ) from None
            self.records.append(rec)
        if self.dropped_partial_line:  # rewrite without the cut line so appends stay well-formed
            # Atomically: a kill during the repair leaves the old file, never an empty one.
            atomic.write_text(self.path, "".join(json.dumps(r) + "\n" for r in self.records))

    def done(self) -> dict[str, dict]:
        return {r["key"]: r for r in self.records}

    def append(self, key: str, params: Mapping[str, Any], result: Mapping[str, Any]) -> dict:
        rec = {"key": key, "params": dict(params), **dict(result)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a+b") as fh:
            # A complete last record without its newline (a kill between the two writes of an
            # editor or another tool) must not be glued to this one.
            fh.seek(0, os.SEEK_END)
            if fh.tell() > 0:
                fh.seek(-1, os.SEEK_END)
                if fh.read(1) != b"\n":
                    fh.write(b"\n")
            fh.write((json.dumps(rec) + "\n").encode())
            fh.flush()
            os.fsync(fh.fileno())
        self.records.append(rec)
        return rec

    def keep(self, keys: set) -> int:
        """Drop every record whose key is not in `keys` (records of another budget or data left by
        an earlier run into the same folder: the run store keeps their trainings, so nothing is
        lost); rewritten atomically. Returns how many were dropped."""
        kept = [r for r in self.records if r["key"] in keys]
        dropped = len(self.records) - len(kept)
        if dropped:
            atomic.write_text(self.path, "".join(json.dumps(r) + "\n" for r in kept))
            self.records = kept
        return dropped
