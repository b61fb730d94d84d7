"""The course's data: loaders, their verified fetching, and the tutorial's helpers.

``python -m snorkel_slice.datasets`` fetches and verifies the data and prints its row counts.
"""

from snorkel_slice.datasets.adult import (
    ADULT_COLUMNS,
    ADULT_FILES,
    ADULT_URL,
    fetch_adult_data,
    load_adult_dataset,
)
from snorkel_slice.datasets.fetch import SPAM_FILES, SPAM_URL, default_data_dir, fetch_spam_data
from snorkel_slice.datasets.spam import (
    SPAM_SF_NAMES,
    df_to_features,
    load_spam_dataset,
    make_spam_sfs,
)
from snorkel_slice.datasets.spam_pipeline import build_spam_pipeline, spam_pipeline_path
from snorkel_slice.datasets.spam_vectorized import make_vectorized_spam_sfs
from snorkel_slice.datasets.spurious import SPURIOUS_GROUPS, make_spurious_data
from snorkel_slice.datasets.synthetic import circle_slices, make_circle_data, make_loan_data
from snorkel_slice.datasets.tutorial import create_dict_dataloader, get_pytorch_mlp

__all__ = [
    "ADULT_COLUMNS",
    "ADULT_FILES",
    "ADULT_URL",
    "SPAM_FILES",
    "SPAM_SF_NAMES",
    "SPAM_URL",
    "SPURIOUS_GROUPS",
    "build_spam_pipeline",
    "circle_slices",
    "create_dict_dataloader",
    "default_data_dir",
    "df_to_features",
    "fetch_adult_data",
    "fetch_spam_data",
    "get_pytorch_mlp",
    "load_adult_dataset",
    "load_spam_dataset",
    "make_circle_data",
    "make_loan_data",
    "make_spam_sfs",
    "make_spurious_data",
    "make_vectorized_spam_sfs",
    "spam_pipeline_path",
]
