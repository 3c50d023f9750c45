"""LaTeX tables: escaped, compilable as they are, and as wide as the text at most."""

import shutil

import numpy as np
import pandas as pd
import pytest

from fer_study.reporting import latex

WORST = pd.DataFrame(
    {
        "ref": ["[47]", "[45]", "this study"],
        "model": [
            "CNN with HOG feature & 50 % more_data",
            "Mini-Xception {ref}",
            "ours: a − b ≠ c → d ± e, δ ≥ 0 · 2×",
        ],
        "test accuracy %": [75.1, np.nan, 26.84],
        "fraction": [0.78, 0.123456, 1.0],
        "n": [200, 3589, 35887],
        "source": [
            "paper B Table 4 " * 6,
            "x",
            "profile cpu, mean of 3 seeds; 95 % t-interval of the mean over 3 seeds: 28.1–31.2",
        ],
    }
)


def test_escape_specials_unicode_and_a_leading_bracket():
    assert latex.escape("50 % & $x_1$ #2 {a}") == r"50 \% \& \$x\_1\$ \#2 \{a\}"
    # A default article's OT1 font prints '>' as an inverted question mark unless it is a text command.
    assert latex.escape("improved > basic <|") == r"improved \textgreater{} basic \textless{}\textbar{}"
    assert latex.escape("a − b ≠ c → d") == r"a $-$ b $\neq$ c $\rightarrow$ d"
    assert latex.escape("[47]") == "{}[47]"  # after \\ a bare [ starts an optional length
    with pytest.raises(ValueError, match="U\\+4E2D"):
        latex.escape("中")


def test_numbers_print_at_a_sensible_precision_and_missing_values_as_a_dash():
    body = latex.table(WORST)
    assert "0.780000" not in body and "NaN" not in body and "nan" not in body
    assert "26.84" in body and "0.123" in body and "35{,}887" in body and " -- " in body
    assert body.splitlines()[0] == "% packages: booktabs, longtable, array"


@pytest.mark.skipif(
    shutil.which("pdflatex") is None, reason="pdflatex not installed (Debian: texlive-latex-recommended)"
)
@pytest.mark.parametrize("columns", [None, ["ref", "model", "test accuracy %"]])
def test_tables_compile_and_fit_the_text_width(tmp_path, columns, pdflatex):
    df = WORST if columns is None else WORST[columns]
    overfull = pdflatex(tmp_path, latex.table(df, stamp="demo data · profile smoke"))
    assert not [x for x in overfull if x > 1.0], overfull


def _claims_like(rows: int) -> pd.DataFrame:
    """Notebook 07's claims table as LaTeX prints it (id, claim, paper, ours, interval, verdict), with
    a long reason per row besides, so it runs over several pages; signs a default font misprints."""
    return pd.DataFrame(
        {
            "id": [f"A{i}" for i in range(rows)],
            "claim": ["The improved CNN is more accurate than the basic CNN (Tables 2-3)"] * rows,
            "paper": ["improved > basic"] * rows,
            "ours": [0.601 + i / 1000 for i in range(rows)],
            "95% interval": ["0.569–0.631"] * (rows - 1) + [""],
            "verdict": ["inconclusive at this budget"] * rows,
            "why": [
                "extrapolated from a flat curve: the val curve's slope over epochs 51-100 (3 seed(s), a level per "
                "seed) is +0.012 points per epoch (95 % interval -0.010 to +0.034: flat); " * 2
            ]
            * rows,
        }
    )


@pytest.mark.skipif(
    shutil.which("pdflatex") is None or shutil.which("pdftotext") is None,
    reason="pdflatex or pdftotext not installed (Debian: texlive-latex-recommended, poppler-utils)",
)
def test_a_long_table_breaks_across_pages_repeats_its_header_and_prints_every_sign(tmp_path, pdflatex):
    import subprocess

    overfull = pdflatex(tmp_path, latex.table(_claims_like(34), stamp="demo data · profile smoke"))
    assert overfull == [], overfull  # neither too wide nor too tall
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "doc.pdf"), "-"], capture_output=True, text=True
    ).stdout
    pages = text.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) > 1
    assert all("verdict" in p and "95% interval" in p for p in pages)  # the header on every page
    assert text.count("improved > basic") == 34 and "¿" not in text
    assert "A33" in text  # the last row made it onto a page
    assert "continued on the next page" in pages[0]
