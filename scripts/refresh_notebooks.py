"""Re-execute the committed notebooks in place on the demo data (smoke profile), so the outputs that
nbval checks are the ones a fresh machine produces. Run after changing a notebook:

    .venv/bin/python scripts/refresh_notebooks.py [--out DIR] [NN ...]

`--out DIR` keeps the outputs under DIR/smoke (run store included) instead of a temporary folder,
so a second refresh loads what the first trained (its notebooks then say "loaded from the store"
where a fresh machine's say "ran"; nbval checks neither).
"""

import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from fer_study import runner

ROOT = Path(__file__).resolve().parents[1]


def main(only: list[str], out: str | None = None) -> None:
    with tempfile.TemporaryDirectory(prefix="fer-study-refresh-") as tmp:
        scratch = out or tmp
        os.environ.update(FER2013_PATH="demo", FER_STUDY_OUT=scratch)
        for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
            if only and path.name[:2] not in only:
                continue
            print("executing", path.name, flush=True)
            nb = nbformat.read(path, as_version=4)
            NotebookClient(
                nb,
                kernel_name="python3",
                resources={"metadata": {"path": str(path.parent)}},
                timeout=3600,
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            ).execute()
            nbformat.write(nb, path)
            # As the runner does for results: no execution times, no machine paths, timing cells
            # pointing to run.json, so a refresh changes only what the code changed.
            runner.scrub_notebook(path, {"out_dir": scratch})


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--out"]:
        main(args[2:], str(Path(args[1]).resolve()))
    else:
        main(args)
