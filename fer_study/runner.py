"""Runs the study's notebooks in order with papermill and writes the run record (run.json)."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from fer_study.core import atomic, progress, provenance
from fer_study.core.lock import FolderLock
from fer_study.core.paths import check_output_folder, notebooks_dir, results_dir
from fer_study.core.profiles import resolve
from fer_study.core.quiet import check_backend
from fer_study.data import load, resolve_path


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
    return "smoke" if resolve_path(data)[1] else "cpu"


def run(
    profile: str | None = None,
    data: str | None = None,
    out: str | Path | None = None,
    only: list[str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    log: Callable[[str], None] = print,
) -> dict:
    """Execute the notebooks into `out` (default results/<profile>/) and return the run record."""
    profile = profile or default_profile(data)
    st = resolve(profile, overrides)  # fails early on an unknown profile or key
    check_backend()  # a missing Keras backend is one line, before anything is written
    dataset = load(data, verbose=False)
    if dataset.is_demo:
        log("!" * 78 + "\n!! DEMO DATA, NOT FER2013: every output of this run describes synthetic faces.\n" + "!" * 78)
    out = check_output_folder(out) if out else results_dir(profile)
    todo = notebooks(only)
    try:
        lock = FolderLock(out).acquire()  # refuses at once while another run writes here
    except OSError as err:
        raise atomic.OutputError(out, err) from None
    if lock.taken_over is not None:
        log(
            f"took over the lock of a run that is gone (pid {lock.taken_over.get('pid')}, "
            f"started {lock.taken_over.get('started')}); its finished trainings are in {out / 'runs'}"
        )
    try:
        return _run_locked(profile, st, dataset, out, todo, overrides, log)
    finally:
        lock.release()


def remove_debris(out: Path) -> list[Path]:
    """Temporary files a killed run left behind: notebooks in progress (`.NN_*.tmp.ipynb`, about
    1-3 MB each), half-written store entries (`runs/.KEY.*`, a few MB) and other atomic writes'
    temporaries. Called under the folder's lock, so no live run owns them. Returns what it removed."""
    partial = out / "runs" / ".partial"
    gone = _stored_checkpoints(out, partial)
    for folder in [out / "notebooks", out / "runs", partial, out / "summaries", out / "tables", out / "figures", out]:
        if folder.is_dir():
            gone += _temporaries(folder)
    return gone


def _stored_checkpoints(out: Path, partial: Path) -> list[Path]:
    """A checkpoint whose training is already stored (a kill between storing and deleting it) is
    debris too: nothing resumes from it (issue 36; 14 MB each for a smoke basic CNN). Removes them."""
    gone = []
    for p in sorted(partial.glob("*.npz")) if partial.is_dir() else []:
        if not p.name.startswith(".") and (out / "runs" / p.stem / "run.json").is_file():
            p.unlink(missing_ok=True)
            gone.append(p)
    return gone


def _temporaries(folder: Path) -> list[Path]:
    """Removes the atomic writes' temporaries in `folder` (`.*.tmp*` files; under runs/, the
    half-written `.KEY.*` entries) and returns them."""
    import shutil

    gone = []
    for p in folder.iterdir():
        temp_file = p.is_file() and p.name.startswith(".") and ".tmp" in p.name
        temp_entry = folder.name == "runs" and p.is_dir() and p.name.startswith(".") and p.name != ".partial"
        if temp_entry:
            shutil.rmtree(p, ignore_errors=True)
        elif temp_file:
            p.unlink(missing_ok=True)
        if temp_file or temp_entry:
            gone.append(p)
    return gone


# The models notebook 08 reads and the notebook that saves each (settings.MODEL_NAMES).
MODEL_MAKERS = {"improved-cnn": "03", "basic-cnn": "03", "ga-best": "05"}


def preflight(out: Path, st, sha256: str, todo: list[Path]) -> None:
    """Refuse, before anything is written, a run its notebooks would refuse halfway (issue 36: a
    refused run replaced the folder's run.json and last good notebook with failed ones): a folder
    of another profile or data, and summaries or models a notebook reads that this run neither
    finds at this code's schema nor makes."""
    from fer_study.core import schema
    from fer_study.core.paths import check_folder_holds, read_json_object

    check_folder_holds(out, st.profile, sha256)
    rerun = {nb.name[:2] for nb in todo}
    if "07" in rerun:
        from fer_study.reporting.comparison import NOTEBOOKS, OPTIONAL

        for name in (*NOTEBOOKS, *OPTIONAL):
            path = out / "summaries" / f"{name}.json"
            if name[:2] in rerun or (name in OPTIONAL and not path.exists()):
                continue
            if not path.exists():
                raise ValueError(f"{path}: missing, and notebook 07 reads it; run notebook {name[:2]} too")
            version = read_json_object(path).get("schema_version", 1)
            if version != schema.VERSION:
                raise ValueError(
                    f"{path}: summary schema {version}, but this code writes schema {schema.VERSION} and notebook 07 "
                    f"reads it; run notebook {name[:2]} too (or the whole study)"
                )
    if "08" in rerun:
        for name in st.detection.d_models:
            index = out / "models" / f"{name}.json"
            if MODEL_MAKERS[name] not in rerun and not index.exists():
                raise ValueError(f"{index}: missing, and notebook 08 reads it; run notebook {MODEL_MAKERS[name]} too")


def _run_locked(profile, st, dataset, out: Path, todo: list[Path], overrides, log) -> dict:
    preflight(out, st, dataset.sha256, todo)
    try:
        (out / "notebooks").mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise atomic.OutputError(out / "notebooks", err) from None
    debris = remove_debris(out)
    if debris:
        log(f"removed {len(debris)} temporary file(s) an interrupted run left in {out}")
    record: dict[str, Any] = {
        "profile": profile,
        "seed": st.runtime.seed,
        "settings": st.to_json(),
        "overrides": dict(overrides or {}),
        "data": dataset.provenance(),
        "command": command_line(),
        "notebooks": [],
        "status": "running",
        "out": _shown(out),
    }
    # Absolute: papermill runs each notebook with notebooks/ as its working directory.
    parameters = {
        "profile": profile,
        "data": str(Path(dataset.source).resolve()) if not dataset.is_demo else "demo",
        "out_dir": str(out.resolve()),
        "overrides": dict(overrides or {}),
    }
    started = time.monotonic()
    before = _entries(out)
    try:
        for i, nb in enumerate(todo, 1):
            elapsed = time.monotonic() - started
            log(f"[{i}/{len(todo)}] {nb.name} (profile {profile}; {elapsed / 60:.0f} min so far) ...")
            t0 = time.monotonic()
            target = out / "notebooks" / nb.name
            try:
                with _relay_progress(out, log):
                    _execute(nb, target, parameters)
            except KeyboardInterrupt:
                # Ctrl-C: the record says so (it said "running"); the CLI ends in one line.
                entry = {"notebook": nb.name, "seconds": round(time.monotonic() - t0, 1), "status": "interrupted"}
                record["notebooks"].append(entry)
                record["status"] = "interrupted"
                raise
            except Exception as err:
                entry = {"notebook": nb.name, "seconds": round(time.monotonic() - t0, 1), "status": "failed"}
                record["notebooks"].append(entry)
                record["status"] = "failed"
                raise NotebookFailed(_describe_failure(nb, target, err)) from err
            seconds = round(time.monotonic() - t0, 1)
            record["notebooks"].append({"notebook": nb.name, "seconds": seconds, "status": "ok"})
            log(f"      done in {seconds:.1f} s -> {target}")
        record["status"] = "ok"
    finally:
        record["wall_seconds"] = round(time.monotonic() - started, 1)
        record["training"] = _training_time(out)
        record["timings"] = _timings(out)
        record["trained_now"] = len(_entries(out) - before)  # trainings this command ran (the rest loaded)
        record["provenance"] = provenance.record()
        atomic.write_text(out / "run.json", json.dumps(record, indent=2, default=str) + "\n")
    return {**record, "out_path": str(out)}  # where it is on this machine: for the caller, not run.json


def _entries(out: Path) -> set:
    runs = out / "runs"
    return {p.name for p in runs.iterdir() if p.is_dir() and not p.name.startswith(".")} if runs.is_dir() else set()


def _shown(path: Path) -> str:
    """A folder as a committed file may name it: relative to the checkout, or by its own name."""
    from fer_study.core.paths import project_root

    path, home = Path(path).resolve(), project_root().resolve()
    return path.relative_to(home).as_posix() if path.is_relative_to(home) else path.name


def _timings(out: Path) -> dict:
    """What the notebooks measured that depends on the machine and its load (timings/*.json, not
    committed), gathered here: run.json is the one committed file allowed to change between runs."""
    found = {}
    for path in sorted((out / "timings").glob("*.json")):
        try:
            found[path.stem] = json.loads(path.read_text())
        except (OSError, ValueError) as err:
            found[path.stem] = {"error": f"{type(err).__name__}: {err}"}
    return found


def _training_time(out: Path) -> dict:
    """The stored trainings' own time per notebook (the wall time above may be a re-render that loaded
    them). Imported here, not at the top: the store loads Keras, which `fer-study --help` need not."""
    from fer_study.core.quiet import BackendMissing

    try:
        from fer_study.nn.store import training_time

        return training_time(out)
    except (OSError, ValueError, KeyError, TypeError, BackendMissing) as err:  # must not cost the run record
        return {"error": f"{type(err).__name__}: {err}"}


def command_line() -> str:
    """The command as the user typed it (the console script's name, not __main__.py's path), with
    absolute paths shown by their names: run.json is committed, and names no machine's folders."""
    prog = Path(sys.argv[0]).name
    prog = "fer-study" if prog in ("__main__.py", "fer-study") else prog
    args = [Path(a).name if a.startswith("/") else a for a in sys.argv[1:]]
    return shlex.join([prog, *args])


@contextlib.contextmanager
def _relay_progress(out: Path, log, every: float = 60.0, poll: float = 2.0):
    """While a notebook runs, print its latest progress line (a training's epoch, a search's
    genomes; core.progress.mirror) at most every `every` seconds, when it has changed."""
    path = out / "provenance" / ".progress"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    old = os.environ.get(progress.MIRROR_ENV)
    os.environ[progress.MIRROR_ENV] = str(path)
    stop = threading.Event()

    def relay() -> None:
        shown, last = "", time.monotonic()
        while not stop.wait(poll):
            line = progress.latest(path)
            if line and line != shown and time.monotonic() - last >= every:
                log(f"      {line}")
                shown, last = line, time.monotonic()

    thread = threading.Thread(target=relay, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        if old is None:
            os.environ.pop(progress.MIRROR_ENV, None)
        else:
            os.environ[progress.MIRROR_ENV] = old
        path.unlink(missing_ok=True)


def _execute(nb: Path, target: Path, parameters: dict) -> None:
    """Execute into a temporary file beside `target` and move it into place, so `target` is always
    a whole notebook (papermill rewrites its output after every cell). A failed run's partial
    notebook is moved into place too, for the reader to see where it stopped."""
    with atomic.replacing(target, suffix=".ipynb") as tmp:
        try:
            _papermill_into(tmp, nb, parameters)
            scrub_notebook(tmp, parameters)
        except Exception as err:
            # The partial notebook shows where a failed run stopped, but only a whole one replaces
            # the last good notebook: a full disk leaves a truncated file that must not.
            if tmp.exists() and _is_notebook(tmp):
                scrub_notebook(tmp, parameters)
                tmp.replace(target)
            raise err


def _papermill_into(tmp: Path, nb: Path, parameters: dict) -> None:
    import papermill

    papermill.execute_notebook(
        str(nb),
        str(tmp),
        parameters=parameters,
        cwd=str(nb.parent),
        progress_bar=sys.stderr.isatty(),
        kernel_name="python3",
        # The kernel's own log lines (plain-TCP transport on localhost; a KeyboardInterrupt when
        # papermill shuts it down; asyncio's "Task was destroyed but it is pending!" as its event
        # loop is torn down) are about Jupyter, not the study. A failing cell still fails the run:
        # its error travels in the execution reply, not in these logs.
        extra_arguments=[
            "--IPKernelApp.log_level=CRITICAL",
            "--IPKernelApp.exec_lines=import logging as _l; _l.getLogger('asyncio').setLevel(50); del _l",
        ],
    )


def merge_streams(outputs: list[dict]) -> list[dict]:
    """A cell's outputs with each run of consecutive stdout (or stderr) chunks as one output: how the
    kernel chunks printed text depends on timing (two prints can arrive as one message or two), so
    the same run would otherwise store different bytes from one re-render to the next."""
    merged: list[dict] = []
    for o in outputs:
        last = merged[-1] if merged else None
        if (
            o.get("output_type") == "stream"
            and last is not None
            and last.get("output_type") == "stream"
            and last.get("name") == o.get("name")
        ):
            prev = last["text"] if isinstance(last["text"], str) else "".join(last["text"])
            more = o["text"] if isinstance(o["text"], str) else "".join(o["text"])
            last["text"] = (prev + more).splitlines(keepends=True)
        else:
            merged.append(dict(o))
    return merged


def scrub_notebook(path: Path, parameters: dict) -> None:
    """Make an executed notebook the same bytes on every re-render and every machine: papermill's
    times, durations and paths go (run.json keeps the times), the injected-parameters cell gets a
    fixed id, and this machine's folders are written relative (the results folder as
    `results/<profile>`, the checkout as `.`, the data by its file name)."""
    body = json.loads(path.read_text())
    pm = body.get("metadata", {}).get("papermill", {})
    body.setdefault("metadata", {})["papermill"] = {k: pm[k] for k in ("parameters", "version", "exception") if k in pm}
    for cell in body.get("cells", []):
        _scrub_cell(cell)
    text = json.dumps(body, indent=1, ensure_ascii=False) + "\n"
    for absolute, shown in _relative_paths(parameters):
        text = text.replace(absolute, shown)
    path.write_text(text)


def _scrub_cell(cell: dict) -> None:
    """One cell without papermill's times and paths; the injected parameters under a fixed id; a
    timing cell's output pointing at run.json; its streams merged."""
    meta = cell.get("metadata", {})
    meta.pop("execution", None)
    if "papermill" in meta:
        meta["papermill"] = {k: v for k, v in meta["papermill"].items() if k in ("exception", "status")}
    if "injected-parameters" in meta.get("tags", []):
        cell["id"] = "injected-parameters"
    if "timing" in meta.get("tags", []) and cell.get("outputs"):
        # Measured on this machine under its load (frames per second): kept in run.json.
        cell["outputs"] = [
            {
                "name": "stdout",
                "output_type": "stream",
                "text": ['(machine-dependent timing: see run.json, "timings")\n'],
            }
        ]
    if cell.get("outputs"):
        cell["outputs"] = merge_streams(cell["outputs"])


def _relative_paths(parameters: dict) -> list[tuple[str, str]]:
    """(this machine's path, what the notebook shows instead): the data by its file name, the
    results folder relative to the checkout, the checkout as `.`."""
    from fer_study.core.paths import project_root

    out = Path(parameters.get("out_dir", "")).resolve() if parameters.get("out_dir") else None
    home = project_root().resolve()
    swaps = []
    data = parameters.get("data", "")
    if data and data != "demo" and Path(data).is_absolute():
        swaps.append((data, Path(data).name))
    if out is not None:
        swaps.append((str(out), out.relative_to(home).as_posix() if out.is_relative_to(home) else out.name))
    swaps.append((str(home), "."))
    return swaps


def _is_notebook(path: Path) -> bool:
    try:
        body = json.loads(path.read_text())
    except (OSError, ValueError):
        return False
    return isinstance(body, dict) and isinstance(body.get("cells"), list)


def _describe_failure(nb: Path, target: Path, err: Exception) -> str:
    """One line: which notebook, which cell (papermill numbers cells from 0), what went wrong."""
    name = type(err).__name__
    if isinstance(err, atomic.OutputError):
        return f"{nb.name}: {err}"
    if name == "DeadKernelError" or "Kernel died" in str(err):
        return f"{nb.name}: the notebook's kernel died (killed, or out of memory); partly executed notebook at {target}"
    cell = getattr(err, "cell_index", None)
    if cell is None:
        cell = getattr(err, "exec_count", None)
    ename = getattr(err, "ename", name)
    lines = str(getattr(err, "evalue", err)).strip().splitlines()
    evalue = lines[-1] if lines else ""
    where = f"cell {cell}" if cell is not None else "outside its cells"
    return f"{nb.name} failed in {where}: {ename}: {evalue} (partly executed notebook kept at {target})"
