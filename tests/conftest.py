"""Small FER2013-shaped data made by the tests, in every accepted format."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from fer_study.core.labels import CLASS_TO_CSV_CODE, CLASSES, SPLITS
from fer_study.data.demo import render_face

# Captured before any test clears it: the real FER2013 copy for the tests that need one.
REAL_FER2013 = os.environ.get("FER2013_PATH", "")

FOLDER = {"Training": "train", "PublicTest": "test", "PrivateTest": "test"}


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    """Caches, demo data and results of every test go to a scratch folder, never the checkout."""
    home = tmp_path_factory.mktemp("fer-home")
    monkeypatch.setenv("FER_STUDY_HOME", str(home))
    monkeypatch.setenv("FER_STUDY_OUT", str(home / "results"))
    monkeypatch.delenv("FER2013_PATH", raising=False)
    return home


def make_images(per_cell: int = 2, seed: int = 0) -> list[tuple[str, str, str, np.ndarray]]:
    """(split, class, file name, pixels) for `per_cell` images in every split and class."""
    rng = np.random.default_rng(seed)
    items, serial = [], 0
    for split in SPLITS:
        for cls in CLASSES:
            for _ in range(per_cell):
                serial += 1
                items.append((split, cls, f"{split}_{serial:08d}.png", render_face(rng, cls)))
    return items


def encode(pixels: np.ndarray, fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    Image.fromarray(pixels, mode="L").save(buf, format=fmt)
    return buf.getvalue()


def write_folder(root: Path, items, class_case=str.lower) -> Path:
    for split, cls, name, pixels in items:
        d = root / FOLDER[split] / class_case(cls)
        d.mkdir(parents=True, exist_ok=True)
        (d / name).write_bytes(encode(pixels))
    return root


def write_zip(path: Path, items, prefix: str = "") -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for split, cls, name, pixels in items:
            zf.writestr(f"{prefix}{FOLDER[split]}/{cls}/{name}", encode(pixels))
    return path


def write_csv(path: Path, items, icml: bool = False) -> Path:
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["emotion", " Usage", " pixels"] if icml else ["emotion", "pixels", "Usage"])
        for split, cls, _, pixels in items:
            code, pix = CLASS_TO_CSV_CODE[cls], " ".join(map(str, pixels.ravel()))
            w.writerow([code, split, pix] if icml else [code, pix, split])
    return path


@pytest.fixture
def items():
    return make_images()


@pytest.fixture
def small_zip(tmp_path, items):
    return write_zip(tmp_path / "fer2013.zip", items)


def real_fer2013() -> Path | None:
    """The shared FER2013 copy when the environment points at one (CI does), else None."""
    p = Path(REAL_FER2013) if REAL_FER2013 and REAL_FER2013 != "demo" else None
    return p if p and p.exists() else None


needs_fer2013 = pytest.mark.skipif(real_fer2013() is None, reason="FER2013_PATH does not point at a FER2013 copy")


def _pdflatex(folder: Path, body: str) -> list[float]:
    """Compile a table (`body`, whose first line names its packages) in a minimal article with
    pdflatex; fail with the log's tail if it does not compile; the widths of its overfull boxes."""
    (folder / "t.tex").write_text(body)
    packages = body.splitlines()[0].split(":", 1)[1].strip()
    (folder / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage{%s}\n\\begin{document}\n\\input{t.tex}\n\\end{document}\n" % packages
    )
    done = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    log = (folder / "doc.log").read_text(errors="replace")
    assert done.returncode == 0, log[-3000:]
    # Both kinds: a too-wide row (hbox) and a table taller than the page (vbox).
    return [float(x) for x in re.findall(r"Overfull \\[hv]box \(([\d.]+)pt too (?:wide|high)\)", log)]


@pytest.fixture
def pdflatex():
    """`pdflatex(folder, table_tex)` -> overfull box widths in pt (the compile must succeed)."""
    return _pdflatex
