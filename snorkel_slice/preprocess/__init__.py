"""Preprocessors: data point -> data point steps that SFs share, as in ``snorkel.preprocess``."""

from snorkel_slice.preprocess.core import (
    BasePreprocessor,
    LambdaPreprocessor,
    Preprocessor,
    preprocessor,
)

__all__ = ["BasePreprocessor", "LambdaPreprocessor", "Preprocessor", "preprocessor"]
