"""Why paper A's improved CNN is read with batch norm on its dense layer: dead units per reading.

    .venv/bin/python scripts/dead_units.py --data /path/to/fer2013.zip [--epochs 2] [--seeds 0 1]

Trains each reading of Fig. 7 on paper A's 80/20 split (training part less the 10 % validation
carve-out; Adam 1e-3, batch 16, as Table 1) for a few epochs with the study's own training loop,
and prints per epoch the training accuracy and the share of dead units (zero for every one of 512
training images) in the dense ReLU layer. Reads only the training part: the choice of reading
rests on training health, never on test accuracy.
"""

from __future__ import annotations

import argparse

import numpy as np

from fer_study.core import profiles
from fer_study.data import load, sampling
from fer_study.experiments import paper_a
from fer_study.nn import architectures, health
from fer_study.nn.fit import FitSettings, fit

READINGS = {
    "first reading: conv-BN-ReLU, plain dense": {"order": "bn_relu", "dense_bn": False},
    "conv-ReLU-BN, plain dense": {"order": "relu_bn", "dense_bn": False},
    "conv-ReLU-BN + dropout 0.2 after every block": {"order": "relu_bn", "dense_bn": False, "block_dropout": 0.2},
    "conv-BN-ReLU, dense-BN-ReLU": {"order": "bn_relu", "dense_bn": True},
    "conv-ReLU-BN, dense-BN-ReLU (the study's reading)": {"order": "relu_bn", "dense_bn": True},
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=None)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = ap.parse_args()
    st = profiles.resolve("cpu")
    data = load(args.data, verbose=False)
    split = sampling.paper_a_split(data, tuple(st.paper_a.a_classes), st.paper_a.a_test_fraction, st.runtime.seed)
    remap = paper_a.label_map(split.classes)
    print(f"data: {data.label_text} (sha256 {data.sha256[:12]}), paper A 80/20 split, Adam 1e-3, batch 16\n")
    print("| reading | seed | epoch | training accuracy | dense units dead |")
    print("|---|---|---|---|---|")
    for name, reading in READINGS.items():
        for seed in args.seeds:
            tr, _ = paper_a.curve_split(data, split, st, seed)
            x, y = data.images[tr], remap[data.labels[tr]]
            probe = np.random.default_rng(0).permutation(len(x))[:512]
            settings = {"filters": list(st.paper_a.a_filters_improved), "dense": st.paper_a.a_dense, **reading}
            rows = []

            def on_epoch(epoch, rec, rows=rows):
                rows.append((epoch, rec["accuracy"]))

            result = fit(
                lambda: architectures.improved_cnn(len(split.classes), **settings),
                x,
                y,
                None,
                None,
                FitSettings(
                    epochs=args.epochs,
                    batch_size=16,
                    learning_rate=1e-3,
                    seed=seed,
                    steps_per_execution=st.runtime.steps_per_execution,
                ),
                on_epoch=on_epoch,
            )
            dead = health.dead_fractions(result.model, x[probe])
            dense = [v for k, v in dead.items() if not k.startswith("conv")]
            for epoch, acc in rows:
                last = epoch == rows[-1][0]
                print(
                    f"| {name} | {seed} | {epoch} | {acc:.3f} | {f'{dense[-1]:.0%}' if last and dense else ''} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
