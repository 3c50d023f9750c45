"""Keras 3 model builders, looked up by name so a stored run can name the model it trained.

Backend-agnostic: no TensorFlow import. Every builder takes `n_classes` first and keyword settings
after, all of them JSON values, so (name, settings) is a complete, hashable model specification.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from fer_study.core.labels import IMAGE_SIZE
from fer_study.core.quiet import import_keras

if TYPE_CHECKING:  # the type checker reads Keras's own types; at run time it is imported quietly
    import keras
else:
    keras = import_keras()  # with TensorFlow's native start-up lines silenced (see core/quiet.py)
layers, regularizers = keras.layers, keras.regularizers

# Fig. 7 of paper A can be read two ways; see improved_cnn.
IMPROVED_ORDERS = ("relu_bn", "bn_relu")


def _inputs(scale: str = "unit") -> tuple[keras.KerasTensor, keras.KerasTensor]:
    # Images stay uint8 in memory; scaling happens inside the model, so a saved model takes raw crops.
    inp = keras.Input(shape=(IMAGE_SIZE, IMAGE_SIZE, 1), name="image")
    if scale == "symmetric":  # [-1, 1], as Mini-Xception's recipe preprocesses
        return inp, layers.Rescaling(2 / 255.0, offset=-1.0)(inp)
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


def improved_cnn(
    n_classes: int,
    filters: Sequence[int] = (32, 64, 128, 256),
    kernel_size: int = 3,
    dense: int = 128,
    dropout: float = 0.2,
    order: str = "relu_bn",
    dense_bn: bool = True,
    block_dropout: float = 0.0,
) -> keras.Model:
    """Paper A's improved CNN (Fig. 7, Table 1): four conv blocks with batch normalisation, flatten,
    one dense layer with dropout 0.2 ("in this layer"), softmax.

    `order` is where batch normalisation sits in a block:
    - "relu_bn" (default): conv + ReLU, then BN, then max-pool. Table 1 says each conv layer is
      "followed by a ReLU activation function and pooling layer" and section 2.4 that the conv
      layers are "followed by batch normalization"; this is also the common Keras FER2013 pattern.
    - "bn_relu": conv (no bias) + BN + ReLU + max-pool, the study's first reading. With Adam 1e-3 it
      kills the dense layer: the 2,304 flattened inputs are all non-negative and of unit scale, and
      Adam moves every weight by about the learning rate per step whatever its gradient, so a unit's
      pre-activation shifts by ~1e-3 x 2,304 = 2 per step in one direction; a few such steps put it
      below zero for every image, where a ReLU receives no gradient again. Kept for the
      sensitivity table, with its failure shown. The conv order alone does not cure it (see
      `dense_bn`).
    `dense_bn` (default on) normalises the dense layer too (Dense -> BN -> ReLU -> dropout), the
    same "followed by batch normalization" applied to the one other ReLU layer. Measured on paper
    A's 80/20 split (seed 0, one epoch, Adam 1e-3, batch 16): without it 95-98 % of the dense units
    are dead in either conv order and training accuracy is 0.26-0.31; with it none are dead and
    training accuracy is 0.45. BN keeps each unit's pre-activation centred over the batch, so no
    unit can sit below zero for every image. The first reading ("bn_relu", no dense BN) is kept
    for the sensitivity table.
    `block_dropout` > 0 adds dropout after every block (section 2.4's "followed by batch
    normalization and dropout layers" read literally); 0 keeps Table 1's single dropout."""
    if order not in IMPROVED_ORDERS:
        raise ValueError(f"improved_cnn order must be one of {IMPROVED_ORDERS}, got {order!r}")
    inp, x = _inputs()
    for f in filters:
        if order == "bn_relu":
            x = layers.Conv2D(f, kernel_size, padding="same", use_bias=False)(x)
            x = layers.BatchNormalization()(x)
            x = layers.Activation("relu")(x)
        else:
            x = layers.Conv2D(f, kernel_size, padding="same", activation="relu")(x)
            x = layers.BatchNormalization()(x)
        x = layers.MaxPooling2D(2)(x)
        if block_dropout > 0:
            x = layers.Dropout(block_dropout)(x)
    x = layers.Flatten()(x)
    if dense_bn:
        x = layers.Dense(dense, use_bias=False)(x)  # BN's offset replaces the bias
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
    else:
        x = layers.Dense(dense, activation="relu")(x)
    x = layers.Dropout(dropout)(x)
    out = layers.Dense(n_classes, activation="softmax")(x)
    return keras.Model(inp, out, name="improved_cnn")


PAPER_B_TEMPLATES = ("blocks3", "plain6")


def paper_b_cnn(
    n_classes: int,
    filters: Sequence[int],
    kernels: Sequence[int],
    activations: Sequence[str],
    dense: int = 256,
    dropout_conv: float = 0.25,
    dropout_dense: float = 0.5,
    template: str = "blocks3",
) -> keras.Model:
    """Paper B's template (section 2.1; its Fig. 2 is missing from the text, so both are readings):
    - "blocks3" (default): three blocks of [Conv2D -> BN -> Conv2D -> BN -> MaxPool 2x2 -> Dropout],
      every Conv2D with 'same' padding, he_normal initialisation and the genome's filters, kernel
      and activation; then flatten -> Dense(`dense`, relu) -> BN -> Dropout -> Dense(softmax).
    - "plain6": six Conv2D layers with a 2x2 max-pool after every second one, no batch norm and no
      conv dropout; flatten -> Dense(`dense`, relu) -> Dropout -> Dense(softmax) (the sensitivity
      reading: the paper names no normalisation).
    Dense width and dropout rates are not in the paper (our choice, profile settings)."""
    if not len(filters) == len(kernels) == len(activations) == 6:
        raise ValueError("paper B's template has exactly six convolutional layers")
    if template not in PAPER_B_TEMPLATES:
        raise ValueError(f"paper B template must be one of {PAPER_B_TEMPLATES}, got {template!r}")
    inp, x = _inputs()
    for i, (f, k, a) in enumerate(zip(filters, kernels, activations)):
        x = layers.Conv2D(int(f), int(k), padding="same", activation=a, kernel_initializer="he_normal")(x)
        if template == "blocks3":
            x = layers.BatchNormalization()(x)
        if i % 2 == 1:
            x = layers.MaxPooling2D(2)(x)
            if template == "blocks3":
                x = layers.Dropout(dropout_conv)(x)
    x = layers.Flatten()(x)
    x = layers.Dense(dense, activation="relu", kernel_initializer="he_normal")(x)
    if template == "blocks3":
        x = layers.BatchNormalization()(x)
    x = layers.Dropout(dropout_dense)(x)
    out = layers.Dense(n_classes, activation="softmax")(x)
    return keras.Model(inp, out, name="paper_b_cnn")


def mini_xception(
    n_classes: int,
    l2: float = 0.01,
    augment: bool = True,
    modules: Sequence[int] = (16, 32, 64, 128),
    input_size: int = IMAGE_SIZE,
    separable_l2: bool = True,
) -> keras.Model:
    """Mini-Xception (Arriaga, Ploeger, Valdenegro 2017, "Real-time Convolutional Neural Networks for
    Emotion and Gender Classification"; paper B's Table 4 ref [45], 66 % on FER2013): two 3x3 conv
    layers of 8 filters, four residual modules of depthwise-separable 3x3 convolutions (16, 32, 64,
    128 filters) with a strided 1x1 shortcut, a final conv to one map per class and global average
    pooling; batch norm and ReLU throughout, L2 0.01 on the kernels, inputs in [-1, 1]; about
    60,000 parameters. `augment` adds its recipe's augmentation as layers (active in training
    only): rotation +-10 degrees, shifts of 10 %, zoom 10 %, horizontal flips.

    `input_size` resizes the 48x48 crops (bilinear) before everything else: their recipe trains at
    64x64. `separable_l2=False` is the model their code built: it passes `kernel_regularizer=` to
    Keras 2's SeparableConv2D, which accepts it (through **kwargs, for Conv2D) but builds its
    depthwise and pointwise kernels with their own regularizers, None by default, so only the two
    plain convs carried L2."""
    reg = regularizers.l2(l2) if l2 else None
    sep_reg = reg if separable_l2 else None
    inp, x = _inputs("symmetric")
    if input_size != IMAGE_SIZE:
        x = layers.Resizing(input_size, input_size, interpolation="bilinear")(x)
    if augment:
        x = layers.RandomRotation(10 / 360)(x)
        x = layers.RandomTranslation(0.1, 0.1)(x)
        x = layers.RandomZoom(0.1)(x)
        x = layers.RandomFlip("horizontal")(x)
    for _ in range(2):
        x = layers.Conv2D(8, 3, use_bias=False, kernel_regularizer=reg)(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
    for f in modules:
        # The strided 1x1 shortcut conv, written as subsampling then a 1x1 conv (the same function):
        # TensorFlow's oneDNN CPU kernel for a strided 1x1 conv corrupts memory on a batch smaller
        # than the others (the last of an epoch) and kills the process.
        shortcut = layers.MaxPooling2D(1, strides=2, padding="same")(x)
        shortcut = layers.Conv2D(f, 1, use_bias=False)(shortcut)
        shortcut = layers.BatchNormalization()(shortcut)
        x = layers.SeparableConv2D(
            f, 3, padding="same", use_bias=False, depthwise_regularizer=sep_reg, pointwise_regularizer=sep_reg
        )(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
        x = layers.SeparableConv2D(
            f, 3, padding="same", use_bias=False, depthwise_regularizer=sep_reg, pointwise_regularizer=sep_reg
        )(x)
        x = layers.BatchNormalization()(x)
        x = layers.MaxPooling2D(3, strides=2, padding="same")(x)
        x = layers.Add()([x, shortcut])
    x = layers.Conv2D(n_classes, 3, padding="same")(x)
    x = layers.GlobalAveragePooling2D()(x)
    out = layers.Activation("softmax")(x)
    return keras.Model(inp, out, name="mini_xception")


ARCHITECTURES: dict[str, Callable[..., keras.Model]] = {
    "basic_cnn": basic_cnn,
    "improved_cnn": improved_cnn,
    "paper_b_cnn": paper_b_cnn,
    "mini_xception": mini_xception,
}


def build(arch: str, n_classes: int, **settings) -> keras.Model:
    """The model named `arch` with `settings` (a stored run's model specification)."""
    if arch not in ARCHITECTURES:
        raise ValueError(f"unknown architecture '{arch}' (known: {', '.join(ARCHITECTURES)})")
    return ARCHITECTURES[arch](n_classes, **settings)
