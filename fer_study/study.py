"""The one setup call every notebook makes: settings, data, outputs, the run store, the executor.

    from fer_study import study
    s = study.setup("03_basic_vs_improved", profile, data, out_dir, overrides)

replaces the preamble each notebook used to repeat, and prints what the run is (profile, data,
reductions against the papers) at the top of every notebook.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fer_study.core import profiles
from fer_study.data import FERData, load
from fer_study.nn.store import RunStore
from fer_study.reporting import report
from fer_study.search import executors


@dataclass
class Study:
    notebook: str
    cfg: Mapping[str, Any]
    data: FERData
    out: report.Outputs
    store: RunStore
    log: Callable[[str], None] = print
    _executor: Any = field(default=None, repr=False)

    @property
    def executor(self):
        """Where sets of independent trainings run (`executor` setting: inprocess, pool, dask);
        created on first use and closed by `close()`."""
        if self._executor is None:
            self._executor = executors.make(self.cfg["executor"], self.cfg["workers"], self.cfg["scheduler"])
        return self._executor

    def close(self) -> None:
        if self._executor is not None:
            self._executor.close()
            self._executor = None


def setup(
    notebook: str,
    profile: str,
    data: str | os.PathLike | None,
    out_dir: str | os.PathLike | None = None,
    overrides: Mapping[str, Any] | None = None,
    log: Callable[[str], None] = print,
) -> Study:
    """Resolve (and validate) the settings, load the data, open the outputs and the run store."""
    cfg = profiles.resolve(profile, overrides)
    dataset = load(data)
    out = report.Outputs(notebook, cfg, dataset.provenance(), out_dir or None)
    log(f"profile {cfg['profile']}: {cfg['description']}")
    log(f"reductions against the papers: {dict(cfg['reductions']) or 'none'}")
    return Study(notebook, cfg, dataset, out, RunStore(out.root / "runs", log=log), log)
