"""Dict datasets and loaders, the plain classifier and the trainer, as in ``snorkel.classification``."""

from snorkel_slice.classification.base import ClassifierBase, ClassifierConfig
from snorkel_slice.classification.data import DictDataLoader, DictDataset, collate_dicts
from snorkel_slice.classification.plain import PlainClassifier
from snorkel_slice.classification.trainer import Trainer, TrainerConfig, set_seed

__all__ = [
    "ClassifierBase",
    "ClassifierConfig",
    "DictDataLoader",
    "DictDataset",
    "PlainClassifier",
    "Trainer",
    "TrainerConfig",
    "collate_dicts",
    "set_seed",
]
