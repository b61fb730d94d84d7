"""Slicing functions, the appliers that run them, and the slice-aware classifier.

As in ``snorkel.slicing``. Writing and applying SFs never imports torch; the classifier and the
slice-label helpers, which need it, load on first use.
"""

from snorkel_slice._lazy import lazy_getattr
from snorkel_slice.slicing.apply import (
    ApplierMetadata,
    PandasParallelSFApplier,
    PandasSFApplier,
    SFApplier,
    SlicingFunctionError,
    slice_dataframe,
)
from snorkel_slice.slicing.dask_apply import DaskSFApplier
from snorkel_slice.slicing.matrix import RESERVED_NAMES, read_slice_matrix
from snorkel_slice.slicing.nlp import NLPSlicingFunction, nlp_slicing_function
from snorkel_slice.slicing.sf import SlicingFunction, slicing_function
from snorkel_slice.slicing.spark_apply import SparkSFApplier

_LAZY = {
    "SliceAwareClassifier": "snorkel_slice.slicing.classifier",
    "SliceAwareConfig": "snorkel_slice.slicing.classifier",
    "SliceCombinerModule": "snorkel_slice.slicing.combiner",
    "add_slice_labels": "snorkel_slice.slicing.loaders",
    "convert_to_slice_tasks": "snorkel_slice.slicing.loaders",
    "make_slice_dataloader": "snorkel_slice.slicing.loaders",
    "slices_from_labels": "snorkel_slice.slicing.loaders",
    "ind_label": "snorkel_slice.slicing.loaders",
    "pred_label": "snorkel_slice.slicing.loaders",
}
__getattr__ = lazy_getattr(__name__, _LAZY)

__all__ = [
    "ApplierMetadata",
    "NLPSlicingFunction",
    "nlp_slicing_function",
    "DaskSFApplier",
    "PandasParallelSFApplier",
    "PandasSFApplier",
    "SFApplier",
    "RESERVED_NAMES",
    "SlicingFunction",
    "SlicingFunctionError",
    "SparkSFApplier",
    "read_slice_matrix",
    "slice_dataframe",
    "slicing_function",
    *_LAZY,
]
