"""How `snorkel_slice.datasets.fetch.fetch_spam_data` finds, copies, downloads and verifies the five spam CSVs.

No network: downloads come from an HTTP server on 127.0.0.1 that serves zips built here from
the real CSVs. Every test writes only under pytest's tmp_path, never into the repo's data/.
"""

import hashlib
import io
import os
import re
import shutil
import socket
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import tqdm

import utils
from snorkel_slice.datasets.fetch import SPAM_FILES, default_data_dir, fetch_spam_data

NAMES = sorted(SPAM_FILES)


@pytest.fixture(autouse=True)
def _offline_env(monkeypatch):
    # Each test chooses its own source; proxies must not intercept 127.0.0.1.
    for var in ("YOUTUBE_SPAM_DIR", "YOUTUBE_SPAM_URL", "http_proxy", "HTTP_PROXY"):
        monkeypatch.delenv(var, raising=False)


def _zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _csvs(source: Path, prefix: str = "") -> dict[str, bytes]:
    return {prefix + name: (source / name).read_bytes() for name in NAMES}


def _copy_csvs(source: Path, dest: Path, names: list[str] = NAMES) -> Path:
    dest.mkdir(parents=True)
    for name in names:
        shutil.copyfile(source / name, dest / name)  # contents only: the shared copy is read-only
    return dest


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
        self.send_header("Content-Length", str(len(body)))  # always the full length
        self.end_headers()
        # "/truncated..." routes drop the connection halfway, like a network cut.
        self.wfile.write(body[: len(body) // 2] if self.path.startswith("/truncated") else body)

    def log_message(self, *args):
        pass


@pytest.fixture
def serve():
    """serve(path, body) publishes body on a local server and returns its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.routes = {}
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)  # quick stop
    thread.start()

    def publish(path: str, body: bytes) -> str:
        server.routes[path] = body
        return f"http://127.0.0.1:{server.server_port}{path}"

    yield publish
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.parametrize(
    "prefix, junk",
    [
        ("", {}),
        # The archive may nest the CSVs and carry macOS metadata and other files.
        ("YouTube-Spam-Collection-v1/", {"__MACOSX/._Youtube01-Psy.csv": b"\0", "README": b"x"}),
    ],
    ids=["flat", "nested-with-junk"],
)
def test_download_extracts_the_five_verified_csvs(tmp_path, serve, spam_source, prefix, junk):
    url = serve("/spam.zip", _zip({**_csvs(spam_source, prefix), **junk}))
    folder = fetch_spam_data(tmp_path / "data", url=url, progress_bar=False)
    assert folder == tmp_path / "data" / "youtube-spam"
    # Only the five CSVs remain: no zip, no *.part, no junk.
    assert _files_under(tmp_path) == [f"data/youtube-spam/{name}" for name in NAMES]
    for name in NAMES:
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == SPAM_FILES[name]


def test_download_url_comes_from_the_environment(tmp_path, serve, spam_source, monkeypatch):
    monkeypatch.setenv("YOUTUBE_SPAM_URL", serve("/env.zip", _zip(_csvs(spam_source))))
    folder = fetch_spam_data(tmp_path, progress_bar=False)
    assert sorted(p.name for p in folder.iterdir()) == NAMES


def _flip_middle_byte(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


@pytest.mark.parametrize(
    "make_body",
    [
        lambda csvs: b"<html>Service unavailable</html>",
        lambda csvs: _zip(csvs)[:-30],  # central directory cut short
        lambda csvs: _flip_middle_byte(_zip(csvs, zipfile.ZIP_STORED)),  # CRC check fails
    ],
    ids=["html-page", "truncated-zip", "flipped-byte"],
)
def test_corrupted_download_is_a_clear_error_and_leaves_nothing(
    tmp_path, serve, spam_source, make_body
):
    url = serve("/bad.zip", make_body(_csvs(spam_source)))
    with pytest.raises(ValueError, match=r"downloaded from http://127\.0\.0\.1.* not a valid zip"):
        fetch_spam_data(tmp_path / "data", url=url, progress_bar=False)
    assert _files_under(tmp_path) == []


@pytest.mark.parametrize("evil", ["../../evil.csv", "/tmp/evil.csv", "a\\..\\..\\evil.csv"])
def test_zip_slip_entry_is_refused_and_nothing_is_written(tmp_path, serve, spam_source, evil):
    url = serve("/slip.zip", _zip({**_csvs(spam_source), evil: b"pwned"}))
    data_dir = tmp_path / "a" / "b" / "data"
    with pytest.raises(ValueError, match=re.escape(f"entry {evil!r} points outside")):
        fetch_spam_data(data_dir, url=url, progress_bar=False)
    assert _files_under(tmp_path) == []
    assert not Path("/tmp/evil.csv").exists()


def test_wrong_checksum_in_archive_names_the_file(tmp_path, serve, spam_source):
    csvs = _csvs(spam_source)
    csvs["Youtube03-LMFAO.csv"] += b"tampered\n"
    url = serve("/tampered.zip", _zip(csvs))
    expected = SPAM_FILES["Youtube03-LMFAO.csv"]
    with pytest.raises(
        ValueError, match=rf"Youtube03-LMFAO\.csv.*expected SHA-256 {expected}, got"
    ):
        fetch_spam_data(tmp_path, url=url, progress_bar=False)
    assert _files_under(tmp_path) == []  # all five are checked before any is written


def test_archive_missing_a_csv_is_a_clear_error(tmp_path, serve, spam_source):
    csvs = _csvs(spam_source)
    del csvs["Youtube05-Shakira.csv"]
    with pytest.raises(ValueError, match=r"lacks Youtube05-Shakira\.csv"):
        fetch_spam_data(tmp_path, url=serve("/four.zip", _zip(csvs)), progress_bar=False)
    assert _files_under(tmp_path) == []


def test_http_404_is_a_clear_error(tmp_path, serve):
    url = serve("/present.zip", b"").replace("/present.zip", "/missing.zip")
    with pytest.raises(ConnectionError, match=r"missing\.zip: HTTP 404 Not Found\. Check the"):
        fetch_spam_data(tmp_path, url=url, progress_bar=False)
    assert _files_under(tmp_path) == []


def test_unreachable_server_is_a_clear_error(tmp_path):
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ConnectionError, match=r"Could not download .*Check your connection"):
        fetch_spam_data(tmp_path, url=f"http://127.0.0.1:{port}/x.zip", progress_bar=False)


def test_non_http_url_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"url must be an http:// or https:// address, got 'file:"):
        fetch_spam_data(tmp_path, url="file:///etc/passwd", progress_bar=False)


def test_interrupted_download_leaves_no_half_file(tmp_path, serve, spam_source):
    url = serve("/truncated.zip", _zip(_csvs(spam_source)))
    with pytest.raises(
        ConnectionError, match=r"interrupted after \d+ of \d+ bytes; nothing was kept"
    ):
        fetch_spam_data(tmp_path, url=url, progress_bar=False)
    assert _files_under(tmp_path) == []


def test_ctrl_c_during_download_leaves_no_half_file(tmp_path, serve, spam_source, monkeypatch):
    def interrupt(self, n=1):
        raise KeyboardInterrupt

    monkeypatch.setattr(tqdm.tqdm, "update", interrupt)
    url = serve("/spam.zip", _zip(_csvs(spam_source)))
    with pytest.raises(KeyboardInterrupt):
        fetch_spam_data(tmp_path, url=url, progress_bar=False)
    assert _files_under(tmp_path) == []


@pytest.mark.parametrize("via", ["argument", "environment"])
def test_copy_from_local_folder(tmp_path, spam_source, monkeypatch, via):
    if via == "environment":
        monkeypatch.setenv("YOUTUBE_SPAM_DIR", str(spam_source))
    folder = fetch_spam_data(tmp_path, source_dir=spam_source if via == "argument" else None)
    for name in NAMES:
        assert (folder / name).read_bytes() == (spam_source / name).read_bytes()
    assert _files_under(tmp_path) == [f"youtube-spam/{name}" for name in NAMES]


def test_copy_fills_a_partial_folder(tmp_path, spam_source):
    _copy_csvs(spam_source, tmp_path / "youtube-spam", NAMES[:1])
    fetch_spam_data(tmp_path, source_dir=spam_source)
    assert _files_under(tmp_path) == [f"youtube-spam/{name}" for name in NAMES]


def test_copy_from_folder_missing_files_names_them(tmp_path, spam_source, monkeypatch):
    source = _copy_csvs(spam_source, tmp_path / "source", NAMES[:1])
    monkeypatch.setenv("YOUTUBE_SPAM_DIR", str(source))
    with pytest.raises(FileNotFoundError, match=r"YOUTUBE_SPAM_DIR=.*source lacks Youtube02-Kat"):
        fetch_spam_data(tmp_path / "data")
    assert not (tmp_path / "data").exists()


def test_copy_with_wrong_checksum_names_file_and_fix(tmp_path, spam_source, monkeypatch):
    source = _copy_csvs(spam_source, tmp_path / "source")
    (source / "Youtube04-Eminem.csv").write_bytes(b"COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS\n")
    monkeypatch.setenv("YOUTUBE_SPAM_DIR", str(source))
    with pytest.raises(
        ValueError,
        match=r"Youtube04-Eminem\.csv \(.*source/Youtube04-Eminem\.csv\)"
        r": expected SHA-256 92f54eb6.*, got .*unset YOUTUBE_SPAM_DIR",
    ):
        fetch_spam_data(tmp_path / "data")
    assert not (tmp_path / "data").exists()


def test_present_files_are_used_without_copy_or_download(tmp_path, spam_source):
    folder = fetch_spam_data(tmp_path, source_dir=spam_source)
    before = {name: os.stat(folder / name) for name in NAMES}
    # A source that would fail its checksum and an address that would refuse: neither is used.
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in NAMES:
        (broken / name).write_text("not the data\n")
    assert fetch_spam_data(tmp_path, source_dir=broken, url="http://127.0.0.1:9/x") == folder
    for name in NAMES:
        after = os.stat(folder / name)
        assert (after.st_ino, after.st_mtime_ns) == (before[name].st_ino, before[name].st_mtime_ns)


def test_present_file_with_wrong_checksum_says_delete_and_rerun(tmp_path, spam_source):
    folder = fetch_spam_data(tmp_path, source_dir=spam_source)
    (folder / "Youtube01-Psy.csv").write_text("COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS\n")
    with pytest.raises(
        ValueError, match=r"Youtube01-Psy\.csv .*Delete .*Youtube01-Psy\.csv and re-run"
    ):
        fetch_spam_data(tmp_path)


def test_default_data_dir_ignores_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert default_data_dir() == Path(utils.__file__).resolve().parent / "data"


def test_main_prints_location_and_row_counts(
    tmp_path, spam_source, adult_source, monkeypatch, capsys
):
    monkeypatch.setenv("YOUTUBE_SPAM_DIR", str(spam_source))
    monkeypatch.setenv("ADULT_DIR", str(adult_source))  # main fetches Adult too: never download
    utils.main(tmp_path)
    out = capsys.readouterr().out
    assert f"YouTube spam data is in {tmp_path / 'youtube-spam'}" in out
    rows = {"Psy": 350, "KatyPerry": 350, "LMFAO": 438, "Eminem": 448, "Shakira": 370}
    for video, n in rows.items():
        assert f"-{video}.csv: {n} rows" in out
    assert "Splits: train 1586, dev 100, valid 120, test 250" in out


def test_main_turns_errors_into_a_message(tmp_path, monkeypatch):
    monkeypatch.setenv("YOUTUBE_SPAM_DIR", str(tmp_path / "nowhere"))
    monkeypatch.setenv("ADULT_DIR", str(tmp_path / "nowhere"))  # never reached; never download
    with pytest.raises(SystemExit, match=r"^error: YOUTUBE_SPAM_DIR=.*nowhere lacks Youtube01"):
        utils.main(tmp_path)
