"""Tables as LaTeX that compile as they are and fit the text width.

A table is written as a `tabularx` of `\\linewidth` with booktabs rules: text columns whose cells
run long wrap (X columns, sized by their longest cell), numbers are right-aligned at a precision
chosen per column, missing values print as an en dash, and every cell is escaped, including the
Unicode signs the study's tables use. The file's first line names the packages it needs:

    % packages: booktabs, tabularx, array

so `\\input{07_claims.tex}` works in any article that loads them.
"""

from __future__ import annotations

import math
import numbers

import pandas as pd

PACKAGES = ("booktabs", "tabularx", "array")

# LaTeX's specials first, then the Unicode the study writes (math signs, dashes, Greek).
_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_UNICODE = {
    "−": "$-$",
    "≠": r"$\neq$",
    "→": r"$\rightarrow$",
    "←": r"$\leftarrow$",
    "±": r"$\pm$",
    "≥": r"$\geq$",
    "≤": r"$\leq$",
    "×": r"$\times$",
    "·": r"$\cdot$",
    "–": "--",
    "—": "---",
    "…": r"\ldots{}",
    "°": r"$^\circ$",
    "δ": r"$\delta$",
    "√": r"$\surd$",
    "'": "'",
    "’": "'",
    "‘": "`",
    "“": "``",
    "”": "''",
    "é": r"\'e",
    "è": r"\`e",
    "ü": r"\"u",
    "ö": r"\"o",
    "ä": r"\"a",
    "\u00a0": "~",
}


def escape(text: str) -> str:
    """`text` as LaTeX source: specials escaped, known Unicode mapped, anything else non-ASCII refused
    (a silent '?' would change a number)."""
    out = []
    for ch in str(text):
        if ch in _SPECIAL:
            out.append(_SPECIAL[ch])
        elif ch in _UNICODE:
            out.append(_UNICODE[ch])
        elif ord(ch) < 128:
            out.append(ch)
        else:
            raise ValueError(
                f"no LaTeX for the character {ch!r} (U+{ord(ch):04X}) in {text!r}; add it to fer_study.reporting.latex"
            )
    s = "".join(out)
    # A cell that starts with '[' right after '\\' is read as the row break's optional length.
    return "{}" + s if s.startswith("[") else s


def _fmt_number(v, digits: int) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "--"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, numbers.Integral):
        return f"{v:,}".replace(",", "{,}")
    return f"{v:.{digits}f}"


def _digits(values) -> int:
    """Decimals for a float column: 2 for percentages and large values, 3 for fractions."""
    finite = [abs(v) for v in values if isinstance(v, float) and not math.isnan(v)]
    if not finite:
        return 2
    return 3 if max(finite) <= 1.5 else 2


def _cell(v, digits: int) -> str:
    if isinstance(v, (numbers.Number, bool)) or v is None:
        return _fmt_number(v, digits)
    if isinstance(v, float) and math.isnan(v):
        return "--"
    return escape(v)


def table(df: pd.DataFrame, index: bool = False, stamp: str = "", wrap_over: int = 16, font: str = "") -> str:
    """`df` as a standalone tabularx block (see the module's docstring). Columns whose longest cell
    exceeds `wrap_over` characters wrap; `font` (e.g. "\\scriptsize") defaults by column count."""
    if index:
        df = df.reset_index()
    cols = list(df.columns)
    numeric = {c: pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]) for c in cols}
    digits = {c: _digits(df[c].tolist()) if numeric[c] else 2 for c in cols}
    cells = [[_cell(v, digits[c]) for c, v in zip(cols, row)] for row in df.itertuples(index=False, name=None)]
    heads = [escape(str(c)) for c in cols]
    longest = [max([len(str(v)) for v in df[c].tolist()] + [0]) for c in cols]
    wide = [not numeric[c] and longest[i] > wrap_over for i, c in enumerate(cols)]
    # X columns share the width left over in proportion to their longest cell (capped, so one long
    # column does not squeeze the rest to a letter per line).
    # The weight also keeps the column at least as wide as its longest word (a word cannot wrap).
    words = [max([len(w) for v in df[c].tolist() for w in str(v).split()] + [len(str(c))]) for c in cols]
    weights = [max(min(longest[i], 80), 4 * words[i]) if wide[i] else 0 for i in range(len(cols))]
    total = sum(weights) or 1
    spec = []
    n_wide = sum(wide)
    for i, c in enumerate(cols):
        if wide[i]:
            share = weights[i] / total * n_wide
            spec.append(rf">{{\raggedright\arraybackslash\hsize={share:.2f}\hsize}}X")
        else:
            spec.append("r" if numeric[c] else "l")
    font = font or (r"\scriptsize" if len(cols) > 5 else r"\small" if len(cols) > 3 else "")
    lines = [f"% packages: {', '.join(PACKAGES)}"]
    if stamp:
        lines.append(f"% {stamp}")
    lines += [
        "{" + font + r"\setlength{\tabcolsep}{3pt}\noindent",
        r"\begin{tabularx}{\linewidth}{" + "".join(spec) + "}",
        r"\toprule",
        " & ".join(heads) + r" \\",
        r"\midrule",
    ]
    lines += [" & ".join(r) + r" \\" for r in cells]
    lines += [r"\bottomrule", r"\end{tabularx}}", ""]
    return "\n".join(lines)
