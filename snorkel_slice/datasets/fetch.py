"""Find, copy or download the course's data files, verified by SHA-256.

``fetch_spam_data`` is all the spam lessons need (``load_spam_dataset`` calls it). The CSVs are
taken from ``data/youtube-spam/`` when present, else copied from a local folder
(``$YOUTUBE_SPAM_DIR``), else downloaded from the UCI archive (or ``$YOUTUBE_SPAM_URL``). Every
file is checked against its SHA-256 on all three paths, downloads are written atomically, and an
archive whose entries would land outside the data folder is refused. The same steps, described
by a `DataSource`, fetch the UCI Adult files (``adult.py``). data/README.md records the sources,
licences and checksums.
"""

import hashlib
import http.client
import logging
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

logger = logging.getLogger(__name__)

# SHA-256 of each CSV in the UCI release. Sorted by name, which is also the video order 1..5.
SPAM_FILES = {
    "Youtube01-Psy.csv": "19797e6c77690e3c8809cfd2853ae7341390636367ba66cf5d4f4083f0b88535",
    "Youtube02-KatyPerry.csv": "902c614f8ef24f987d6f614d7e6111aa5160b89a0646b68e007bd6044a3d123b",
    "Youtube03-LMFAO.csv": "702ef589860a1831956f527760a3d9737ef8a07ab36c7de35b92b8898b8c3928",
    "Youtube04-Eminem.csv": "92f54eb6b22fdf3b7ae85e1f500e5aa7442edd025e504b988a97078756187e76",
    "Youtube05-Shakira.csv": "1d8ab47b71e8037c51183b2fc62f0591a48a4b54f3a4f5d9d3043113b274e98e",
}
SPAM_URL = "https://archive.ics.uci.edu/static/public/380/youtube+spam+collection.zip"
_MAX_FILE_BYTES = 10 * 2**20  # each real file is under 4 MB; a bigger member is not ours
_CHUNK_BYTES = 64 * 2**10


@dataclass(frozen=True)
class DataSource:
    """One data set's files and where they may come from; the fetch steps read only this."""

    title: str  # "YouTube spam data": names the data in messages and on the progress bar
    folder: str  # subfolder of the data folder that receives the files, e.g. "youtube-spam"
    files: dict[str, str]  # file name -> expected SHA-256
    contents: str  # what a source folder must hold, e.g. "the five CSVs of the UCI ..."
    short: str  # the same in a few words, for hints: "the five CSVs"
    dir_var: str  # environment variable naming a local folder to copy from
    url_var: str  # environment variable naming a mirror of the archive
    url: str  # the UCI archive

    @property
    def hint(self) -> str:
        return f"or set {self.dir_var} to a folder that holds {self.short}"


SPAM = DataSource(
    title="YouTube spam data",
    folder="youtube-spam",
    files=SPAM_FILES,
    contents="the five CSVs of the UCI YouTube Spam Collection",
    short="the five CSVs",
    dir_var="YOUTUBE_SPAM_DIR",
    url_var="YOUTUBE_SPAM_URL",
    url=SPAM_URL,
)


def default_data_dir() -> Path:
    """Where the data goes: ``$SNORKEL_SLICE_DATA``, else the checkout's ``data/`` folder.

    The checkout is found from this file, never from the working directory, so a lesson finds
    the same folder from the repository root, from ``notebooks/`` and on Binder. An installed
    (non-editable) copy of the package uses ``~/.cache/snorkel_slice`` instead.

    >>> default_data_dir().name
    'data'
    """
    if os.environ.get("SNORKEL_SLICE_DATA"):
        return Path(os.environ["SNORKEL_SLICE_DATA"])
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file():
        return root / "data"
    return Path.home() / ".cache" / "snorkel_slice"


def fetch_spam_data(
    data_dir: str | Path | None = None,
    source_dir: str | Path | None = None,
    url: str | None = None,
    progress_bar: bool = True,
) -> Path:
    """Make sure the five verified YouTube spam CSVs are in ``<data_dir>/youtube-spam``.

    The first of these that applies is used: the CSVs are already there; they are copied from
    ``source_dir`` (default: the ``YOUTUBE_SPAM_DIR`` environment variable); they are downloaded
    from ``url`` (default: ``YOUTUBE_SPAM_URL``, else the UCI archive). Every CSV is checked
    against its SHA-256 before use. Nothing is written until all five are verified, and each
    file appears under its final name only when complete.

    Parameters
    ----------
    data_dir
        Folder that receives ``youtube-spam/``; None means the repository's ``data/``.
    source_dir
        Local folder to copy the CSVs from; None means ``$YOUTUBE_SPAM_DIR`` if set.
    url
        Address of the zip archive; None means ``$YOUTUBE_SPAM_URL``, else the UCI address.
    progress_bar
        Show a download progress bar on stderr.

    Returns
    -------
    Path
        The folder holding the five CSVs.

    Examples
    --------
    >>> sorted(p.name for p in fetch_spam_data().glob("*.csv"))[0]
    'Youtube01-Psy.csv'
    """
    return fetch(SPAM, data_dir, source_dir, url, progress_bar)


def fetch(
    source: DataSource,
    data_dir: str | Path | None = None,
    source_dir: str | Path | None = None,
    url: str | None = None,
    progress_bar: bool = True,
) -> Path:
    """Make sure ``source``'s verified files are in ``<data_dir>/<source.folder>``.

    The steps of `fetch_spam_data` for any `DataSource`: the files already there, else a copy
    from ``source_dir`` (or ``$<dir_var>``), else a download of ``url`` (or ``$<url_var>``, else
    ``source.url``). Returns the folder holding the files.

    Examples
    --------
    >>> fetch(SPAM).name
    'youtube-spam'
    """
    for arg, value in (("data_dir", data_dir), ("source_dir", source_dir)):
        if value is not None and not isinstance(value, str | os.PathLike):
            raise TypeError(f"{arg} must be a folder path (str or Path) or None; got {value!r}.")
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    target = data_dir / source.folder
    if all((target / name).is_file() for name in source.files):
        for name in source.files:
            fix = f"Delete {target / name} and re-run (or `python -m snorkel_slice.datasets`) to fetch it again."
            _check_sha256(source, name, (target / name).read_bytes(), str(target / name), fix)
        return target
    env_source = os.environ.get(source.dir_var)
    if source_dir is not None:
        files = _read_folder(source, Path(source_dir), "source_dir")
    elif env_source:
        files = _read_folder(source, Path(env_source), source.dir_var)
    else:
        url = url or os.environ.get(source.url_var) or source.url
        zip_path = data_dir / f"{source.folder}.zip"
        _download(source, url, zip_path, progress_bar)
        try:
            files = _read_zip(source, zip_path, url)
        finally:
            zip_path.unlink(missing_ok=True)  # the verified files are all we keep
    target.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        _write_atomically(target / name, data)
    logger.info("%s written to %s", source.title, target)
    return target


def _check_sha256(source: DataSource, name: str, data: bytes, where: str, fix: str) -> None:
    actual = hashlib.sha256(data).hexdigest()
    if actual != source.files[name]:
        raise ValueError(
            f"Checksum mismatch for {name} ({where}): expected SHA-256 {source.files[name]}, "
            f"got {actual}. The file is damaged or not the UCI release. {fix}"
        )


def _read_folder(source: DataSource, folder: Path, origin: str) -> dict[str, bytes]:
    missing = [name for name in source.files if not (folder / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f"{origin}={folder} lacks {', '.join(missing)}. Point {origin} at a folder with "
            f"{source.contents}, or unset it to download them."
        )
    fix = f"Replace it in {folder} with the file from the UCI archive, or unset {origin}."
    files = {name: (folder / name).read_bytes() for name in source.files}
    for name, data in files.items():
        _check_sha256(source, name, data, str(folder / name), fix)
    return files


def _download(source: DataSource, url: str, dest: Path, progress_bar: bool) -> None:
    """Stream ``url`` into a temporary ``*.part`` file, then rename it to ``dest``."""
    from tqdm import tqdm

    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"url must be an http:// or https:// address, got {url!r}.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, part = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            received, total = _stream(source, url, out, progress_bar, tqdm)
        if total and received != total:
            raise ConnectionError(
                f"The download from {url} was interrupted after {received} of {total} bytes; "
                f"nothing was kept. Run it again, {source.hint}."
            )
        os.replace(part, dest)  # atomic: dest exists only once the download is complete
    except BaseException:  # also Ctrl-C: never leave a half file behind
        Path(part).unlink(missing_ok=True)
        raise


def _stream(source: DataSource, url: str, out, progress_bar: bool, tqdm) -> tuple[int, int]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            total = int(response.headers.get("Content-Length") or 0)
            with tqdm(
                total=total or None,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                desc=source.title,
                disable=not progress_bar,
            ) as bar:
                received = 0
                while chunk := response.read(_CHUNK_BYTES):
                    out.write(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
    except urllib.error.HTTPError as exc:
        raise ConnectionError(
            f"Could not download the {source.title} from {url}: HTTP {exc.code} "
            f"{exc.reason}. Check the address (url or {source.url_var}), {source.hint}."
        ) from exc
    except (OSError, http.client.HTTPException) as exc:  # URLError, refused, reset, timeout
        raise ConnectionError(
            f"Could not download the {source.title} from {url}: {exc}. Check your "
            f"connection and the address (url or {source.url_var}), {source.hint}."
        ) from exc
    return received, total


def _read_zip(source: DataSource, zip_path: Path, url: str) -> dict[str, bytes]:
    """Read and verify ``source``'s files from the archive, wherever in it they sit."""
    bad_zip = f"The file downloaded from {url} is not a valid zip archive"
    try:
        archive = zipfile.ZipFile(zip_path)
    except zipfile.BadZipFile as exc:
        raise ValueError(f"{bad_zip} ({exc}). Check the address, {source.hint}.") from exc
    with archive:
        members = {}
        for info in archive.infolist():
            parts = PurePosixPath(info.filename.replace("\\", "/")).parts
            # Refuse the whole archive if any entry could land outside the data folder.
            if info.filename.startswith(("/", "\\")) or ".." in parts or ":" in info.filename:
                raise ValueError(
                    f"Refusing the archive from {url}: entry {info.filename!r} points outside "
                    f"the data folder (a zip slip). Check the address, {source.hint}."
                )
            if info.is_dir() or "__MACOSX" in parts or parts[-1] not in source.files:
                continue  # macOS metadata and other files are not needed
            if parts[-1] in members:
                raise ValueError(f"The archive from {url} holds {parts[-1]} twice.")
            members[parts[-1]] = info
        missing = [name for name in source.files if name not in members]
        if missing:
            raise ValueError(
                f"The archive from {url} lacks {', '.join(missing)}. Check the address, "
                f"{source.hint}."
            )
        files = {}
        for name in source.files:
            if members[name].file_size > _MAX_FILE_BYTES:
                raise ValueError(f"{name} in the archive from {url} is too large to be ours.")
            try:
                files[name] = archive.read(members[name])
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise ValueError(f"{bad_zip} ({exc}). Run it again, {source.hint}.") from exc
    fix = f"The server sent a different archive; check the address (url or {source.url_var})."
    for name, data in files.items():
        _check_sha256(source, name, data, f"in the archive from {url}", fix)
    return files


def _write_atomically(path: Path, data: bytes) -> None:
    fd, part = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(part, 0o644)  # mkstemp creates 0o600; data files are for everyone to read
        os.replace(part, path)
    except BaseException:
        Path(part).unlink(missing_ok=True)
        raise
