"""``sahel-bot serve --workers N``: each worker has its own socket on the port, so a burst of keep-alive
connections is spread over the workers; a worker that dies is replaced; without --state, the start-up log
says plainly what the workers do not share."""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from pathlib import Path

import httpx2 as httpx
import pytest

from serve_process import Server

pytestmark = pytest.mark.slow


def healthz_pid(sock: socket.socket) -> int:
    """Ask ``GET /healthz`` on a kept-alive connection; return the pid of the worker that answered."""
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(
        next(line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")).split(b":")[1]
    )
    while len(body) < length:
        body += sock.recv(65536)
    return int(json.loads(body)["worker"]["pid"])


def both_up(server: Server) -> set[int]:
    """Wait until both workers answer (each binds its socket once its bot is loaded); return their pids."""
    seen: set[int] = set()
    deadline = time.monotonic() + 60
    while len(seen) < 2:
        assert time.monotonic() < deadline, "the second worker did not start"
        seen.add(server.healthz()["worker"]["pid"])
    return seen


def test_a_burst_of_keep_alive_connections_is_spread_over_the_workers(tmp_path: Path, repo_root: Path) -> None:
    server = Server(tmp_path / "server.log", repo_root, "--workers", "2")
    try:
        both_up(server)
        # 32 connections made at once, before any worker accepts one, as wrk or a load balancer does: with a
        # socket shared by the workers, the first to wake up took them all.
        connections = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(32)]
        try:
            pids = [healthz_pid(c) for c in connections]
            assert [healthz_pid(c) for c in connections] == pids  # kept alive: each stays with its worker
        finally:
            for c in connections:
                c.close()
    finally:
        log = server.stop()
    counts = sorted(pids.count(pid) for pid in set(pids))
    assert len(counts) == 2, f"every connection went to one worker: {counts}"
    assert counts[0] >= 4  # the kernel's hash spread: fewer than 4 of 32 has a chance of about 1e-6
    assert "no shared state, each worker keeps its own Slack event ids" in log
    assert "--state redis://HOST:PORT/DB" in log


def test_a_worker_that_dies_is_replaced(tmp_path: Path, repo_root: Path) -> None:
    server = Server(tmp_path / "server.log", repo_root, "--workers", "2")
    try:
        seen = both_up(server)
        victim = min(seen)
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while True:
            assert time.monotonic() < deadline, "no worker took the dead one's place"
            try:
                pid = server.healthz()["worker"]["pid"]
            except httpx.TransportError:
                continue  # a connection handed to the dead worker's socket as it died
            if pid not in seen:
                break
            time.sleep(0.05)
        assert server.ask("When was AQIM formed?").status_code == 200
    finally:
        log = server.stop()
    assert f"worker {victim} stopped" in log
    assert server.process.returncode == 0
