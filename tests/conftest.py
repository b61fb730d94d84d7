"""Shared fixtures: the spam and Adult data, copied once per session into a temporary folder.

The source is $YOUTUBE_SPAM_DIR (CI points it at the shared copy), else the repo's data/youtube-spam
(`python -m utils` puts it there); likewise $ADULT_DIR, else data/adult. Tests never write into
the repo's data/ folder.
"""

import os
import sys
from pathlib import Path

import pytest

from snorkel_slice.datasets import ADULT_FILES, fetch_adult_data
from utils import SPAM_FILES, default_data_dir, fetch_spam_data, load_spam_dataset


@pytest.fixture(scope="session")
def spam_source() -> Path:
    """A folder with the five verified CSVs."""
    folder = Path(os.environ.get("YOUTUBE_SPAM_DIR") or default_data_dir() / "youtube-spam")
    if not all((folder / name).is_file() for name in SPAM_FILES):
        pytest.fail(f"No spam CSVs in {folder}: set YOUTUBE_SPAM_DIR or run `python -m utils`.")
    return folder


@pytest.fixture(scope="session")
def spam_data_dir(tmp_path_factory, spam_source) -> Path:
    data_dir = tmp_path_factory.mktemp("data")
    fetch_spam_data(data_dir, source_dir=spam_source)
    return data_dir


@pytest.fixture(scope="session")
def adult_source() -> Path:
    """A folder with adult.data and adult.test."""
    folder = Path(os.environ.get("ADULT_DIR") or default_data_dir() / "adult")
    if not all((folder / name).is_file() for name in ADULT_FILES):
        pytest.fail(f"No Adult files in {folder}: set ADULT_DIR or run `python -m utils`.")
    return folder


@pytest.fixture(scope="session")
def adult_data_dir(tmp_path_factory, adult_source) -> Path:
    data_dir = tmp_path_factory.mktemp("adult-data")
    fetch_adult_data(data_dir, source_dir=adult_source)
    return data_dir


@pytest.fixture(scope="session")
def labelled(spam_data_dir):
    """(train, dev, valid, test) with train labels. Session-wide: tests must not modify it."""
    return load_spam_dataset(load_train_labels=True, split_dev_valid=True, data_dir=spam_data_dir)


@pytest.fixture
def one_thread():
    """Run torch on one thread: tiny models gain nothing from a second, and lose a lot on a busy box."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def spark():
    """One local Spark session for the whole run, so the JVM starts once; stopped at the end.

    Two worker threads on the loopback interface, no UI and no network. Spark's Python workers run
    this interpreter (PYSPARK_PYTHON), so they import the same snorkel_slice as the tests.
    """
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SPARK_LOCAL_IP", "127.0.0.1")
        env.setenv("PYSPARK_PYTHON", sys.executable)
        from pyspark.sql import SparkSession

        session = (
            SparkSession.builder.master("local[2]")
            .appName("snorkel_slice-tests")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        try:
            yield session
        finally:
            session.stop()
