"""Hyperparameter searches: the trial log, grid search, the genetic algorithm, random search, executors."""
