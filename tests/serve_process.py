"""``sahel-bot serve`` as a real process on a loopback port, for the end-to-end tests.

Its JSON log lines are kept in a file; ``stop()`` stops it gracefully (SIGTERM: queued answers are finished
and posted first) and returns the log.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx2 as httpx
from slack_sdk.signature import SignatureVerifier

from redis_server import free_port

SECRET = "e2e-signing-secret-0123456789abcdef"
TOKEN = "e2e-webhook-token"
BOT_TOKEN = "xoxb-e2e"


class Server:
    """Start with ``Server(log_path, knowledge_dir, *flags, env={...})``; ``client`` is kept alive."""

    def __init__(
        self, log_path: Path, knowledge: Path, *flags: str, env: dict[str, str] | None = None, port: int | None = None
    ) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environ = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SAHEL_BOT_"))},
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SAHEL_BOT_WEBHOOK_TOKEN": TOKEN,
            "SAHEL_BOT_KNOWLEDGE_DIR": str(knowledge),
            "SAHEL_BOT_MISS_LOG": "off",
            **({"SAHEL_BOT_CACHE": os.environ["SAHEL_BOT_CACHE"]} if "SAHEL_BOT_CACHE" in os.environ else {}),
            **(env or {}),
        }
        self.log_path = log_path
        self._log = open(log_path, "wb")  # closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sahel_bot", "serve", "--port", str(self.port), *flags],
            env=environ,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.client = httpx.Client(base_url=self.url, timeout=10)
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.client.get("/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"sahel-bot serve did not start:\n{log_path.read_text()}")
            time.sleep(0.05)

    def signed(self, path: str, body: str, content_type: str, **headers: str) -> httpx.Response:
        ts = str(int(time.time()))
        signature = SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body)
        assert signature is not None
        # Header names as Slack writes them; the server must not depend on their case.
        head = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature,
            **headers,
        }
        return self.client.post(path, content=body, headers=head)

    def ask(self, question: str, conversation: str | None = None) -> httpx.Response:
        payload: dict[str, Any] = {"question": question}
        if conversation is not None:
            payload["conversation"] = conversation
        return self.client.post("/ask", json=payload, headers={"Authorization": f"Bearer {TOKEN}"})

    def healthz(self) -> dict[str, Any]:
        """Return ``/healthz`` over a new connection (with several workers, any one of them answers)."""
        with httpx.Client(base_url=self.url, timeout=10) as fresh:
            data: dict[str, Any] = fresh.get("/healthz").json()
        return data

    def send_signal(self, signum: int = signal.SIGHUP) -> None:
        self.process.send_signal(signum)

    def log_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.log_path.read_text().splitlines() if line.startswith("{")]

    def stop(self) -> str:
        """Stop the server gracefully (SIGTERM; queued answers are finished first); return its log."""
        self.client.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if not self._log.closed:
            self._log.close()
        return self.log_path.read_text()
