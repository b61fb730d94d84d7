"""The UCI Adult data: `fetch_adult_data` finds, copies, downloads and verifies it, and
`load_adult_dataset` reads it into clean frames.

No network: downloads come from an HTTP server on 127.0.0.1 that serves zips built here from the
shared files. Every test writes only under pytest's tmp_path, never into the repo's data/.
"""

import hashlib
import io
import re
import shutil
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

from snorkel_slice.datasets import (
    ADULT_COLUMNS,
    ADULT_FILES,
    fetch_adult_data,
    load_adult_dataset,
)
from snorkel_slice.datasets.__main__ import main

NAMES = sorted(ADULT_FILES)
STRINGS = [
    "workclass",
    "education",
    "marital_status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "native_country",
]


@pytest.fixture(autouse=True)
def _offline_env(monkeypatch):
    # Each test chooses its own source; proxies must not intercept 127.0.0.1.
    for var in ("ADULT_DIR", "ADULT_URL", "YOUTUBE_SPAM_URL", "http_proxy", "HTTP_PROXY"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="module")
def adult(adult_data_dir):
    """(train, test) from the shared copy. Module-wide: tests must not modify it."""
    return load_adult_dataset(adult_data_dir)


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _files(source: Path) -> dict[str, bytes]:
    return {name: (source / name).read_bytes() for name in NAMES}


def _files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = self.server.routes.get(self.path)
        if body is None:
            self.send_error(404, "Not Found")
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/zip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def serve():
    """serve(path, body) publishes body on a local server and returns its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.routes = {}
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()

    def publish(path: str, body: bytes) -> str:
        server.routes[path] = body
        return f"http://127.0.0.1:{server.server_port}{path}"

    yield publish
    server.shutdown()
    server.server_close()
    thread.join()


def test_shared_checksums_are_the_ones_in_the_table(adult_source):
    for name in NAMES:
        assert hashlib.sha256((adult_source / name).read_bytes()).hexdigest() == ADULT_FILES[name]


def test_load_gives_the_documented_shapes_columns_and_dtypes(adult):
    df_train, df_test = adult
    assert (df_train.shape, df_test.shape) == ((32561, 15), (16281, 15))
    for df in adult:
        assert list(df.columns) == [*ADULT_COLUMNS, "label"]
        assert df.index.equals(pd.RangeIndex(len(df)))
        numeric = [c for c in df.columns if c not in STRINGS]
        assert all(df[c].dtype == "int64" for c in numeric), df.dtypes
        assert all(pd.api.types.is_string_dtype(df[c]) for c in STRINGS), df.dtypes
    assert df_train.iloc[0][["age", "workclass", "education_num", "label"]].tolist() == [
        39,
        "State-gov",
        13,
        0,
    ]
    # adult.test's first row is the line after "|1x3 Cross validator".
    assert df_test.iloc[0][["age", "occupation", "label"]].tolist() == [25, "Machine-op-inspct", 0]


def test_labels_are_0_and_1_with_the_published_balance(adult):
    df_train, df_test = adult
    for df in adult:
        assert set(df["label"]) == {0, 1}
    # About a quarter earn >50K: 7,841 of 32,561 (24.1%) and 3,846 of 16,281 (23.6%).
    assert (df_train["label"].sum(), df_test["label"].sum()) == (7841, 3846)
    assert df_train["label"].mean() == pytest.approx(0.2408, abs=1e-4)
    assert df_test["label"].mean() == pytest.approx(0.2362, abs=1e-4)


def test_strings_are_stripped_and_question_marks_are_missing(adult):
    for df in adult:
        values = pd.concat([df[c].dropna() for c in STRINGS])
        assert not values.isin(["?", ""]).any()
        assert not values.str.startswith(" ").any() and not values.str.endswith(" ").any()
        assert not values.str.endswith(".").any()  # no "<=50K." style leftovers
        assert not values.str.contains("Cross validator").any()
    counts = [df.isna().sum()[lambda n: n > 0].to_dict() for df in adult]
    assert counts == [
        {"workclass": 1836, "occupation": 1843, "native_country": 583},  # train
        {"workclass": 963, "occupation": 966, "native_country": 274},  # test
    ]


def test_copy_from_adult_dir(tmp_path, adult_source, monkeypatch):
    monkeypatch.setenv("ADULT_DIR", str(adult_source))
    folder = fetch_adult_data(tmp_path)
    assert folder == tmp_path / "adult"
    for name in NAMES:
        assert (folder / name).read_bytes() == (adult_source / name).read_bytes()
    assert _files_under(tmp_path) == [f"adult/{name}" for name in NAMES]  # not adult.names


def test_copy_with_wrong_checksum_names_file_and_fix(tmp_path, adult_source, monkeypatch):
    source = tmp_path / "source"
    source.mkdir()
    for name in NAMES:
        shutil.copyfile(adult_source / name, source / name)
    with (source / "adult.test").open("ab") as f:
        f.write(b"1, Private, 1, HS-grad, 9, x, x, x, x, x, 0, 0, 40, x, >50K.\n")
    monkeypatch.setenv("ADULT_DIR", str(source))
    with pytest.raises(
        ValueError,
        match=r"Checksum mismatch for adult\.test \(.*source/adult\.test\): expected SHA-256 "
        + ADULT_FILES["adult.test"]
        + r", got .*unset ADULT_DIR",
    ):
        fetch_adult_data(tmp_path / "data")
    assert not (tmp_path / "data").exists()


def test_copy_from_folder_missing_a_file_names_it(tmp_path, monkeypatch):
    monkeypatch.setenv("ADULT_DIR", str(tmp_path / "empty"))
    with pytest.raises(FileNotFoundError, match=r"ADULT_DIR=.*empty lacks adult\.data, adult\.te"):
        fetch_adult_data(tmp_path / "data")


def test_present_file_with_wrong_checksum_says_delete_and_rerun(tmp_path, adult_source):
    folder = fetch_adult_data(tmp_path, source_dir=adult_source)
    (folder / "adult.data").write_text("39, State-gov\n")
    with pytest.raises(ValueError, match=r"adult\.data .*Delete .*adult\.data and re-run"):
        load_adult_dataset(tmp_path)


@pytest.mark.parametrize("prefix", ["", "adult/"], ids=["flat", "nested"])
def test_download_extracts_only_the_two_verified_files(tmp_path, serve, adult_source, prefix):
    # Like the UCI archive, which also holds adult.names, old.adult.names and Index.
    extra = {"adult.names": b"| names\n", "Index": b"index\n", "__MACOSX/._adult.data": b"\0"}
    entries = {prefix + name: data for name, data in _files(adult_source).items()}
    url = serve("/adult.zip", _zip({**entries, **extra}))
    folder = fetch_adult_data(tmp_path / "data", url=url, progress_bar=False)
    assert folder == tmp_path / "data" / "adult"
    assert _files_under(tmp_path) == [f"data/adult/{name}" for name in NAMES]  # no zip, no .part
    df_train, df_test = load_adult_dataset(tmp_path / "data")
    assert (len(df_train), len(df_test)) == (32561, 16281)


def test_download_url_comes_from_the_environment(tmp_path, serve, adult_source, monkeypatch):
    monkeypatch.setenv("ADULT_URL", serve("/env.zip", _zip(_files(adult_source))))
    assert sorted(p.name for p in fetch_adult_data(tmp_path, progress_bar=False).iterdir()) == NAMES


@pytest.mark.parametrize("evil", ["../../adult.data", "/tmp/evil-adult.data", "a\\..\\..\\x"])
def test_zip_slip_entry_is_refused_and_nothing_is_written(tmp_path, serve, adult_source, evil):
    url = serve("/slip.zip", _zip({**_files(adult_source), evil: b"pwned"}))
    data_dir = tmp_path / "a" / "b" / "data"
    with pytest.raises(ValueError, match=re.escape(f"entry {evil!r} points outside")):
        fetch_adult_data(data_dir, url=url, progress_bar=False)
    assert _files_under(tmp_path) == []
    assert not Path("/tmp/evil-adult.data").exists()


def test_wrong_file_in_archive_fails_its_checksum_and_nothing_is_written(
    tmp_path, serve, adult_source
):
    files = _files(adult_source)
    files["adult.data"] = files["adult.data"].replace(b"<=50K", b">50K", 1)
    url = serve("/tampered.zip", _zip(files))
    expected = ADULT_FILES["adult.data"]
    with pytest.raises(
        ValueError,
        match=rf"adult\.data \(in the archive from http://127\.0\.0\.1.*expected SHA-256 "
        rf"{expected}, got .*check the address \(url or ADULT_URL\)",
    ):
        fetch_adult_data(tmp_path, url=url, progress_bar=False)
    assert _files_under(tmp_path) == []  # both are checked before either is written


def test_failed_download_is_a_clear_error_and_leaves_nothing(tmp_path, serve):
    url = serve("/page.zip", b"<html>Service unavailable</html>")
    with pytest.raises(ValueError, match=r"not a valid zip archive .*set ADULT_DIR to a folder"):
        fetch_adult_data(tmp_path, url=url, progress_bar=False)
    missing = url.replace("/page.zip", "/missing.zip")
    with pytest.raises(ConnectionError, match=r"Could not download the UCI Adult data .*HTTP 404"):
        fetch_adult_data(tmp_path, url=missing, progress_bar=False)
    assert _files_under(tmp_path) == []


def test_main_reports_both_data_sets(tmp_path, spam_source, adult_source, monkeypatch, capsys):
    monkeypatch.setenv("YOUTUBE_SPAM_DIR", str(spam_source))
    monkeypatch.setenv("ADULT_DIR", str(adult_source))
    main(tmp_path)
    out = capsys.readouterr().out
    assert f"UCI Adult data is in {tmp_path / 'adult'}" in out
    assert "adult.data: train 32561 rows, adult.test: test 16281 rows" in out


def test_main_without_adult_notes_how_to_get_it_and_carries_on(
    tmp_path, spam_source, serve, monkeypatch, capsys
):
    # No ADULT_DIR and no internet (here: a 404 on the local server) must not fail set-up.
    monkeypatch.setenv("YOUTUBE_SPAM_DIR", str(spam_source))
    monkeypatch.setenv("ADULT_URL", serve("/x", b"").replace("/x", "/missing.zip"))
    main(tmp_path)  # no SystemExit
    captured = capsys.readouterr()
    assert "Splits: train 1586" in captured.out
    assert "UCI Adult" not in captured.out
    assert re.search(
        r"note: the UCI Adult data could not be fetched.*\n.*HTTP 404.*\n.*set ADULT_DIR",
        captured.err,
    )
    assert not [p for p in tmp_path.iterdir() if p.name.startswith((".adult", "adult"))]


@pytest.mark.parametrize("data_dir", [3, ["data"]], ids=["int", "list"])
def test_data_dir_that_is_not_a_path_is_refused(data_dir):
    with pytest.raises(TypeError, match=r"data_dir must be a folder path \(str or Path\) or None; got "):
        load_adult_dataset(data_dir)
