"""Runs the study's notebooks in order with papermill and writes the run record (run.json)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, Callable, Mapping

from .core import provenance
from .data import load
from .core.paths import notebooks_dir, results_dir
from .profiles import resolve


class NotebookFailed(RuntimeError):
    """A notebook raised; the message names the notebook, the cell and where the partial copy is."""


def notebooks(only: list[str] | None = None) -> list[Path]:
    """The numbered notebooks in order, optionally only those whose number is in `only`."""
    found = sorted(notebooks_dir().glob("[0-9][0-9]_*.ipynb"))
    if only:
        wanted = {n.zfill(2) for n in only}
        unknown = wanted - {p.name[:2] for p in found}
        if unknown:
            raise ValueError(f"no notebook numbered {', '.join(sorted(unknown))} in {notebooks_dir()}")
        found = [p for p in found if p.name[:2] in wanted]
    return found


def default_profile(data: str | None) -> str:
    """smoke on demo data, cpu on a real FER2013."""
    from .data import resolve_path

    return "smoke" if resolve_path(data)[1] else "cpu"


def run(profile: str | None = None, data: str | None = None, out: str | Path | None = None,
        only: list[str] | None = None, overrides: Mapping[str, Any] | None = None,
        log: Callable[[str], None] = print) -> dict:
    """Execute the notebooks into `out` (default results/<profile>/) and return the run record."""
    profile = profile or default_profile(data)
    cfg = resolve(profile, overrides)  # fails early on an unknown profile or key
    dataset = load(data, verbose=False)
    if dataset.is_demo:
        log("!" * 78 + "\n!! DEMO DATA, NOT FER2013: every output of this run describes synthetic faces.\n" + "!" * 78)
    out = Path(out) if out else results_dir(profile)
    (out / "notebooks").mkdir(parents=True, exist_ok=True)
    todo = notebooks(only)
    record: dict[str, Any] = {
        "profile": profile, "seed": cfg["seed"], "settings": dict(cfg), "overrides": dict(overrides or {}),
        "data": dataset.provenance(), "command": sys.argv, "notebooks": [], "status": "running",
    }
    # Absolute: papermill runs each notebook with notebooks/ as its working directory.
    parameters = {"profile": profile, "data": str(Path(dataset.source).resolve()) if not dataset.is_demo else "demo",
                  "out_dir": str(out.resolve()), "overrides": dict(overrides or {})}
    started = time.time()
    try:
        for i, nb in enumerate(todo, 1):
            log(f"[{i}/{len(todo)}] {nb.name} (profile {profile}) ...")
            t0 = time.time()
            target = out / "notebooks" / nb.name
            try:
                _execute(nb, target, parameters)
            except Exception as err:
                entry = {"notebook": nb.name, "seconds": round(time.time() - t0, 1), "status": "failed"}
                record["notebooks"].append(entry)
                record["status"] = "failed"
                raise NotebookFailed(_describe_failure(nb, target, err)) from err
            seconds = round(time.time() - t0, 1)
            record["notebooks"].append({"notebook": nb.name, "seconds": seconds, "status": "ok"})
            log(f"      done in {seconds:.1f} s -> {target}")
        record["status"] = "ok"
    finally:
        record["wall_seconds"] = round(time.time() - started, 1)
        record["provenance"] = provenance.record()
        (out / "run.json").write_text(json.dumps(record, indent=2, default=str) + "\n")
    return record


def _execute(nb: Path, target: Path, parameters: dict) -> None:
    import papermill

    papermill.execute_notebook(
        str(nb), str(target), parameters=parameters, cwd=str(nb.parent),
        progress_bar=sys.stderr.isatty(), kernel_name="python3",
    )


def _describe_failure(nb: Path, target: Path, err: Exception) -> str:
    cell = getattr(err, "cell_index", None)
    ename = getattr(err, "ename", type(err).__name__)
    evalue = getattr(err, "evalue", str(err))
    where = f"cell {cell}" if cell is not None else "before any cell ran"
    return f"{nb.name} failed in {where}: {ename}: {evalue} (partly executed notebook kept at {target})"
