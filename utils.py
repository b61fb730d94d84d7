"""The lessons' helpers, named as in Snorkel's spam tutorial (``from utils import ...``).

A thin layer over ``snorkel_slice.datasets``, where the code lives. This file is not installed
into site-packages (a module called ``utils`` there would shadow a learner's own). The lessons
find it because the repository root is on ``PYTHONPATH``: ``make lessons``, the test suite,
``tools/run_lessons.py`` and Binder's ``start`` script all put it there. ``python -m utils``
fetches and verifies the data.
"""

from snorkel_slice.datasets import (
    SPAM_FILES,
    SPAM_SF_NAMES,
    SPAM_URL,
    create_dict_dataloader,
    default_data_dir,
    df_to_features,
    fetch_spam_data,
    get_pytorch_mlp,
    load_spam_dataset,
    make_spam_sfs,
)
from snorkel_slice.datasets.__main__ import main

__all__ = [
    "SPAM_FILES",
    "SPAM_SF_NAMES",
    "SPAM_URL",
    "create_dict_dataloader",
    "default_data_dir",
    "df_to_features",
    "fetch_spam_data",
    "get_pytorch_mlp",
    "load_spam_dataset",
    "make_spam_sfs",
]

if __name__ == "__main__":
    main()
