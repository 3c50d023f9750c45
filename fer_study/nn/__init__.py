"""Neural networks: architectures, the training loop, training health and the run store."""

from fer_study.core.quiet import import_keras

import_keras()  # first, so TensorFlow's native start-up lines stay out of notebooks and the console
