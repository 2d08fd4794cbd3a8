"""Slow clients cannot starve the application: nginx (deploy/nginx/) reads each request whole
before passing it on, so two connections that stop half-way through their headers or body do
not stop a third reader from being served.

The application is gunicorn with one sync worker on its own SQLite file; reached directly, the
two stalled connections hold that worker and the third request waits (shown first, so the test
proves something); through nginx with the shipped proxy settings it is answered at once. Also
checks the shipped TLS server block with `nginx -t`.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT, free_port, on_own_sqlite

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DEPLOY = ROOT / "deploy" / "nginx"
pytestmark = [
    on_own_sqlite,
    pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed (apt-get install nginx)"),
]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")


@pytest.fixture
def app_port(tmp_path: Path, migrated_sqlite: Path) -> Iterator[int]:
    """gunicorn with a single sync worker: the easiest application server to starve."""
    shutil.copy(migrated_sqlite, tmp_path / "db.sqlite3")
    port = free_port()
    env = {"PATH": "/usr/bin:/bin", "SECRET_KEY": "x" * 50,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0",
           "MEDIA_ROOT": str(tmp_path / "media"), "CACHE_DIR": str(tmp_path / "cache"),
           "STATIC_ROOT": str(tmp_path / "static"), "TASKS_BACKEND": "immediate"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "samizdat.wsgi", "-w", "1", "--timeout", "60",
         "-b", f"127.0.0.1:{port}"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True)
    try:
        wait_for_port(port, process)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the master and its worker, which holds the pipe too
        process.communicate()


@pytest.fixture
def nginx_port(tmp_path: Path, app_port: int) -> Iterator[int]:
    """nginx in front, with the shipped proxy settings, on a free port."""
    port = free_port()
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    (prefix / "nginx.conf").write_text(f"""
daemon off;
master_process off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    client_header_timeout 10s;
    client_body_timeout 10s;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{app_port};
            include {DEPLOY / "samizdat-proxy.conf"};
        }}
    }}
}}
""")
    process = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process)
        yield port
    finally:
        process.kill()
        process.communicate()


def stall_two(port: int) -> list[socket.socket]:
    """Two connections that stop sending: one mid-headers, one mid-body."""
    headers = socket.create_connection(("127.0.0.1", port))
    headers.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow")
    body = socket.create_connection(("127.0.0.1", port))
    body.sendall(b"POST /newsletter/subscribe/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\nemail=a")
    time.sleep(0.5)
    return [headers, body]


def answered_within(port: int, seconds: float) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=seconds) as response:
            return response.status == 200
    except urllib.error.HTTPError as error:
        return error.code < 500
    except (TimeoutError, urllib.error.URLError):
        return False


def test_two_stalled_connections_do_not_stop_a_third_reader(app_port: int, nginx_port: int):
    assert answered_within(app_port, 10)  # warm: the first request loads the application
    stalled = stall_two(app_port)
    try:
        assert not answered_within(app_port, 2), "reached directly, the single worker is held"
    finally:
        for connection in stalled:
            connection.close()
    assert answered_within(app_port, 10)
    stalled = stall_two(nginx_port)
    try:
        started = time.monotonic()
        assert answered_within(nginx_port, 5)
        assert time.monotonic() - started < 4
    finally:
        for connection in stalled:
            connection.close()


def test_the_shipped_tls_server_block_passes_nginx_t(tmp_path: Path):
    """samizdat.conf as an operator installs it (certificate paths and the proxy include pointed
    at files of this test), checked by `nginx -t`."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "news.example.org")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + timedelta(days=1))
            .sign(key, hashes.SHA256()))
    (tmp_path / "fullchain.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "privkey.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    site = (DEPLOY / "samizdat.conf").read_text()
    site = site.replace("/etc/letsencrypt/live/news.example.org/", f"{tmp_path}/")
    site = site.replace("/etc/nginx/samizdat-proxy.conf", str(DEPLOY / "samizdat-proxy.conf"))
    site = site.replace("listen 80;", "listen 127.0.0.1:8080;").replace("listen 443", "listen 127.0.0.1:8443")
    site = "\n".join(line for line in site.splitlines() if "[::]" not in line)
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n client_body_temp_path {tmp_path}/body;\n proxy_temp_path {tmp_path}/proxy;\n"
        f" include {tmp_path / 'site.conf'};\n}}\n")
    result = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
