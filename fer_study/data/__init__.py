"""FER2013 data layer: sources, cache, integrity checks and the `load` entry point."""

from .dataset import FERData, load, resolve_path
from .errors import DataError

__all__ = ["FERData", "DataError", "load", "resolve_path"]
