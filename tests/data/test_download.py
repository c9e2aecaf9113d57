"""Downloading MNIST, tested against a local HTTP server on 127.0.0.1 serving small IDX files."""
import hashlib
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from nnlab.data import DataError
from nnlab.data.download import (
    MNIST_FILES,
    MNIST_SHA256,
    cached_mnist,
    data_root,
    download_mnist,
    is_mnist_cached,
    mnist_cache_dir,
)
from nnlab.data.idx import write_idx


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    # a proxy configured on the machine must not intercept requests to our local server
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setenv("NO_PROXY", "*")


@pytest.fixture
def small_mnist(tmp_path):
    """The four MNIST files, tiny, gzipped: (arrays by name, bytes by name, sha256 by name)."""
    rng = np.random.default_rng(0)
    shapes = {"train-images-idx3-ubyte.gz": (12, 28, 28), "train-labels-idx1-ubyte.gz": (12,),
              "t10k-images-idx3-ubyte.gz": (5, 28, 28), "t10k-labels-idx1-ubyte.gz": (5,)}
    arrays, blobs = {}, {}
    src = tmp_path / "served"
    src.mkdir()
    for name, shape in shapes.items():
        arrays[name] = rng.integers(0, 256 if len(shape) == 3 else 10, size=shape, dtype=np.uint8)
        blobs[name] = write_idx(src / name, arrays[name]).read_bytes()
    sums = {name: hashlib.sha256(b).hexdigest() for name, b in blobs.items()}
    return arrays, blobs, sums


@pytest.fixture
def server(small_mnist):
    """An HTTP server on 127.0.0.1 serving the small files under /mnist/; ``drop`` names files it cuts short."""
    _, blobs, _ = small_mnist
    state = {"requests": [], "drop": set()}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            name = self.path.removeprefix("/mnist/")
            state["requests"].append(name)
            if name not in blobs:
                self.send_error(404, "Not Found")
                return
            body = blobs[name]
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if name in state["drop"]:  # the connection dies half-way through the file
                self.wfile.write(body[: len(body) // 2])
                self.close_connection = True
                return
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    state["base_url"] = f"http://127.0.0.1:{httpd.server_address[1]}/mnist/"
    yield state
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name not in MNIST_FILES)


def test_download_verifies_and_loads(tmp_path, small_mnist, server):
    arrays, blobs, sums = small_mnist
    cache = tmp_path / "cache" / "mnist"
    assert cached_mnist(cache) is None and not is_mnist_cached(cache)
    assert download_mnist(cache, base_url=server["base_url"], checksums=sums, timeout=5) == cache
    for name in MNIST_FILES:
        assert (cache / name).read_bytes() == blobs[name]
    assert _leftovers(cache) == []
    assert is_mnist_cached(cache)
    split = cached_mnist(cache)
    np.testing.assert_array_equal(split.x_train, arrays["train-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(split.y_train, arrays["train-labels-idx1-ubyte.gz"])
    np.testing.assert_array_equal(split.x_test, arrays["t10k-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(split.y_test, arrays["t10k-labels-idx1-ubyte.gz"])
    # a second call finds every file verified and fetches nothing
    n = len(server["requests"])
    download_mnist(cache, base_url=server["base_url"], checksums=sums, timeout=5)
    assert len(server["requests"]) == n == 4


def test_checksum_mismatch_leaves_no_file(tmp_path, small_mnist, server):
    _, _, sums = small_mnist
    bad = dict(sums, **{"t10k-images-idx3-ubyte.gz": "0" * 64})
    cache = tmp_path / "c"
    with pytest.raises(DataError, match=r"t10k-images-idx3-ubyte.gz has SHA-256 [0-9a-f]{64}, expected 0{64}; "
                                        "the file was removed"):
        download_mnist(cache, base_url=server["base_url"], checksums=bad, timeout=5)
    assert not (cache / "t10k-images-idx3-ubyte.gz").exists()
    assert _leftovers(cache) == []
    assert not is_mnist_cached(cache) and cached_mnist(cache) is None


def test_a_corrupt_cached_file_is_replaced(tmp_path, small_mnist, server):
    _, blobs, sums = small_mnist
    cache = tmp_path / "c"
    cache.mkdir()
    (cache / "train-labels-idx1-ubyte.gz").write_bytes(b"garbage")
    download_mnist(cache, base_url=server["base_url"], checksums=sums, timeout=5)
    assert (cache / "train-labels-idx1-ubyte.gz").read_bytes() == blobs["train-labels-idx1-ubyte.gz"]


def test_connection_dropped_mid_file_leaves_no_partial_file(tmp_path, small_mnist, server):
    _, _, sums = small_mnist
    server["drop"].add("train-images-idx3-ubyte.gz")
    cache = tmp_path / "c"
    with pytest.raises(DataError, match=r"broke off after \d+ of \d+ bytes.*bundled 10k-digit MNIST subset"):
        download_mnist(cache, base_url=server["base_url"], checksums=sums, timeout=5)
    assert not (cache / "train-images-idx3-ubyte.gz").exists()
    assert _leftovers(cache) == []


def test_refused_connection_gives_the_offline_message(tmp_path, small_mnist):
    _, _, sums = small_mnist
    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there now
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cache = tmp_path / "c"
    with pytest.raises(DataError, match="could not download http://127.0.0.1:.*refused.*you may be offline; "
                                        "nnlab will use the bundled 10k-digit MNIST subset instead"):
        download_mnist(cache, base_url=f"http://127.0.0.1:{port}/", checksums=sums, timeout=5)
    assert list(cache.iterdir()) == []


def test_missing_file_on_the_server(tmp_path, small_mnist, server):
    _, _, sums = small_mnist
    with pytest.raises(DataError, match="the server answered 404"):
        download_mnist(tmp_path / "c", base_url=server["base_url"], checksums={"nope.gz": "0" * 64}, timeout=5)
    assert list((tmp_path / "c").iterdir()) == []


@pytest.mark.parametrize("kwargs, message", [
    ({"base_url": "ftp://example.org/"}, "base_url must start with http:// or https://"),
    ({"base_url": "file:///etc/"}, "base_url must start with http:// or https://"),
    ({"timeout": 0}, "timeout must be a positive number of seconds, got 0"),
    ({"checksums": {"../evil": "0" * 64}}, "checksums names plain file names"),
])
def test_bad_arguments(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        download_mnist(tmp_path, **kwargs)


def test_cache_location(monkeypatch, tmp_path):
    monkeypatch.setenv("NNLAB_DATA", str(tmp_path / "data"))
    assert data_root() == tmp_path / "data"
    assert mnist_cache_dir() == tmp_path / "data" / "mnist"
    monkeypatch.delenv("NNLAB_DATA")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert mnist_cache_dir() == tmp_path / "home" / ".cache" / "nnlab" / "mnist"


def test_known_checksum_table():
    assert set(MNIST_SHA256) == set(MNIST_FILES) and len(MNIST_FILES) == 4
    # each a SHA-256 written as hashlib writes it (64 lowercase hex digits), one per file
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in MNIST_SHA256.values()), MNIST_SHA256
    assert len(set(MNIST_SHA256.values())) == 4
