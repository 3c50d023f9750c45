"""Tables as LaTeX that compile as they are, fit the text width and break across pages.

A table is written as a `longtable` of `\\linewidth` with booktabs rules, its header repeated on
every page it runs onto: short columns keep their natural width (LaTeX measures their widest
cell), text columns whose cells run long wrap in the width left over (shared in proportion to
their longest cell), numbers are right-aligned at a precision chosen per column, missing values
and empty cells print as an en dash, and every cell is escaped, including the Unicode signs the
study's tables use and the ASCII signs a default (OT1) font would print as other glyphs (`>`
as an inverted question mark). The file's first line names the packages it needs:

    % packages: booktabs, longtable, array

so `\\input{07_claims.tex}` works in any article that loads them.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import pandas as pd

PACKAGES = ("booktabs", "longtable", "array")

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
    # OT1, a default article's font encoding, has no glyphs for these in text: '>' prints as '¿'.
    ">": r"\textgreater{}",
    "<": r"\textless{}",
    "|": r"\textbar{}",
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
    if str(v).strip() == "":
        return "--"  # an empty cell reads as missing, as the README promises
    return escape(v)


FONT = r"\scriptsize"


@dataclass(frozen=True)
class _Layout:
    """A table's columns as the LaTeX measures them: which are numbers, which wrap, each wrapping
    column's share of the spare width (thousandths), the escaped header and cells."""

    cols: list
    numeric: dict
    wide: list[bool]
    share: list[int]
    heads: list[str]
    cells: list[list[str]]
    names: list[str]  # the TeX macro holding each column's width


def _wrapping(df: pd.DataFrame, cols: list, numeric: dict, wrap_over: int) -> list[bool]:
    """Columns whose longest cell exceeds `wrap_over` characters wrap; with none, the last text
    column takes the leftover width, so the table spans the line."""
    longest = [max([len(str(v)) for v in df[c].tolist()] + [0]) for c in cols]
    wide = [not numeric[c] and longest[i] > wrap_over for i, c in enumerate(cols)]
    if not any(wide):
        text = [i for i, c in enumerate(cols) if not numeric[c]]
        if text:
            wide[text[-1]] = True
    return wide


def _shares(df: pd.DataFrame, cols: list, wide: list[bool]) -> list[int]:
    """Wide columns share the width the others leave (beyond their longest word) in proportion to
    their mean cell length: a column long in every row gets more than one with a single long cell.
    Integer thousandths (\\dimexpr multiplies by integers), rounded down: never beyond the line."""
    mean = [sum(len(str(v)) for v in df[c].tolist()) / max(1, len(df)) for c in cols]
    weights = [max(1.0, min(mean[i], 80.0)) if wide[i] else 0 for i in range(len(cols))]
    total = sum(weights) or 1
    return [int(1000 * w / total) for w in weights]


def _layout(df: pd.DataFrame, wrap_over: int) -> _Layout:
    cols = list(df.columns)
    numeric = {c: pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]) for c in cols}
    digits = {c: _digits(df[c].tolist()) if numeric[c] else 2 for c in cols}
    cells = [[_cell(v, digits[c]) for c, v in zip(cols, row)] for row in df.itertuples(index=False, name=None)]
    wide = _wrapping(df, cols, numeric, wrap_over)
    names = [r"\fertabw" + "abcdefghijklmnopqrstuvwxyz"[i % 26] * (1 + i // 26) for i in range(len(cols))]
    return _Layout(cols, numeric, wide, _shares(df, cols, wide), [escape(str(c)) for c in cols], cells, names)


def _widest(texts, into: str, name: str) -> list[str]:
    """TeX that sets macro `name` to the widest of `texts` and adds it to length `into`."""
    lines = [r"\setlength{\fertabcol}{0pt}%"]
    for t in texts:
        lines.append(
            r"\settowidth{\fertabcell}{" + t + r"}\ifdim\fertabcell>\fertabcol\setlength{\fertabcol}{\fertabcell}\fi"
        )
    lines.append(r"\addtolength{" + into + r"}{\fertabcol}\edef" + name + r"{\the\fertabcol}%")
    return lines


def _measure(t: _Layout) -> list[str]:
    """LaTeX measures the widest cell of each column that keeps its natural width, and every column
    gets a fixed width: longtable then sets each page alike in one pass (no "column widths have
    changed, rerun"). A wrapping column gets its longest word (a word cannot wrap)."""
    lines = []
    for i in range(len(t.cols)):
        if not t.wide[i]:
            lines += _widest(dict.fromkeys([t.heads[i], *(row[i] for row in t.cells)]), r"\fertabnarrow", t.names[i])
    lines.append(r"\setlength{\fertabsum}{0pt}%")
    for i in range(len(t.cols)):
        if t.wide[i]:
            texts = [t.heads[i], *(row[i] for row in t.cells)]
            # Ties broken by the word itself: the file's bytes must not depend on set order.
            longest_words = sorted({w for x in texts for w in x.split()}, key=lambda w: (-len(w), w))[:3]
            lines += _widest(longest_words, r"\fertabsum", t.names[i])
    return lines


def _spec(t: _Layout) -> tuple[list[str], list[str]]:
    """Each column's longtable spec, and the TeX giving each wrapping column its longest word plus
    its share of what is left once every column has that: the columns add up to the line exactly."""
    spare = rf"(\linewidth-\fertabnarrow-\fertabsum-{2 * 3 * len(t.cols)}pt)"
    lines, spec = [], []
    for i, c in enumerate(t.cols):
        name = t.names[i]
        if not t.wide[i]:
            align = r"\raggedleft" if t.numeric[c] else r"\raggedright"
            spec.append(rf">{{{align}\arraybackslash}}p{{{name}}}")
            continue
        lines.append(
            rf"\setlength{{\fertabcell}}{{\dimexpr{name}+{spare}*{t.share[i]}/1000\relax}}\edef{name}{{\the\fertabcell}}%"
        )
        spec.append(rf">{{\raggedright\arraybackslash}}p{{{name}}}")
    return lines, spec


def _longtable(t: _Layout, spec: list[str]) -> list[str]:
    head = " & ".join(t.heads) + r" \\"
    return [
        r"\setlength{\LTleft}{0pt}\setlength{\LTright}{0pt}\setlength{\LTpre}{0pt}%",
        r"\begin{longtable}{" + "".join(spec) + "}",
        r"\toprule",
        head,
        r"\midrule",
        r"\endfirsthead",
        r"\toprule",
        head,
        r"\midrule",
        r"\endhead",
        r"\midrule",
        r"\multicolumn{" + str(len(t.cols)) + r"}{r}{\emph{continued on the next page}} \\",
        r"\endfoot",
        r"\bottomrule",
        r"\endlastfoot",
        *[" & ".join(r) + r" \\" for r in t.cells],
        r"\end{longtable}",
        r"\endgroup",
        "",
    ]


def table(df: pd.DataFrame, index: bool = False, stamp: str = "", wrap_over: int = 16, font: str = "") -> str:
    """`df` as a standalone longtable block (see the module's docstring). Columns whose longest cell
    exceeds `wrap_over` characters wrap; `font` (e.g. "\\scriptsize") defaults to FONT, one size for
    every table."""
    t = _layout(df.reset_index() if index else df, wrap_over)
    # One size for every table (issue 35: sizes differed between tables), small enough for the widest.
    lines = [f"% packages: {', '.join(PACKAGES)}", *([f"% {stamp}"] if stamp else [])]
    lines += [
        r"\begingroup" + (font or FONT) + r"\setlength{\tabcolsep}{3pt}%",
        r"\ifdefined\fertabsum\else\newlength\fertabnarrow\newlength\fertabsum\newlength\fertabcol\newlength\fertabcell\fi",
        r"\setlength{\fertabnarrow}{0pt}%",
    ]
    lines += _measure(t)
    sized, spec = _spec(t)
    return "\n".join(lines + sized + _longtable(t, spec))
