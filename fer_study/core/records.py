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
