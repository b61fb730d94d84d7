"""snorkel_slice: slicing functions, per-slice monitoring and slice-based learning for the course.

The public names and call shapes follow Snorkel's slicing API, so what a learner writes here also
works with Snorkel; the implementation is the course's own.
"""

from snorkel_slice.apply import ApplierMetadata, PandasSFApplier, slice_dataframe
from snorkel_slice.classifier import SliceAwareClassifier, SliceAwareConfig
from snorkel_slice.dask_apply import DaskSFApplier
from snorkel_slice.data import DictDataLoader, DictDataset
from snorkel_slice.plain import ClassifierConfig, PlainClassifier
from snorkel_slice.preprocess import Preprocessor, preprocessor
from snorkel_slice.scorer import Scorer, SmallSliceWarning, UndefinedScoreWarning, plot_slice_scores
from snorkel_slice.sf import SlicingFunction, slicing_function
from snorkel_slice.summary import plot_slice_summary, slice_overlap, slice_summary
from snorkel_slice.synthetic import circle_slices, make_circle_data
from snorkel_slice.trainer import Trainer, TrainerConfig, set_seed

__all__ = [
    "ApplierMetadata",
    "ClassifierConfig",
    "DaskSFApplier",
    "DictDataLoader",
    "DictDataset",
    "PandasSFApplier",
    "PlainClassifier",
    "Preprocessor",
    "Scorer",
    "SliceAwareClassifier",
    "SliceAwareConfig",
    "SlicingFunction",
    "SmallSliceWarning",
    "Trainer",
    "TrainerConfig",
    "UndefinedScoreWarning",
    "circle_slices",
    "make_circle_data",
    "plot_slice_scores",
    "plot_slice_summary",
    "preprocessor",
    "set_seed",
    "slice_dataframe",
    "slice_overlap",
    "slice_summary",
    "slicing_function",
]
