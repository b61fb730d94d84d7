"""One progress bar for the whole package, with a switch to keep stored notebook outputs clean."""

from __future__ import annotations

import os
from collections.abc import Iterable

from tqdm.auto import tqdm

# The lesson runner and the test suite set this to "0" so that progress bars never enter stored
# outputs or nbval comparisons; learners running a lesson interactively still see them.
ENV_SWITCH = "SNORKEL_SLICE_PROGRESS"


def bars_enabled() -> bool:
    """Whether progress bars may be shown at all in this process.

    Examples
    --------
    >>> isinstance(bars_enabled(), bool)
    True
    """
    return os.environ.get(ENV_SWITCH, "1").strip().lower() not in {"0", "false", "no", "off"}


def progress(iterable: Iterable | None = None, *, enabled: bool = True, **kwargs) -> tqdm:
    """Wrap ``iterable`` in a tqdm bar that is off when ``enabled`` is False or bars are switched off.

    Examples
    --------
    >>> sum(progress(range(4), enabled=False))
    6
    """
    kwargs.setdefault("mininterval", 0.5)  # few redraws: cheap, and quiet in logs
    kwargs.setdefault("leave", False)
    return tqdm(iterable, disable=not (enabled and bars_enabled()), **kwargs)
