"""``python -m snorkel_slice.datasets``: fetch and verify the course's data, and count its rows."""

import sys
from pathlib import Path

import pandas as pd

from snorkel_slice.datasets.adult import fetch_adult_data, load_adult_dataset
from snorkel_slice.datasets.fetch import SPAM_FILES, fetch_spam_data
from snorkel_slice.datasets.spam import load_spam_dataset


def main(data_dir: str | Path | None = None) -> None:
    """Fetch the data and print where it is and how many rows each file and split has.

    The spam data is needed by every lesson, so failing to fetch it is an error (exit status 1).
    The Adult data is optional: if it cannot be fetched, a note says how to get it and set-up
    carries on.
    """
    try:
        folder = fetch_spam_data(data_dir)
    except (ValueError, OSError) as exc:
        raise SystemExit(f"error: {exc}") from exc
    print(f"YouTube spam data is in {folder}")
    for name in sorted(SPAM_FILES):
        print(f"  {name}: {len(pd.read_csv(folder / name))} rows")
    splits = load_spam_dataset(split_dev_valid=True, data_dir=data_dir)
    sizes = ", ".join(
        f"{n} {len(df)}" for n, df in zip(("train", "dev", "valid", "test"), splits, strict=True)
    )
    print(f"Splits: {sizes}")
    try:
        folder = fetch_adult_data(data_dir)
        df_train, df_test = load_adult_dataset(data_dir)
    except (ValueError, OSError) as exc:  # ConnectionError and FileNotFoundError are OSErrors
        print(
            f"note: the UCI Adult data could not be fetched; the spam lessons do not need it.\n"
            f"  {exc}\n"
            f"  To use a local copy, set ADULT_DIR to a folder holding adult.data and adult.test "
            f"and run `python -m snorkel_slice.datasets` again.",
            file=sys.stderr,
        )
        return
    print(f"UCI Adult data is in {folder}")
    print(f"  adult.data: train {len(df_train)} rows, adult.test: test {len(df_test)} rows")


if __name__ == "__main__":
    main()
