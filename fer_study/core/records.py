"""Evidence as records: what a verdict compared, under which rule of the rule book, on what budget
and with which interval, as typed values. A renderer (reporting/) writes the sentence from the
record; tests assert on the record, not on the prose.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReferenceVerdict:
    """One reference of a rule, judged: ours against it, within the rule's tolerance or not."""

    name: str  # the rule book's Reference.name
    value: float  # fraction
    source: str
    gap: float  # ours - value, fraction
    verdict: str  # "reproduces" | "falls short" | "above"


@dataclass(frozen=True)
class ControlVerdict:
    """The control on its authors' protocol under the rule book's "control" rule."""

    rule: str  # rule book id
    rulebook: str  # the rule book's hash when decided
    ours: float  # the mean over `seeds` of the restored checkpoint's accuracy on PublicTest + PrivateTest
    seeds: tuple[int, ...]
    interval: tuple[float, float] | None
    interval_kind: str
    tolerance: float
    references: tuple[ReferenceVerdict, ...]  # the deciding reference first
    verdict: str  # the deciding reference's verdict
    recipe_differences: tuple[str, ...]  # what the logged run did that ours does not

    @property
    def decided_by(self) -> ReferenceVerdict:
        return self.references[0]


# Which branch of a claim rule decided a verdict (Evidence.basis): what a test or a reader checks
# instead of the wording of the reason.
BASES = (
    "stated",  # no measurement: the paper's own numbers or protocol decide (or nothing is decided)
    "not measured",  # the profile skips the step (a declared setting)
    "failed to train",  # every seed of the model failed: its numbers are not a result
    "inside interval",  # the paper's value lies inside our named interval (or a maximum reaches it)
    "search limited",  # a search that cannot rank genomes, or ran at a reduced budget
    "search at budget",  # a search at the paper profile's budget whose best stays below
    "above",  # ours is above the paper's value
    "paper epochs",  # trained for the paper's epochs
    "no curve",  # outside the interval, no curve to extrapolate
    "early stopped",  # every seed stopped early (the paper states no epochs)
    "curve too short",  # too few epochs to fit a slope
    "curve may rise",  # the paper states no epochs and the slope may be positive
    "curve bound",  # the extrapolated curve stays below the paper's value
    "curve reachable",  # the extrapolated curve could reach it
    "exact",  # a count equal to the paper's (or its rounding)
    "differs",  # a count that differs
    "every seed significant",  # paired/grid: p < 0.05 in every seed
    "no seed better",  # paired: the paper's direction in no seed
    "seeds disagree",  # paired/grid: neither
    "same choice",  # grid: the choice is Table 1's
    "not in grid",  # grid: Table 1's setting is not a grid point
    "too few seeds",  # grid: fewer seeds than the rule needs
    "rising",  # trend: rising in every generation
    "not rising",  # trend: falls in some generation
    "one generation",  # trend: nothing to compare
)


@dataclass(frozen=True)
class Evidence:
    """One claim's decision as values: its rule, what it compared, on which basis it decided, and
    the numbers the basis rests on. The claims table's row (schema.ClaimRow) is rendered from it
    (reporting.claims.verdict); tests assert on these fields, not on the row's prose."""

    claim: str
    rule: str  # the registry's rule name ("compare", "paired", "grid", ...)
    verdict: str | None
    basis: str  # one of BASES
    why: str  # the reason as the row prints it
    ours: float | int | str | None = None
    interval: tuple[float, float] | None = None
    interval_kind: str = ""
    difference: float | None = None  # ours - the paper's value (fractions for accuracies)
    # The curve the budget rule read, where it decided (fractions; points per epoch as fractions).
    curve_state: str = ""  # "rising" | "flat" | "falling" | "too short"
    slope: float | None = None
    slope_interval: tuple[float, float] | None = None
    reach: float | None = None  # the most the extrapolated curve reaches where the rule looks
    epochs_to_reach: float | None = None  # more epochs to the paper's value at the slope's upper end
    # The paired rule's and the grid rule's per-seed one-sided tests.
    seeds: tuple[int, ...] = ()
    p_values: tuple[float, ...] = ()
    post_hoc_reading: str = ""

    def __post_init__(self) -> None:
        if self.basis not in BASES:
            raise ValueError(f"claim {self.claim}: unknown basis {self.basis!r} (known: {', '.join(BASES)})")
