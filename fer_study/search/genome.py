"""Paper B's search space (its Table 1): a CNN genome, how genes are drawn, mutated and shown.

Table 1 swaps two labels: it lists kernel size as 2..1024 and the number of filters as 1..9. The
best genome of its Table 2 (filters 8, 8, 2, 256, 16, 128; kernels 3x3 .. 9x9) shows the intended
reading, which we use: filters 2..1024, kernel size 1..9.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fer_study.core.settings import PaperB

N_CONV = 6
ACTIVATIONS = ("relu", "elu", "tanh", "sigmoid", "hard_sigmoid", "softplus", "linear")
OPTIMIZERS = ("Adam", "SGD", "RMSprop", "Adadelta", "Adagrad", "Adamax", "Nadam")
# Layer i's genes sit together (filters, kernel, activation). Cut points fall between any two genes,
# so a crossover can also split a layer (its filters from one parent, its kernel from the other).
GENE_NAMES = tuple(f"{g}{i}" for i in range(1, N_CONV + 1) for g in ("filters", "kernel", "activation")) + (
    "optimizer",
    "learning_rate",
)


@dataclass(frozen=True)
class Space:
    """The ranges genes are drawn from. Filters are powers of two (every value in Table 2 is one),
    2**min_exp .. 2**max_exp; kernels are odd or even integers 1..max_kernel; the learning rate is
    uniform in [lr_min, lr_max], rounded to 4 decimals (Table 2 gives 0.007)."""

    filters_min_exp: int = 1
    filters_max_exp: int = 10
    kernel_min: int = 1
    kernel_max: int = 9
    lr_min: float = 0.001
    lr_max: float = 0.01
    activations: tuple = ACTIVATIONS
    optimizers: tuple = OPTIMIZERS

    @classmethod
    def from_settings(cls, b: PaperB) -> Space:
        return cls(
            filters_max_exp=b.b_filters_max_exp,
            kernel_max=b.b_kernel_max,
            lr_min=b.b_lr_range[0],
            lr_max=b.b_lr_range[1],
        )

    def draw_gene(self, name: str, rng: random.Random):
        if name.startswith("filters"):
            return 2 ** rng.randint(self.filters_min_exp, self.filters_max_exp)
        if name.startswith("kernel"):
            return rng.randint(self.kernel_min, self.kernel_max)
        if name.startswith("activation"):
            return rng.choice(self.activations)
        if name == "optimizer":
            return rng.choice(self.optimizers)
        return round(rng.uniform(self.lr_min, self.lr_max), 4)

    def sample(self, rng: random.Random) -> list:
        return [self.draw_gene(n, rng) for n in GENE_NAMES]

    def contains(self, genes: Sequence) -> bool:
        """Whether every gene has its type and lies in its range."""
        g = as_dict(genes)
        for i in range(1, N_CONV + 1):
            f, k = g[f"filters{i}"], g[f"kernel{i}"]
            if not (
                isinstance(f, int) and f & (f - 1) == 0 and 2**self.filters_min_exp <= f <= 2**self.filters_max_exp
            ):
                return False
            if not (isinstance(k, int) and self.kernel_min <= k <= self.kernel_max):
                return False
            if g[f"activation{i}"] not in self.activations:
                return False
        return g["optimizer"] in self.optimizers and self.lr_min <= g["learning_rate"] <= self.lr_max

    def mutate(self, genes: list, rng: random.Random, gene_prob: float) -> list:
        """Redraw each gene from its own domain with probability `gene_prob` (at least one gene
        changes), so a mutant always respects every gene's type and range."""
        idx = [i for i in range(len(genes)) if rng.random() < gene_prob] or [rng.randrange(len(genes))]
        for i in idx:
            old = genes[i]
            for _ in range(20):  # a redraw may hit the old value; retry a few times
                genes[i] = self.draw_gene(GENE_NAMES[i], rng)
                if genes[i] != old:
                    break
        return genes


def as_dict(genes: Sequence) -> dict[str, Any]:
    if len(genes) != len(GENE_NAMES):
        raise ValueError(f"a genome has {len(GENE_NAMES)} genes, got {len(genes)}")
    return dict(zip(GENE_NAMES, genes))


def from_layers(
    filters: Sequence[int], kernels: Sequence[int], activations: Sequence[str], optimizer: str, learning_rate: float
) -> list:
    genes: list = []
    for f, k, a in zip(filters, kernels, activations, strict=True):
        genes += [int(f), int(k), a]
    return genes + [optimizer, float(learning_rate)]


def layers(genes: Sequence) -> dict[str, Any]:
    g = as_dict(genes)
    return {
        "filters": [g[f"filters{i}"] for i in range(1, N_CONV + 1)],
        "kernels": [g[f"kernel{i}"] for i in range(1, N_CONV + 1)],
        "activations": [g[f"activation{i}"] for i in range(1, N_CONV + 1)],
        "optimizer": g["optimizer"],
        "learning_rate": g["learning_rate"],
    }


def key(genes: Sequence) -> str:
    """Canonical text of a genome: identical genomes, identical key (the fitness cache's key)."""
    return json.dumps(list(genes), separators=(",", ":"))


def short(genes: Sequence) -> str:
    """A one-line human reading, e.g. 'f 8-8-2-256-16-128 k 3-5-9-3-3-3 tanh,relu,... Adagrad 0.007'."""
    L = layers(genes)
    return (
        f"f {'-'.join(map(str, L['filters']))} k {'-'.join(map(str, L['kernels']))} "
        f"{','.join(L['activations'])} {L['optimizer']} {L['learning_rate']:g}"
    )


# Paper B's best genome (its Table 2, with the swapped KZ/NF labels read as explained above).
TABLE2 = from_layers(
    filters=[8, 8, 2, 256, 16, 128],
    kernels=[3, 5, 9, 3, 3, 3],
    activations=["tanh", "relu", "elu", "sigmoid", "linear", "tanh"],
    optimizer="Adagrad",
    learning_rate=0.007,
)


def training_flops(genes: Sequence, dense: int, n_classes: int = 7, size: int = 48) -> float:
    """Floating-point operations to train paper B's template on one image once: three times the
    forward pass (backward about twice forward), counting each multiply-add as two. The forward
    pass: six 'same' convolutions at 48, 48, 24, 24, 12, 12 pixels (a 2x2 pooling after every
    second), the dense layer on the 6x6 maps and the softmax layer. Batch norm, activations and
    pooling are left out (a few per cent). A pure estimate for comparing budgets, not a profile."""
    L = layers(genes)
    total, side, channels = 0.0, size, 1
    for i, (f, k) in enumerate(zip(L["filters"], L["kernels"])):
        total += 2.0 * side * side * k * k * channels * f
        channels = f
        if i % 2 == 1:
            side //= 2
    total += 2.0 * side * side * channels * dense + 2.0 * dense * n_classes
    return 3.0 * total
