"""The UCI Adult (census income) data: its two files, fetched and verified, as clean frames.

``fetch_adult_data`` takes ``adult.data`` and ``adult.test`` through the same verified steps as
the spam CSVs (``fetch.py``): ``data/adult/`` when present, else a copy from ``$ADULT_DIR``, else
the UCI archive (or ``$ADULT_URL``). ``load_adult_dataset`` reads them into frames with
snake_case columns and an integer label. data/README.md gives the source, licence and limits.
"""

from pathlib import Path

import pandas as pd

from snorkel_slice.datasets.fetch import DataSource, fetch

# SHA-256 of each file in the UCI release (dataset 2, "Adult").
ADULT_FILES = {
    "adult.data": "5b00264637dbfec36bdeaab5676b0b309ff9eb788d63554ca0a249491c86603d",
    "adult.test": "a2a9044bc167a35b2361efbabec64e89d69ce82d9790d2980119aac5fd7e9c05",
}
ADULT_URL = "https://archive.ics.uci.edu/static/public/2/adult.zip"
ADULT = DataSource(
    title="UCI Adult data",
    folder="adult",
    files=ADULT_FILES,
    contents="adult.data and adult.test of the UCI Adult data set",
    short="adult.data and adult.test",
    dir_var="ADULT_DIR",
    url_var="ADULT_URL",
    url=ADULT_URL,
)
# The 14 features in the order of adult.names, then the income class.
ADULT_COLUMNS = (
    "age",
    "workclass",
    "fnlwgt",
    "education",
    "education_num",
    "marital_status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "capital_gain",
    "capital_loss",
    "hours_per_week",
    "native_country",
)


def fetch_adult_data(
    data_dir: str | Path | None = None,
    source_dir: str | Path | None = None,
    url: str | None = None,
    progress_bar: bool = True,
) -> Path:
    """Make sure the verified ``adult.data`` and ``adult.test`` are in ``<data_dir>/adult``.

    The first of these that applies is used: the files are already there; they are copied from
    ``source_dir`` (default: the ``ADULT_DIR`` environment variable); they are downloaded from
    ``url`` (default: ``ADULT_URL``, else the UCI archive), and only the two files are taken
    from it. Each file is checked against its SHA-256 before use, nothing is written until both
    pass, and each appears under its final name only when complete.

    Parameters
    ----------
    data_dir
        Folder that receives ``adult/``; None means the repository's ``data/``.
    source_dir
        Local folder to copy the files from; None means ``$ADULT_DIR`` if set.
    url
        Address of the zip archive; None means ``$ADULT_URL``, else the UCI address.
    progress_bar
        Show a download progress bar on stderr.

    Returns
    -------
    Path
        The folder holding the two files.

    Examples
    --------
    >>> sorted(p.name for p in fetch_adult_data().glob("adult.*"))
    ['adult.data', 'adult.test']
    """
    return fetch(ADULT, data_dir, source_dir, url, progress_bar)


def _read_split(path: Path, skiprows: int) -> pd.DataFrame:
    df = pd.read_csv(
        path,
        header=None,
        names=[*ADULT_COLUMNS, "income"],
        skiprows=skiprows,
        skipinitialspace=True,  # values follow ", "
        na_values="?",
        keep_default_na=False,  # only "?" marks a missing value
    )
    income = df.pop("income").str.rstrip(".")  # adult.test writes ">50K." and "<=50K."
    unknown = sorted(set(income) - {">50K", "<=50K"})
    if unknown:
        raise ValueError(f"{path} has income classes {unknown}; expected '>50K' or '<=50K'.")
    df["label"] = (income == ">50K").astype("int64")
    return df


def load_adult_dataset(data_dir: str | Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Load the UCI Adult train and test splits as published (``adult.data``, ``adult.test``).

    Columns: the 14 features of ``ADULT_COLUMNS`` in snake_case (six integers, eight strings
    with leading spaces stripped and "?" read as missing), then ``label``: 1 when income is
    >50K, else 0. The test file's first line (``|1x3 Cross validator``) is skipped and the "."
    that ends its labels is dropped. Rows keep the files' order, indexed 0..n-1.

    Parameters
    ----------
    data_dir
        Passed to `fetch_adult_data`; None means the repository's ``data/``.

    Returns
    -------
    tuple of pandas.DataFrame
        ``(df_train, df_test)``: 32,561 and 16,281 rows.

    Examples
    --------
    >>> df_train, df_test = load_adult_dataset()
    >>> df_train.shape, df_test.shape
    ((32561, 15), (16281, 15))
    >>> df_train.label.value_counts().sort_index().tolist()
    [24720, 7841]
    """
    folder = fetch_adult_data(data_dir)
    return _read_split(folder / "adult.data", 0), _read_split(folder / "adult.test", 1)
