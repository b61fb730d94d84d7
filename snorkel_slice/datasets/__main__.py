"""``python -m snorkel_slice.datasets``: fetch and verify the course's data, and count its rows."""

from pathlib import Path

import pandas as pd

from snorkel_slice.datasets.fetch import SPAM_FILES, fetch_spam_data
from snorkel_slice.datasets.spam import load_spam_dataset


def main(data_dir: str | Path | None = None) -> None:
    """Fetch the data and print where it is and how many rows each file and split has."""
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


if __name__ == "__main__":
    main()
