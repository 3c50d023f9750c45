"""Neural networks: architectures, the training loop, training health and the run store."""
