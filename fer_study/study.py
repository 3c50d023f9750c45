"""The one setup call every notebook makes: settings, data, outputs, the run store, the executor.

    from fer_study import study
    s = study.setup("03_basic_vs_improved", profile, data, out_dir, overrides)

replaces the preamble each notebook used to repeat (notebook 07 reads summaries instead of data:
`setup_comparison`; notebook 08 reads saved models: `setup_detection`), and prints what the run is
(profile, data, reductions against the papers) at the top of every notebook.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fer_study.core import profiles
from fer_study.core.settings import Settings
from fer_study.data import FERData, load
from fer_study.nn import saved_models
from fer_study.nn.store import RunStore
from fer_study.reporting import comparison, report
from fer_study.search import executors


@dataclass
class Study:
    notebook: str
    st: Settings
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
            self._executor = executors.make(
                self.st.runtime.executor, self.st.runtime.workers, self.st.runtime.scheduler
            )
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
    st = profiles.resolve(profile, overrides)
    dataset = load(data)
    out = report.Outputs(notebook, st, dataset.provenance(), out_dir or None)
    log(f"profile {st.profile}: {st.description}")
    log(f"reductions against the papers: {dict(st.reductions) or 'none'}")
    return Study(notebook, st, dataset, out, RunStore(out.root / "runs", log=log), log)


@dataclass
class Comparison:
    """What notebook 07 works from: the other notebooks' summaries, not the data."""

    notebook: str
    st: Settings
    summaries: comparison.Summaries
    out: report.Outputs

    @property
    def data_label(self) -> str:
        return self.summaries.data_label


def setup_comparison(
    notebook: str,
    profile: str,
    out_dir: str | os.PathLike | None = None,
    overrides: Mapping[str, Any] | None = None,
    log: Callable[[str], None] = print,
) -> Comparison:
    """Settings, and every summary the earlier notebooks wrote under the same profile and folder
    (all on one data checksum); the outputs carry that data's provenance."""
    st = profiles.resolve(profile, overrides)
    summaries = comparison.load_summaries(report.Outputs.root_for(st, out_dir or None))
    data = summaries.data
    out = report.Outputs(notebook, st, data, out_dir or None)
    log(f"profile {st.profile}: {st.description}")
    log(f"data: {data['data_label']} {data['sha256'][:12]}")
    return Comparison(notebook, st, summaries, out)


@dataclass
class Detection:
    """What notebook 08 works from: the models notebook 03 saved, not the data."""

    notebook: str
    st: Settings
    models: dict[str, tuple[Any, dict]]  # name -> (Keras model, its metadata)
    out: report.Outputs


def setup_detection(
    notebook: str,
    profile: str,
    out_dir: str | os.PathLike | None = None,
    overrides: Mapping[str, Any] | None = None,
    log: Callable[[str], None] = print,
) -> Detection:
    """Settings and the saved models named by `d_models`; the outputs carry the provenance of the
    data those models were trained on."""
    st = profiles.resolve(profile, overrides)
    root = report.Outputs.root_for(st, out_dir or None)
    models = {name: saved_models.load(str(root / "models" / f"{name}.json")) for name in st.detection.d_models}
    meta = models[st.detection.d_models[0]][1]
    out = report.Outputs(notebook, st, {"data_label": meta["data"], "sha256": meta["data_sha256"]}, out_dir or None)
    log(f"profile {st.profile}: {st.description}")
    for name, (_, m) in models.items():
        log(f"{name}: trained by {m['notebook']} on {m['data']} (profile {m['profile']}), classes {m['classes']}")
    return Detection(notebook, st, models, out)
