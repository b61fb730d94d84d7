"""snorkel_slice: slicing functions, per-slice monitoring and slice-based learning for the course.

The subpackages and public names follow Snorkel's (``snorkel_slice.slicing``, ``.preprocess``,
``.analysis``, ``.classification``, ``.utils``), so what a learner writes here also works with
Snorkel; the implementation is the course's own. The names the lessons use most are also
importable from here (``__all__``); every public name is in its subpackage's ``__all__``.
Names that need torch (the classifiers, datasets, loaders and trainer) load on first use, so
``import snorkel_slice`` for writing, applying and scoring SFs does not import torch.
"""

from snorkel_slice._lazy import lazy_getattr
from snorkel_slice.analysis import (
    Scorer,
    SmallSliceWarning,
    UndefinedScoreWarning,
    plot_slice_scores,
    plot_slice_summary,
    slice_overlap,
    slice_summary,
)
from snorkel_slice.datasets.synthetic import circle_slices, make_circle_data
from snorkel_slice.preprocess import Preprocessor, preprocessor
from snorkel_slice.slicing import (
    ApplierMetadata,
    DaskSFApplier,
    PandasSFApplier,
    SlicingFunction,
    slice_dataframe,
    slicing_function,
)

_LAZY = {
    "ClassifierConfig": "snorkel_slice.classification",
    "DictDataLoader": "snorkel_slice.classification",
    "DictDataset": "snorkel_slice.classification",
    "PlainClassifier": "snorkel_slice.classification",
    "Trainer": "snorkel_slice.classification",
    "TrainerConfig": "snorkel_slice.classification",
    "set_seed": "snorkel_slice.classification",
    "SliceAwareClassifier": "snorkel_slice.slicing.classifier",
    "SliceAwareConfig": "snorkel_slice.slicing.classifier",
}
__getattr__ = lazy_getattr(__name__, _LAZY)

__all__ = [
    "ApplierMetadata",
    "DaskSFApplier",
    "PandasSFApplier",
    "Preprocessor",
    "Scorer",
    "SlicingFunction",
    "SmallSliceWarning",
    "UndefinedScoreWarning",
    "circle_slices",
    "make_circle_data",
    "plot_slice_scores",
    "plot_slice_summary",
    "preprocessor",
    "slice_dataframe",
    "slice_overlap",
    "slice_summary",
    "slicing_function",
    *_LAZY,
]
