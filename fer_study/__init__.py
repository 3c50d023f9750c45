"""fer-study: a re-runnable reproducibility study of two FER2013 CNN papers."""

__version__ = "0.1.0"
