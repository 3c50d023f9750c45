"""Keras 3 model builders for paper A's basic and improved CNNs (backend-agnostic: no TensorFlow import)."""

from __future__ import annotations

from typing import Sequence

import keras
from keras import layers

from .labels import IMAGE_SIZE


def _inputs() -> tuple[keras.KerasTensor, keras.KerasTensor]:
    # Images stay uint8 in memory; scaling to [0, 1] happens inside the model.
    inp = keras.Input(shape=(IMAGE_SIZE, IMAGE_SIZE, 1), name="image")
    return inp, layers.Rescaling(1 / 255.0)(inp)


def basic_cnn(n_classes: int, filters: Sequence[int] = (32, 64), kernel_size: int = 3, dense: int = 128) -> keras.Model:
    """Paper A's basic CNN (Fig. 6, section 2.4): [conv + ReLU + max-pool] x 2, flatten, one dense
    layer, softmax. Filters, kernel size and dense width are not given by the paper (our choice)."""
    inp, x = _inputs()
    for f in filters:
        x = layers.Conv2D(f, kernel_size, padding="same", activation="relu")(x)
        x = layers.MaxPooling2D(2)(x)
    x = layers.Flatten()(x)
    x = layers.Dense(dense, activation="relu")(x)
    out = layers.Dense(n_classes, activation="softmax")(x)
    return keras.Model(inp, out, name="basic_cnn")


def improved_cnn(n_classes: int, filters: Sequence[int] = (32, 64, 128, 256), kernel_size: int = 3,
                 dense: int = 128, dropout: float = 0.2) -> keras.Model:
    """Paper A's improved CNN (Fig. 7, Table 1): four [conv + batch norm + ReLU + max-pool] blocks,
    flatten, one dense layer followed by dropout 0.2, softmax. Table 1 places the dropout "in this
    layer" (the dense layer); BN before ReLU is our choice where the paper is silent."""
    inp, x = _inputs()
    for f in filters:
        x = layers.Conv2D(f, kernel_size, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
        x = layers.MaxPooling2D(2)(x)
    x = layers.Flatten()(x)
    x = layers.Dense(dense, activation="relu")(x)
    x = layers.Dropout(dropout)(x)
    out = layers.Dense(n_classes, activation="softmax")(x)
    return keras.Model(inp, out, name="improved_cnn")


BUILDERS = {"basic": basic_cnn, "improved": improved_cnn}
