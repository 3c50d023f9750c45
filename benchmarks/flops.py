"""Floating-point operations of a Keras model's forward and training pass, counted layer by layer."""

from __future__ import annotations

import math

from fer_study.core.quiet import import_keras

keras = import_keras()


def forward_flops(model: keras.Model) -> int:
    """Multiply-adds x 2 of the convolution and dense layers for one image (other layers are
    counted as zero: they are a few percent of a CNN's work)."""
    total = 0
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "Conv2D":
            _, h, w, c_out = layer.output.shape
            c_in = layer.input.shape[-1]
            kh, kw = layer.kernel_size
            total += 2 * h * w * c_out * kh * kw * c_in
        elif kind == "Dense":
            total += 2 * math.prod(layer.input.shape[1:]) * layer.units
    return int(total)


def training_flops(model: keras.Model) -> int:
    """One training step per image: forward plus backward, the usual 3x the forward pass."""
    return 3 * forward_flops(model)
