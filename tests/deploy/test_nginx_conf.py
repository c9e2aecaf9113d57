"""deploy/nginx-nnlab.conf, checked with Debian's nginx: the file as shipped (its ports moved to free ones)
passes ``nginx -t``, keeps one client on one backend (ip_hash: a Streamlit session lives in one process), and
passes a WebSocket upgrade through both ways. Two small Python backends stand in for the two Streamlit
processes. Skips when nginx is not installed (.ci/run installs it)."""
import http.client
import shutil
import socket
import socketserver
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx-nnlab.conf"
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx)")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Backend(socketserver.ThreadingTCPServer):
    """Answers a plain GET with its own name; answers an upgrade with 101 and then echoes what comes."""
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, name):
        self.name = name
        super().__init__(("127.0.0.1", 0), BackendHandler)


class BackendHandler(socketserver.StreamRequestHandler):
    def handle(self):
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            chunk = self.rfile.readline()
            if not chunk:
                return
            head += chunk
        if b"upgrade: websocket" in head.lower():
            self.wfile.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
            self.wfile.flush()
            self.wfile.write(b"echo:" + self.rfile.read(5))
            return
        body = self.server.name.encode()
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))


def _config(tmp, port, backends):
    """The shipped file with its listen port and upstream ports moved, inside a main config for a non-root nginx."""
    text = CONF.read_text()
    for old, backend in zip(("127.0.0.1:8501", "127.0.0.1:8502"), backends):
        assert f"server {old};" in text
        text = text.replace(f"server {old};", f"server 127.0.0.1:{backend.server_address[1]};")
    assert "listen 80;" in text
    (tmp / "nnlab.conf").write_text(text.replace("listen 80;", f"listen 127.0.0.1:{port};"))
    temps = "\n".join(f"{kind}_temp_path {tmp}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                     "scgi"))
    main = tmp / "nginx.conf"
    main.write_text(f"daemon off;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\nevents {{}}\n"
                    f"http {{\naccess_log {tmp}/access.log;\n{temps}\ninclude {tmp}/nnlab.conf;\n}}\n")
    return main


@pytest.fixture
def proxy(tmp_path):
    backends = [Backend("one"), Backend("two")]
    for b in backends:
        threading.Thread(target=b.serve_forever, daemon=True).start()
    port = _free_port()
    main = _config(tmp_path, port, backends)
    check = subprocess.run([NGINX, "-t", "-c", str(main), "-p", str(tmp_path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert "syntax is ok" in check.stderr and "test is successful" in check.stderr
    proc = subprocess.Popen([NGINX, "-c", str(main), "-p", str(tmp_path)], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"nginx did not start: {(tmp_path / 'error.log').read_text()}") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", port
    finally:
        proc.terminate()
        proc.wait(10)
        for b in backends:
            b.shutdown()
            b.server_close()


def test_one_client_always_reaches_the_same_backend(proxy):
    url, _port = proxy
    answers = {urllib.request.urlopen(url + f"/page{i}", timeout=5).read().decode() for i in range(12)}
    assert len(answers) == 1 and answers <= {"one", "two"}


def test_a_websocket_upgrade_passes_through_both_ways(proxy):
    _url, port = proxy
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"GET /_stcore/stream HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
        reply = b""
        while b"\r\n\r\n" not in reply:
            reply += s.recv(1024)
        head, rest = reply.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 101") and b"upgrade: websocket" in head.lower()
        s.sendall(b"hello")
        while len(rest) < len(b"echo:hello"):
            rest += s.recv(1024)
        assert rest == b"echo:hello"


def test_clients_from_different_networks_are_spread_over_both_backends(proxy):
    """ip_hash keys on an IPv4 address's first three bytes: 16 clients from 127.0.k.1 (all loopback on Linux,
    as bench/load_protocol.py connects) reach both processes, each client always the same one."""
    _url, port = proxy

    def answer(client):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5, source_address=(client, 0))
        try:
            conn.request("GET", "/")
            return conn.getresponse().read().decode()
        finally:
            conn.close()

    first = {k: answer(f"127.0.{k}.1") for k in range(1, 17)}
    assert set(first.values()) == {"one", "two"}
    assert all(answer(f"127.0.{k}.1") == backend for k, backend in first.items())
