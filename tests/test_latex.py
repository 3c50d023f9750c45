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
    assert latex.escape("a − b ≠ c → d") == r"a $-$ b $\neq$ c $\rightarrow$ d"
    assert latex.escape("[47]") == "{}[47]"  # after \\ a bare [ starts an optional length
    with pytest.raises(ValueError, match="U\\+4E2D"):
        latex.escape("中")


def test_numbers_print_at_a_sensible_precision_and_missing_values_as_a_dash():
    body = latex.table(WORST)
    assert "0.780000" not in body and "NaN" not in body and "nan" not in body
    assert "26.84" in body and "0.123" in body and "35{,}887" in body and " -- " in body
    assert body.splitlines()[0] == "% packages: booktabs, tabularx, array"


@pytest.mark.skipif(
    shutil.which("pdflatex") is None, reason="pdflatex not installed (Debian: texlive-latex-recommended)"
)
@pytest.mark.parametrize("columns", [None, ["ref", "model", "test accuracy %"]])
def test_tables_compile_and_fit_the_text_width(tmp_path, columns, pdflatex):
    df = WORST if columns is None else WORST[columns]
    overfull = pdflatex(tmp_path, latex.table(df, stamp="demo data · profile smoke"))
    assert not [x for x in overfull if x > 1.0], overfull
