"""The disk codec of every notebook's summary (`summaries/<notebook>.json`, key "facts"): the record
types it writes and reads are declared in core/records.py (re-exported here as `schema.X`).

A notebook fills one of the top-level records; `report.Outputs.summary` writes it (with
settings and provenance beside it); readers (notebook 07, the claims, the README script) check a
summary against its class when they load it, so a missing or renamed field is an error naming the
field and the file, not a silently missing number.

Every field is typed, down to the leaves of the records the claims and tables read (`Measure`,
`Curve`, `Trend`, `ModelHeadline`, `Retrain`, `SearchPower`, `Control`, ...); a table a summary keeps
is a list of records whose JSON keys are its CSV's columns (`column`: `Slip`, `Reading`,
`ClaimRow`, ...), and only rows whose columns vary with the data stay a plain `Row`. `decode(kind, value, where)` checks a JSON value against a
type and returns it typed: producers hand their results over through `record` (so a misspelt field
fails before anything is written, naming its path), `load` checks every field, and `typed` gives a
summary's facts as its class (`Facts`: every notebook's, what the claims read by attribute).
`encode` writes a record back as the JSON it came from.

Bump `VERSION` when a field is added, renamed or moved: `load` refuses a summary of another
version, naming the file and both versions, so no reader mixes two layouts.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

import numpy as np

# The record types live in core/records.py (records at birth); the codec below writes and reads them.
from fer_study.core.records import (  # noqa: F401 - the record types, read as schema.X by older callers
    AuthorsControl,
    AuthorsRun,
    BestRetrained,
    ClaimRow,
    Comparison,
    Control,
    ControlRun,
    Controls,
    ControlSeed,
    CountDifference,
    Curve,
    DecidingSearch,
    Detection,
    Downsampling,
    DuplicateCount,
    EarlyStopping,
    Evaluation,
    Exploration,
    Generation,
    GeneticSearch,
    Grid,
    GridVsTable1,
    Inconsistency,
    Measure,
    ModelHeadline,
    PairedTest,
    PaperA,
    ProtocolSizes,
    Reading,
    Retrain,
    Row,
    SearchBudget,
    SearchPower,
    Slip,
    Source,
    Spread,
    Table4Row,
    TimeArithmetic,
    TotalsAudit,
    Trend,
    column,
)

# The layout of summaries/<notebook>.json that this code writes and reads. 4: paper A's curve
# evidence (the noise-aware rule), paper B's early-stopped Table 2 genome, the control's authors'
# protocol, held-out health flags. 5: the nested records declared and checked; a model's headline
# keeps its confusion matrix once ("confusion", with "confusion_seed"). 6: the grid's winner against
# Table 1's setting per training seed (issue 21: A11 decided "with significance across seeds"). 7: the
# grid's training seeds; its best point is the best mean over them. 8: the rule book (issue 33): the
# grid's choice on its first seed and its check against Table 1 (A11's rule), claims rows marked post
# hoc with the verdict under the rule they replaced, the control's seeds apart from the clean row's.
VERSION = 8


class SchemaError(ValueError):
    """A summary that does not match its declared layout; the message names the file and field."""


def _key(f: dataclasses.Field) -> str:
    return f.metadata.get("json", f.name)


# --- The tables a summary keeps, one record per row (their JSON keys are the CSV's columns) -----------


BY_NOTEBOOK: dict[str, type] = {
    "01_data_exploration": Exploration,
    "02_downsampling": Downsampling,
    "03_basic_vs_improved": PaperA,
    "04_grid_search": Grid,
    "05_ga_search": GeneticSearch,
    "06_controls": Controls,
    "07_comparison": Comparison,
    "08_detection": Detection,
}


def decode(kind: Any, value: Any, where: str) -> Any:
    """`value` (JSON, or a record already) as `kind`: a declared record (every field without a
    default present, no field it does not declare), `dict[str, X]`, `list[X]`, `X | None`, a number,
    a string, a bool or `Any`. Anything else is a SchemaError naming `where` and the field."""
    origin = typing.get_origin(kind)
    if kind is Any:
        return value
    if origin in (Union, types.UnionType):
        return _decode_union(kind, value, where)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _decode_record(kind, value, where)
    if origin is dict:
        if not isinstance(value, dict):
            raise SchemaError(f"{where}: a {type(value).__name__} where a mapping is declared")
        item = typing.get_args(kind)[1]
        return {k: decode(item, v, f"{where}.{k}") for k, v in value.items()}
    if origin is list:
        if not isinstance(value, (list, tuple)):
            raise SchemaError(f"{where}: a {type(value).__name__} where a list is declared")
        item = typing.get_args(kind)[0]
        return [decode(item, v, f"{where}.{i}") for i, v in enumerate(value)]
    return _decode_leaf(kind, value, where)


def _decode_union(kind: Any, value: Any, where: str) -> Any:
    """`X | Y | None`: None where allowed, else the first option that decodes."""
    options = typing.get_args(kind)
    if value is None and type(None) in options:
        return None
    errors = []
    for option in (o for o in options if o is not type(None)):
        try:
            return decode(option, value, where)
        except SchemaError as err:
            errors.append(str(err))
    raise SchemaError(errors[0] if errors else f"{where}: null where a value is declared")


def _decode_record(kind: Any, value: Any, where: str) -> Any:
    """A declared record: every field without a default present, no field it does not declare."""
    if isinstance(value, kind):
        return value
    if not isinstance(value, dict):
        raise SchemaError(f"{where}: a {type(value).__name__} where a {kind.__name__} record is declared")
    hints = typing.get_type_hints(kind)
    fields = {_key(f): f for f in dataclasses.fields(kind)}  # by JSON key
    unknown = sorted(set(value) - set(fields))
    if unknown:
        raise SchemaError(
            f"{where}: unknown field '{unknown[0]}' (not in fer_study.core.schema.{kind.__name__}; renamed?)"
        )
    out = {}
    for key, f in fields.items():
        if key in value:
            out[f.name] = decode(hints[f.name], value[key], f"{where}.{key}")
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise SchemaError(f"{where}: no field '{key}' (declared in fer_study.core.schema.{kind.__name__})")
    return kind(**out)


# A plain value's check: the Python types it accepts and how a mismatch is said.
_LEAVES: dict[Any, tuple[Any, str]] = {
    float: ((int, float), "a number"),
    int: (int, "a whole number"),
    str: (str, "a str"),
    bool: (bool, "a bool"),
}


def _decode_leaf(kind: Any, value: Any, where: str) -> Any:
    """A plain `list`/`dict`, a number, a string or a bool, as it is (a bool is not a number)."""
    if kind in (list, dict):
        if not isinstance(value, kind):
            raise SchemaError(f"{where}: a {type(value).__name__} where a {kind.__name__} is declared")
        return value
    if kind not in _LEAVES:
        raise SchemaError(f"{where}: fer_study.core.schema cannot check a {kind!r}")
    accepted, said = _LEAVES[kind]
    if not isinstance(value, accepted) or (kind in (int, float) and isinstance(value, bool)):
        raise SchemaError(f"{where}: {value!r} where {said} is declared")
    return value


def record(kind: Any, value: Any, where: str) -> Any:
    """A producer's value (numpy numbers, tuples, int keys allowed) as the declared `kind`, checked
    as it will be read back from JSON: how experiments hand their results to a summary."""
    return decode(kind, json.loads(json.dumps(value, default=jsonable)), where)


def typed(notebook: str, facts: dict, path) -> Any:
    """A summary's facts as its notebook's declared class, every record typed (checked as `decode`)."""
    cls = BY_NOTEBOOK[notebook]
    hints = typing.get_type_hints(cls)
    check(notebook, facts, path)
    return cls(
        **{f.name: decode(hints[f.name], facts[f.name], f"{path}: facts.{f.name}") for f in dataclasses.fields(cls)}
    )


class MissingSummary(KeyError):
    """A notebook's summary that a reader needs but that is not there."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Facts:
    """Every notebook's facts, typed (`typed`): what the claims read. One typed property per
    notebook summary (`facts.paper_a.paper_a_split.headline["improved"].top1_200`), so a type
    checker stops a misspelt field of any record a claim reads; a notebook that has not run is a
    MissingSummary naming its file."""

    notebooks: dict[str, Any]

    def of(self, notebook: str) -> Any:
        """A notebook's facts by its name (untyped: code that knows which notebook uses the property)."""
        if notebook not in self.notebooks:
            raise MissingSummary(f"summaries/{notebook}.json: missing (run notebook {notebook[:2]} first)")
        return self.notebooks[notebook]

    @property
    def exploration(self) -> Exploration:
        return self.of("01_data_exploration")

    @property
    def downsampling(self) -> Downsampling:
        return self.of("02_downsampling")

    @property
    def paper_a(self) -> PaperA:
        return self.of("03_basic_vs_improved")

    @property
    def grid(self) -> Grid:
        return self.of("04_grid_search")

    @property
    def genetic_search(self) -> GeneticSearch:
        return self.of("05_ga_search")

    @property
    def controls(self) -> Controls:
        return self.of("06_controls")

    @property
    def comparison(self) -> Comparison:
        return self.of("07_comparison")

    @property
    def detection(self) -> Detection:
        return self.of("08_detection")


def check_fields(notebook: str, facts: dict, path) -> None:
    """Every field of `notebook`'s facts against its declared type, down to the records' leaves."""
    cls = BY_NOTEBOOK.get(notebook)
    if cls is None:
        return
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        decode(hints[f.name], facts.get(f.name), f"{path}: facts.{f.name}")


def as_facts(notebook: str, facts: Any) -> dict:
    """The JSON body of `facts`, which must be the declared class of `notebook`."""
    cls = BY_NOTEBOOK.get(notebook)
    if cls is None:
        raise SchemaError(f"no declared summary layout for notebook '{notebook}' (add one to fer_study.core.schema)")
    if not isinstance(facts, cls):
        raise SchemaError(f"notebook {notebook} must write a {cls.__name__} summary, got {type(facts).__name__}")
    body = {f.name: getattr(facts, f.name) for f in dataclasses.fields(cls)}
    # Checked before it is written: a producer that renamed a nested field fails here, naming it.
    check_fields(notebook, json.loads(json.dumps(body, default=jsonable)), f"summaries/{notebook}.json")
    return body


def jsonable(obj: Any) -> Any:
    """`json.dumps`'s `default`: a declared record as `encode` writes it, numpy numbers and arrays
    as Python's, a path as text, any mapping as a dict. Anything else is a TypeError naming it."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return encode(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, Mapping):
        return dict(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def encode(obj: Any) -> Any:
    """A record (and what it holds) as JSON values. An optional field left at its empty default
    (None or "") is left out, as the producers always wrote it: readers test for its presence."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {}
        for f in dataclasses.fields(obj):
            v = getattr(obj, f.name)
            if f.default in (None, "") and v == f.default:
                continue
            out[_key(f)] = encode(v)
        return out
    if isinstance(obj, dict):
        return {k: encode(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [encode(v) for v in obj]
    return obj


def check(notebook: str, facts: dict, path) -> None:
    """Raise SchemaError naming `path` and the field when `facts` lacks a declared field or has
    one the schema does not know (a renamed field shows as both)."""
    cls = BY_NOTEBOOK.get(notebook)
    if cls is None:
        return
    declared = {f.name for f in dataclasses.fields(cls)}
    missing = sorted(declared - set(facts))
    unknown = sorted(set(facts) - declared)
    if missing:
        raise SchemaError(f"{path}: no field '{missing[0]}' (declared in fer_study.core.schema.{cls.__name__})")
    if unknown:
        raise SchemaError(
            f"{path}: unknown field '{unknown[0]}' (not in fer_study.core.schema.{cls.__name__}; renamed?)"
        )


def load(path) -> dict:
    """A summary file (settings, data, facts), checked: valid JSON, this code's `VERSION`, and
    its notebook's declared layout. Anything else is a SchemaError naming the file."""
    path = Path(path)
    try:
        body = json.loads(path.read_text())
    except ValueError as err:
        raise SchemaError(f"{path}: not valid JSON ({err})") from None
    check_body(body, path)
    return body


def check_body(body: Any, path) -> None:
    """A summary's body against this code's `VERSION` and its notebook's declared layout."""
    path = Path(path)
    if not isinstance(body, dict) or "facts" not in body:
        raise SchemaError(f"{path}: not a summary (no 'facts')")
    version = body.get("schema_version", 1)
    if version != VERSION:
        raise SchemaError(
            f"{path}: summary schema {version}, but this code reads schema {VERSION}; re-run notebook "
            f"{path.stem[:2]} (or `fer-study run`) to rewrite it"
        )
    check(path.stem, body["facts"], path)
    check_fields(path.stem, body["facts"], path)
