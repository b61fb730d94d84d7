"""Preprocessors: data point -> data point steps that SFs share, as in ``snorkel.preprocess``."""

from snorkel_slice.preprocess.core import BasePreprocessor, LambdaPreprocessor, preprocessor
from snorkel_slice.preprocess.fields import Preprocessor
from snorkel_slice.preprocess.nlp import SpacyPreprocessor

__all__ = ["BasePreprocessor", "LambdaPreprocessor", "Preprocessor", "SpacyPreprocessor", "preprocessor"]
