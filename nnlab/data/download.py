"""Download the full MNIST (70,000 digits) into a local cache, for users who are online.

Safe by construction: each file is streamed into a temporary file in the cache folder, its SHA-256
checked, and only then renamed (``os.replace``) to its final name, so a file under a final name is
always complete and verified. Anything that goes wrong raises ``DataError``; the app then keeps
using the bundled 10k subset.
"""
import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from .dataset import DataError
from .idx import MNIST_FILE_STEMS, load_mnist_folder

DEFAULT_BASE_URL = "https://ossci-datasets.s3.amazonaws.com/mnist/"
# SHA-256 of the original files (as on yann.lecun.com and its mirrors)
MNIST_SHA256 = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
MNIST_FILES = tuple(f"{stem}.gz" for stem in MNIST_FILE_STEMS.values())
OFFLINE_HINT = "you may be offline; nnlab will use the bundled 10k-digit MNIST subset instead"
_CHUNK = 1 << 16


def data_root():
    """Where nnlab keeps downloaded data: ``$NNLAB_DATA`` if set, else ``~/.cache/nnlab``."""
    env = os.environ.get("NNLAB_DATA", "").strip()
    return Path(env).expanduser() if env else Path.home() / ".cache" / "nnlab"


def mnist_cache_dir():
    """The full-MNIST cache folder: ``<data_root()>/mnist``."""
    return data_root() / "mnist"


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fetch(url, folder, name, expected_sha256, timeout):
    """Stream ``url`` into a temp file in ``folder``; verify; rename to ``name``. Never leaves a partial file."""
    final = folder / name
    fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
    tmp = Path(tmp_name)
    try:
        digest, received = hashlib.sha256(), 0
        with os.fdopen(fd, "wb") as out:
            try:
                with urllib.request.urlopen(url, timeout=timeout) as response:
                    length = response.headers.get("Content-Length")
                    while chunk := response.read(_CHUNK):
                        out.write(chunk)
                        digest.update(chunk)
                        received += len(chunk)
            except urllib.error.HTTPError as exc:
                raise DataError(f"could not download {url}: the server answered {exc.code} {exc.reason}; "
                                f"{OFFLINE_HINT}") from exc
            except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
                reason = getattr(exc, "reason", None) or exc
                raise DataError(f"could not download {url}: {reason}; {OFFLINE_HINT}") from exc
        if length is not None and length.isdigit() and received != int(length):
            raise DataError(f"download of {url} broke off after {received} of {length} bytes; "
                            f"the partial file was removed; {OFFLINE_HINT}")
        actual = digest.hexdigest()
        if actual != expected_sha256.lower():
            raise DataError(f"{url} has SHA-256 {actual}, expected {expected_sha256}; the file was removed "
                            "(the mirror may be corrupt; try another base_url)")
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    return final


def download_mnist(folder=None, base_url=DEFAULT_BASE_URL, checksums=None, timeout=30.0):
    """Download the MNIST IDX files into ``folder`` (default ``mnist_cache_dir()``); skip verified ones.

    Parameters
    ----------
    folder : path, optional
    base_url : str
        ``http://`` or ``https://`` URL of a folder holding the files; each file is ``base_url + name``.
    checksums : dict, optional
        file name -> SHA-256 hex digest; the files to fetch. Default ``MNIST_SHA256``.
    timeout : float
        Seconds to wait on the connection before giving up.

    Returns
    -------
    Path of the folder. A file already present with the right checksum is not fetched again; one
    with a wrong checksum is replaced. Raises ``DataError`` when offline or on a bad download.
    """
    checksums = MNIST_SHA256 if checksums is None else dict(checksums)
    if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
        raise ValueError(f"base_url must start with http:// or https://, got {base_url!r}")
    if not (isinstance(timeout, (int, float)) and timeout > 0):
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    for name in checksums:
        if "/" in name or "\\" in name or name.startswith("."):
            raise ValueError(f"checksums names plain file names, got {name!r}")
    base_url = base_url if base_url.endswith("/") else base_url + "/"
    folder = Path(folder) if folder is not None else mnist_cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"cannot create the data folder {folder} ({exc}); set NNLAB_DATA to a writable folder") from exc
    for name, expected in checksums.items():
        target = folder / name
        if target.is_file() and sha256_of(target) == expected.lower():
            continue
        _fetch(base_url + name, folder, name, expected, timeout)
    return folder


def is_mnist_cached(folder=None):
    """True when all four MNIST files are in the cache (cheap: looks at names only).

    Files only ever appear under their final names after a verified download, so presence means complete.
    """
    folder = Path(folder) if folder is not None else mnist_cache_dir()
    return all((folder / name).is_file() for name in MNIST_FILES)


def cached_mnist(folder=None):
    """The full MNIST from the cache as an ``ImageSplit`` (60,000 train / 10,000 test, uint8), or None
    if the cache is incomplete. Raises ``DataError`` if the cached files are present but unreadable."""
    folder = Path(folder) if folder is not None else mnist_cache_dir()
    if not is_mnist_cached(folder):
        return None
    return load_mnist_folder(folder)
