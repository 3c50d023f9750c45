"""Writing a notebook's outputs: figures (PNG+PDF), tables (CSV+Markdown) and its JSON summary."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from fer_study.core import atomic, paths, provenance, schema
from fer_study.core.paths import results_dir
from fer_study.core.settings import Settings
from fer_study.reporting import figures as figs
from fer_study.reporting import latex as tex


def markdown(df: pd.DataFrame, index: bool = False) -> str:
    """`df` as a Markdown table whose columns holding text print as the code wrote them: tabulate would
    read "1e-04" as a number and print it 0.0001 beside a neighbour's 1e-08."""
    shift = 1 if index else 0
    text = [i + shift for i, (_, col) in enumerate(df.items()) if any(isinstance(v, str) and v for v in col)]
    return df.to_markdown(index=index, disable_numparse=text or False)


MixedOutputsError = paths.MixedOutputsError  # where notebooks and tests have always found it


class Outputs:
    """Files one notebook writes under results/<profile>/, each stamped with data and profile."""

    def __init__(
        self,
        notebook: str,
        st: Settings,
        data_provenance: Mapping[str, Any],
        out_dir: str | os.PathLike | None = None,
    ):
        self.notebook = notebook
        self.st = st
        self.data = dict(data_provenance)
        self.root = self.root_for(st, out_dir)
        if out_dir:
            paths.check_output_folder(self.root)
        self._refuse_mixing()
        for sub in ("figures", "tables", "summaries"):
            try:
                (self.root / sub).mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise atomic.OutputError(self.root / sub, err) from None

    def _refuse_mixing(self) -> None:
        """One output folder holds one profile on one dataset (paths.check_folder_holds)."""
        paths.check_folder_holds(self.root, self.st.profile, self.data["sha256"])

    @staticmethod
    def root_for(st: Settings, out_dir: str | os.PathLike | None = None) -> Path:
        """The folder a notebook of this profile writes to: `out_dir`, else results/<profile>/."""
        return Path(out_dir) if out_dir else results_dir(st.profile)

    @property
    def stamp(self) -> str:
        """The line every figure carries: which data and which profile made it."""
        return f"{self.data['data_label']} · profile {self.st.profile} · sha256 {self.data['sha256'][:12]}"

    @property
    def fig_style(self) -> figs.Style:
        """The layout of this profile's figures (setting `fig_style`): pass it to every figure."""
        return figs.style_for(self.st.figures.fig_style)

    def figure(self, fig, name: str, photos: str = "") -> list[Path]:
        """Save `fig` as figures/<name>.png and .pdf: on screen with the data/profile stamp in its
        corner, cropped to its content; in the paper style at exactly the width it was laid out
        for (a column), unstamped, the PNG at print resolution. `photos` names images that are not
        the dataset (notebook 08's): the stamp then says so and that the dataset trained the models."""
        style = self.fig_style
        if style.stamp:
            stamp = (
                f"photos: {photos} (not from the dataset) · models trained on {self.stamp}" if photos else self.stamp
            )
            fig.text(0.995, 0.005, stamp, ha="right", va="bottom", fontsize=6, color="0.35")
        # Cropping would change a paper figure's width, and so the size its fonts print at.
        fit = {"dpi": 300} if style.paper else {"dpi": 150, "bbox_inches": "tight"}
        written = []
        for ext in ("png", "pdf"):
            p = self.root / "figures" / f"{name}.{ext}"
            # A fixed creation date keeps the PDF bytes stable between identical runs.
            meta = {"CreationDate": None} if ext == "pdf" else {"Software": None}
            # TrueType (42), not Type 3, fonts in the PDF: publishers' checks reject Type 3.
            with figs.rc_only({"pdf.fonttype": 42, "ps.fonttype": 42}):
                atomic.write_with(
                    p,
                    lambda tmp: fig.savefig(tmp, metadata=meta, format=ext, **fit),
                    suffix=f".{ext}",
                )
            written.append(p)
        return written

    def table(
        self,
        df: pd.DataFrame,
        name: str,
        index: bool = True,
        latex: bool = False,
        latex_columns: list[str] | None = None,
        note: str = "",
        latex_frame: pd.DataFrame | None = None,
    ) -> list[Path]:
        """Save `df` as tables/<name>.csv (full precision) and .md (and .tex if asked: only
        `latex_columns` when given, or `latex_frame`, so a wide table still fits a page); Markdown and LaTeX note
        data and profile, and `note` after them (the claims table: the rule book's hash)."""
        csv = self.root / "tables" / f"{name}.csv"
        md = self.root / "tables" / f"{name}.md"
        stamp = self.stamp + (f" · {note}" if note else "")
        atomic.write_text(csv, self.relative(df.to_csv(index=index)))
        atomic.write_text(md, self.relative(markdown(df, index) + f"\n\n_{stamp}_\n"))
        written = [csv, md]
        if latex:
            path = self.root / "tables" / f"{name}.tex"
            # What the page prints: `latex_frame` (a narrower layout of the same rows), else the columns.
            body = latex_frame if latex_frame is not None else df[latex_columns] if latex_columns else df
            atomic.write_text(path, self.relative(tex.table(body, index=index, stamp=stamp)))
            written.append(path)
        return written

    SCHEMA_VERSION = schema.VERSION  # the layout these summaries follow (core.schema, where it is bumped)

    def summary(self, facts: Any) -> Path:
        """Write summaries/<notebook>.json: the facts (the notebook's declared class in
        core.schema) plus settings and provenance."""
        path = self.root / "summaries" / f"{self.notebook}.json"
        facts = schema.as_facts(self.notebook, facts)
        body = {
            "notebook": self.notebook,
            "schema_version": self.SCHEMA_VERSION,
            "profile": self.st.profile,
            "settings": self.st.to_json(),
            "data": self.data,
            "facts": facts,
            "provenance": provenance.stable(),
        }
        text = json.dumps(body, indent=2, default=schema.jsonable) + "\n"
        atomic.write_text(path, self.relative(text))
        # The time, commit and machine of this notebook's run: beside the outputs, not committed
        # (a re-render must leave the committed files as they were; run.json gathers these).
        atomic.write_json(self.root / "provenance" / f"{self.notebook}.json", provenance.record(notebook=self.notebook))
        return path

    def relative(self, text: str) -> str:
        """`text` with this machine's folders written relative: the results folder as `results/<profile>`
        (or its own name), the checkout as `.`; committed files name no machine's paths."""
        root = self.root.resolve()
        home = paths.project_root().resolve()
        shown = root.relative_to(home).as_posix() if root.is_relative_to(home) else root.name
        for absolute, rel in ((str(root), shown), (str(home), ".")):
            text = text.replace(absolute + "/", rel + "/").replace(absolute, rel)
        return text

    def timing(self, name: str, rows: Any) -> Path:
        """Measurements that depend on the machine and its load (frames per second): written under
        timings/ (not committed); run.json gathers them, so committed outputs stay byte-stable."""
        path = self.root / "timings" / f"{name}.json"
        atomic.write_text(path, json.dumps(rows, indent=2, default=schema.jsonable) + "\n")
        return path
