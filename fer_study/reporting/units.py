"""One unit where a reader compares: the tables that hold accuracies as fractions (the records keep
fractions, as every metric does) are printed in %, their columns renamed to say so."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

# A forensic slip's columns (records.Slip) as printed.
SLIP_PERCENT = {"ours": "ours %", "paper value": "paper value %", "difference": "difference (points)"}
# A sensitivity reading's columns (records.Reading) as printed.
READING_PERCENT = {
    "test top-1": "test top-1 %",
    "final train accuracy": "final train accuracy %",
    "final val accuracy": "final val accuracy %",
    "most dead ReLU layer": "most dead ReLU layer %",
}


def in_percent(df: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """`df` with each fraction column of `columns` that it holds times 100, renamed (old -> new)."""
    out = df.copy()
    for old in columns:
        if old in out:
            out[old] = 100 * pd.to_numeric(out[old], errors="coerce")
    return out.rename(columns=dict(columns))
