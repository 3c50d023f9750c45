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


def paper_b_cnn(n_classes: int, filters: Sequence[int], kernels: Sequence[int], activations: Sequence[str],
                dense: int = 256, dropout_conv: float = 0.25, dropout_dense: float = 0.5) -> keras.Model:
    """Paper B's template (section 2.1; its Fig. 2 is missing from the text, so this is our reading):
    three blocks of [Conv2D -> BN -> Conv2D -> BN -> MaxPool 2x2 -> Dropout], every Conv2D with
    'same' padding, he_normal initialisation and the genome's filters, kernel and activation; then
    flatten -> Dense(`dense`, relu) -> BN -> Dropout -> Dense(n_classes, softmax). Dense width and
    dropout rates are not in the paper (our choice, profile settings)."""
    if not len(filters) == len(kernels) == len(activations) == 6:
        raise ValueError("paper B's template has exactly six convolutional layers")
    inp, x = _inputs()
    for i, (f, k, a) in enumerate(zip(filters, kernels, activations)):
        x = layers.Conv2D(int(f), int(k), padding="same", activation=a, kernel_initializer="he_normal")(x)
        x = layers.BatchNormalization()(x)
        if i % 2 == 1:
            x = layers.MaxPooling2D(2)(x)
            x = layers.Dropout(dropout_conv)(x)
    x = layers.Flatten()(x)
    x = layers.Dense(dense, activation="relu", kernel_initializer="he_normal")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Dropout(dropout_dense)(x)
    out = layers.Dense(n_classes, activation="softmax")(x)
    return keras.Model(inp, out, name="paper_b_cnn")
