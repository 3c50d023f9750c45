"""FER2013 data layer: sources, cache, integrity checks and the `load` entry point."""

from fer_study.data.dataset import FERData, load, resolve_path
from fer_study.data.errors import DataError

__all__ = ["FERData", "DataError", "load", "resolve_path"]
