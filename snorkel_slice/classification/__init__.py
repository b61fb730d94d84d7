"""Dict datasets and loaders, the plain classifier and the trainer, as in ``snorkel.classification``.

Also the remedies for a weak slice (reweighting, oversampling, Group DRO, JTT, last-layer
retraining, per-slice thresholds) and ``compare_fixes``, which puts them side by side.
"""

from snorkel_slice.classification.base import ClassifierBase, ClassifierConfig
from snorkel_slice.classification.data import DictDataLoader, DictDataset, collate_dicts
from snorkel_slice.classification.fix_summary import per_seed, plot_fixes, summarize_fixes
from snorkel_slice.classification.fixes import compare_fixes
from snorkel_slice.classification.groups import (
    append_slices,
    group_weights,
    label_free_slices,
    slice_balanced_sampler,
    slice_groups,
    slice_weights,
)
from snorkel_slice.classification.jtt import jtt_sampler, training_errors
from snorkel_slice.classification.last_layer import freeze_body, split_heldout
from snorkel_slice.classification.plain import PlainClassifier
from snorkel_slice.classification.robust import (
    GroupDROClassifier,
    ReweightedClassifier,
    group_dro_update,
)
from snorkel_slice.classification.thresholds import SliceThresholds
from snorkel_slice.classification.trainer import Trainer, TrainerConfig, set_seed

__all__ = [
    "ClassifierBase",
    "ClassifierConfig",
    "DictDataLoader",
    "DictDataset",
    "GroupDROClassifier",
    "PlainClassifier",
    "ReweightedClassifier",
    "SliceThresholds",
    "Trainer",
    "TrainerConfig",
    "append_slices",
    "collate_dicts",
    "compare_fixes",
    "freeze_body",
    "group_dro_update",
    "group_weights",
    "jtt_sampler",
    "label_free_slices",
    "per_seed",
    "plot_fixes",
    "set_seed",
    "slice_balanced_sampler",
    "slice_groups",
    "slice_weights",
    "split_heldout",
    "summarize_fixes",
    "training_errors",
]
