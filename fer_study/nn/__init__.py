"""Neural networks: architectures, the training loop, training health and the run store.

Nothing is imported here, so `fer_study.nn.metrics` (pure NumPy) loads without Keras; the modules
that need Keras import it through `fer_study.core.quiet.import_keras`.
"""
