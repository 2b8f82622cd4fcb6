"""Several worker processes for ``sahel-bot serve --workers N``, each with a listening socket of its own.

uvicorn's own ``--workers`` binds one socket in the parent and lets every worker accept from it; an event
loop that wakes up accepts every pending connection at once (asyncio takes up to 100 per wake-up), so a
burst of keep-alive connections all land on one worker while the others idle.  Here each worker binds the
same address with ``SO_REUSEPORT``: the kernel hands each new connection to one of the sockets, spread by
a hash of its addresses, so the workers share the load.

The parent only supervises: it passes SIGHUP on to every worker (each reloads its knowledge), stops them
all on SIGTERM or SIGINT, and starts a worker again if one dies.
May import: the public API, uvicorn and the standard library.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import socket
import time
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

from .webhook_config import WebhookSettings

__all__ = ["WorkerSpec", "has_reuse_port", "listening_socket", "run_workers"]

log = logging.getLogger("sahel_bot.webhook")

#: seconds a stopping worker gets to finish its requests and queued answers before it is killed
STOP_TIMEOUT = 30.0
#: a worker that dies sooner than this after starting is started again only after a pause
CRASH_PAUSE = 1.0


@dataclass(frozen=True, slots=True)
class WorkerSpec:
    """All a worker needs to build and run its server (pickled to the worker: secrets never touch argv)."""

    settings: WebhookSettings
    knowledge: str | None
    host: str
    port: int
    http: str
    loop: str
    log_level: str


def has_reuse_port() -> bool:
    return hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int, reuse_port: bool = False) -> socket.socket:
    """Return a TCP socket bound to ``host:port`` (not yet listening: uvicorn's server does that).

    Raises ``OSError`` when the address cannot be used.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP, and without it a
    # response sent in two writes waits for the client's delayed ACK (40 ms a request).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.set_inheritable(False)
    except OSError:
        sock.close()
        raise
    return sock


def uvicorn_options(spec: WorkerSpec) -> dict[str, Any]:
    return {
        "host": spec.host,
        "port": spec.port,
        "log_config": None,  # ours: JSON lines, and no access log with query strings
        "access_log": False,
        "server_header": False,
        "proxy_headers": False,
        "http": spec.http,
        "loop": spec.loop,
        "timeout_graceful_shutdown": STOP_TIMEOUT - 5,
    }


def _worker(spec: WorkerSpec) -> None:
    """One worker process: load the bot, bind its own socket to the shared port, serve until told to stop."""
    import uvicorn

    from ..bot import Bot
    from ..config import Settings
    from .logs import configure_logging, flush_logs_then_terminate
    from .reload import catch_early_sighup
    from .webhook import create_app

    catch_early_sighup()  # ignored (inherited) until now; from here on a SIGHUP is kept for the app
    os.environ["SAHEL_BOT_LOG_LEVEL"] = spec.log_level
    configure_logging(spec.log_level)
    bot = Bot.load(settings=Settings.from_env(knowledge_dir=spec.knowledge))
    app = create_app(bot, spec.settings, reload_on_sighup=True)
    sock = listening_socket(spec.host, spec.port, reuse_port=True)
    signal.signal(signal.SIGTERM, flush_logs_then_terminate)
    uvicorn.Server(uvicorn.Config(app, **uvicorn_options(spec))).run(sockets=[sock])


class _Supervisor:
    def __init__(self, spec: WorkerSpec, count: int) -> None:
        self.spec = spec
        self.count = count
        self.context = multiprocessing.get_context("spawn")
        self.workers: list[tuple[BaseProcess, float]] = []
        self.signals: list[int] = []
        self.stopping = False

    def start_worker(self) -> tuple[BaseProcess, float]:
        # A SIGHUP must not kill a worker before it can reload: it inherits "ignore" across the exec, until
        # it installs its own handler.
        previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
        try:
            process = self.context.Process(target=_worker, args=(self.spec,), name="sahel-bot-worker")
            process.start()
        finally:
            signal.signal(signal.SIGHUP, previous)
        return process, time.monotonic()

    def run(self) -> int:
        for sig in (signal.SIGHUP, signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda signum, frame: self.signals.append(signum))
        self.workers = [self.start_worker() for _ in range(self.count)]
        log.info(
            "started %d workers: %s",
            self.count,
            ", ".join(str(p.pid) for p, _ in self.workers),
            extra={"fields": {"workers": [p.pid for p, _ in self.workers]}},
        )
        while not self.stopping:
            multiprocessing.connection.wait([p.sentinel for p, _ in self.workers], timeout=0.2)
            self.handle_signals()
            if not self.stopping:
                self.replace_dead()
        return self.stop_all()

    def handle_signals(self) -> None:
        while self.signals:
            signum = self.signals.pop(0)
            if signum == signal.SIGHUP:
                log.info("SIGHUP: every worker reloads its knowledge")
                for process, _ in self.workers:
                    if process.pid is not None and process.is_alive():
                        os.kill(process.pid, signal.SIGHUP)
            else:
                self.stopping = True

    def replace_dead(self) -> None:
        for i, (process, started) in enumerate(self.workers):
            if process.is_alive():
                continue
            process.join()
            log.warning("worker %s stopped (exit status %s); starting another", process.pid, process.exitcode)
            if time.monotonic() - started < CRASH_PAUSE:
                time.sleep(CRASH_PAUSE)
            self.workers[i] = self.start_worker()

    def stop_all(self) -> int:
        for process, _ in self.workers:
            if process.pid is not None and process.is_alive():
                os.kill(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for process, _ in self.workers:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                log.error("worker %s did not stop in %g s; killing it", process.pid, STOP_TIMEOUT)
                process.kill()
                process.join()
        return 0


def run_workers(spec: WorkerSpec, count: int) -> int:
    """Run ``count`` workers on ``spec``'s address until SIGTERM or SIGINT; return the exit status."""
    return _Supervisor(spec, count).run()
