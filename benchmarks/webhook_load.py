"""Load benchmark of the webhook: signed slash commands over loopback, against a floor, in one run.

Starts two servers on loopback, each one uvicorn worker configured alike:
  * floor   - a bare Starlette handler that only verifies the Slack signature and returns a constant reply;
  * adapter - ``sahel-bot serve`` with the real bot answering real questions (with its answer cache, as
              shipped, and once more with the cache off, so every request runs the engine).
A second process (wrk, with a Lua script that rotates pre-signed requests) drives each for a bounded time at
32 and 128 connections, and reports requests/s, p50/p99 latency and errors.  Without wrk
(``apt-get install wrk``) a slower Python load generator is used, and the table says so.

    .venv/bin/python benchmarks/webhook_load.py [--seconds 10] [--write BENCHMARKS.md]

Not a test: speed is measured here only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-signing-secret-0123456789abcdef"
TOKEN = "bench-webhook-token"
QUESTIONS = [
    "Who leads AQIM?",
    "When was AQIM formed?",
    "Where does AQIM operate?",
    "How is AQIM funded?",
    "What is Al Murabitoun?",
    "Who leads Al Murabitoun?",
    "What is Ansar al Dine?",
    "What is MUJAO?",
    "Is AQIM a terrorist organization?",
    "What attacks has AQIM carried out?",
    "Who is Mokhtar Belmokhtar?",
    "What is the U.S. policy toward AQIM?",
]
# Never reached unless an answer overruns the slash-command budget: a closed loopback port.
RESPONSE_URL = "http://127.0.0.1:9/commands/T1/1"


# -- the floor -----------------------------------------------------------------------------------------------


def floor_app():  # type: ignore[no-untyped-def]
    """Return the floor: verify the signature with slack_sdk, return a constant slash-command reply."""
    from slack_sdk.signature import SignatureVerifier
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    verifier = SignatureVerifier(SECRET)
    constant = {"response_type": "ephemeral", "text": "ok"}

    async def command(request: Request) -> JSONResponse:
        body = await request.body()
        if not verifier.is_valid_request(body, dict(request.headers)):
            return JSONResponse({"error": "invalid request"}, status_code=401)
        return JSONResponse(constant)

    return Starlette(routes=[Route("/slack/commands", command, methods=["POST"])])


def serve_floor(port: int, http: str, loop: str) -> None:
    import uvicorn

    uvicorn.run(
        floor_app(),
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=False,
        http=http,
        loop=loop,
    )


# -- servers -------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.name = name
        self.port = free_port()
        self.log = log
        self._log = open(log, "wb")  # closed in stop()
        self.process = subprocess.Popen(
            [*argv, "--port", str(self.port)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise SystemExit(f"{name} did not start:\n{log.read_text()}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


# -- requests ------------------------------------------------------------------------------------------------


def signed_requests(port: int) -> list[tuple[dict[str, str], bytes]]:
    """Return one signed slash command per question, timestamped now (valid for five minutes)."""
    from slack_sdk.signature import SignatureVerifier

    verifier = SignatureVerifier(SECRET)
    ts = str(int(time.time()))
    out = []
    for i, question in enumerate(QUESTIONS):
        body = urllib.parse.urlencode(
            {
                "token": "x",
                "team_id": "T1",
                "team_domain": "bench",
                "channel_id": "C1",
                "channel_name": "bench",
                "user_id": f"U{i}",
                "user_name": "bench",
                "command": "/ask",
                "text": question,
                "response_url": RESPONSE_URL,
                "trigger_id": "1.2.3",
                "api_app_id": "A1",
            }
        )
        signature = verifier.generate_signature(timestamp=ts, body=body)
        assert signature is not None
        headers = {
            "Host": f"127.0.0.1:{port}",
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature,
        }
        out.append((headers, body.encode()))
    return out


def check_answers(port: int) -> tuple[int, int]:
    """Send each question once; return (answers with a citation, questions).  Exits on any non-200."""
    cited = 0
    for headers, body in signed_requests(port):
        request = urllib.request.Request(f"http://127.0.0.1:{port}/slack/commands", data=body, headers=headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            reply = json.load(response)
        if any(block["type"] == "context" for block in reply.get("blocks", [])):
            cited += 1
    return cited, len(QUESTIONS)


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


LUA = """
local reqs = {%s}
local i = 0
request = function()
  i = i %% #reqs + 1
  return reqs[i]
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout, latency:percentile(50), latency:percentile(99)))
end
"""


def lua_string(data: str | bytes) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return '"' + "".join(f"\\{b:03d}" for b in raw) + '"'


def run_wrk(port: int, connections: int, seconds: float) -> Result:
    entries = []
    for headers, body in signed_requests(port):
        lua_headers = "{" + ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items()) + "}"
        entries.append(f'wrk.format("POST", "/slack/commands", {lua_headers}, {lua_string(body)})')
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % ", ".join(entries))
    try:
        done = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "5s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}/slack/commands",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(script.name)
    match = re.search(r"^RESULT (\d+) (\d+) (\d+) (\d+) (\d+)$", done.stdout, re.M)
    if not match:
        raise SystemExit(f"unexpected wrk output:\n{done.stdout}\n{done.stderr}")
    requests, duration_us, errors, p50_us, p99_us = map(int, match.groups())
    return Result(requests / (duration_us / 1e6), p50_us / 1000, p99_us / 1000, requests, errors)


async def _python_load(port: int, connections: int, seconds: float) -> Result:
    reqs = []
    for headers, body in signed_requests(port):
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        reqs.append(f"POST /slack/commands HTTP/1.1\r\n{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def connection(offset: int) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        i = offset
        try:
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                writer.write(reqs[i % len(reqs)])
                i += 1
                status = await reader.readline()
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                await reader.readexactly(length)
                latencies.append(time.perf_counter() - start)
                if b" 200 " not in status:
                    errors += 1
        except (OSError, asyncio.IncompleteReadError):
            errors += 1
        finally:
            writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(connection(i) for i in range(connections)))
    elapsed = time.perf_counter() - began
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return Result(len(latencies) / elapsed, pick(0.5), pick(0.99), len(latencies), errors)


def run_load(port: int, connections: int, seconds: float, tool: str) -> Result:
    if tool == "wrk":
        return run_wrk(port, connections, seconds)
    return asyncio.run(_python_load(port, connections, seconds))


# -- report --------------------------------------------------------------------------------------------------

Row = tuple[str, str, int, Result]  # stack, server, connections, result


def section(rows: list[Row], tool: str, args: argparse.Namespace, load: float, cited: tuple[int, int]) -> str:
    lines = [
        "## Webhook load",
        "",
        f"`benchmarks/webhook_load.py` ({time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load average {load:.2f} at the start): signed slash commands "
        f"(`POST /slack/commands`, {len(QUESTIONS)} real questions in rotation, each signed) over loopback from {tool} "
        f"in a second process; {args.seconds:g} s per measurement after a warm-up, {args.rounds} interleaved rounds, "
        f"each row the median round (errors: the sum over all rounds); one uvicorn worker per server.",
        "",
        "- *floor*: a bare Starlette handler that only verifies the signature (slack_sdk) and returns a constant.",
        f"- *adapter*: `sahel-bot serve` as shipped: verifies, answers with Block Kit and citations ({cited[0]} of "
        f"{cited[1]} benchmark questions get a cited answer), writes a JSON access line per request.",
        "- *adapter, no access log*: the same with `--log-level warning`.",
        "- *adapter, no cache*: `SAHEL_BOT_ANSWER_CACHE=0`, so every request runs the engine (~1-2 ms each).",
        "- stacks: *h11/asyncio* is what `sahel-bot[webhook]` installs; *httptools/uvloop* is uvicorn's fast "
        "stack (`pip install 'uvicorn[standard]'`), used automatically when installed.",
        "",
        "| stack | server | connections | requests/s | × floor | p50 ms | p99 ms | requests | errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    floors = {(stack, c): r.rps for stack, name, c, r in rows if name == "floor"}
    for stack, name, c, r in rows:
        ratio = r.rps / floors[(stack, c)]
        lines.append(
            f"| {stack} | {name} | {c} | {r.rps:,.0f} | {ratio:.2f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | "
            f"{r.requests:,} | {r.errors} |"
        )
    lines += ["", "Targets (issue 5), adapter as shipped, one worker:", ""]
    for stack in dict.fromkeys(stack for stack, *_ in rows):
        a32 = next(r for s_, n, c, r in rows if s_ == stack and n == "adapter" and c == 32)
        a128 = next(r for s_, n, c, r in rows if s_ == stack and n == "adapter" and c == 128)
        ratio = a32.rps / floors[(stack, 32)]
        verdict = lambda ok: "met" if ok else "**not met**"  # noqa: E731
        lines.append(
            f"- {stack}: ≥ 0.8× the floor at 32 connections: {ratio:.2f}× ({verdict(ratio >= 0.8)}); "
            f"p99 < 15 ms at 32 connections: {a32.p99_ms:.1f} ms ({verdict(a32.p99_ms < 15)}); "
            f"no errors at 128 connections: {a128.errors} ({verdict(a128.errors == 0)})."
        )
    return "\n".join(lines) + "\n"


def write_section(path: Path, text: str) -> None:
    """Replace the "## Webhook load" section of ``path`` (or add it), leaving every other section alone."""
    old = path.read_text() if path.exists() else "# Benchmarks\n"
    pattern = re.compile(r"^## Webhook load\n.*?(?=^## |\Z)", re.S | re.M)
    new = pattern.sub(lambda _: text + "\n", old) if pattern.search(old) else old.rstrip("\n") + "\n\n" + text
    path.write_text(new.rstrip("\n") + "\n")


def has_fast_stack() -> bool:
    try:
        import httptools  # noqa: F401
        import uvloop  # noqa: F401
    except ImportError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each measurement")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; each row is the median round")
    parser.add_argument("--tool", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python")
    parser.add_argument("--write", metavar="FILE", help="replace the '## Webhook load' section of FILE")
    parser.add_argument("--serve-floor", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--http", default="auto", help=argparse.SUPPRESS)
    parser.add_argument("--loop", default="auto", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_floor:
        serve_floor(args.port, args.http, args.loop)
        return 0

    tool = "wrk" if args.tool == "wrk" else "a Python asyncio load generator (wrk not installed; less precise)"
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SAHEL_BOT_"))}
    serve = [sys.executable, "-m", "sahel_bot", "serve"]
    stacks = [("h11/asyncio", "h11", "asyncio")]
    if has_fast_stack():
        stacks.append(("httptools/uvloop", "httptools", "uvloop"))
    # All servers of a stack run side by side and are measured in interleaved rounds, so a burst of other work
    # on the machine hits floor and adapter alike; each row reports the round with the median requests/s.
    rows: list[Row] = []
    cited = (0, 0)
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        # The miss log stays on, as shipped, but in the temporary directory, not the user's state directory.
        adapter_env = {
            **base_env,
            "SLACK_SIGNING_SECRET": SECRET,
            "SAHEL_BOT_KNOWLEDGE_DIR": str(ROOT),
            "SAHEL_BOT_MISS_LOG": str(Path(tmp) / "misses.jsonl"),
        }
        for stack, http, loop in stacks:
            flags = ["--http", http, "--loop", loop]
            configs = [
                ("floor", [sys.executable, __file__, "--serve-floor", *flags], base_env),
                ("adapter", [*serve, *flags], adapter_env),
                ("adapter, no access log", [*serve, *flags, "--log-level", "warning"], adapter_env),
                ("adapter, no cache", [*serve, *flags], {**adapter_env, "SAHEL_BOT_ANSWER_CACHE": "0"}),
            ]
            runs: dict[tuple[str, int], list[Result]] = {}
            servers = [
                Server(name, argv, env, Path(tmp) / f"{http}-{i}.log") for i, (name, argv, env) in enumerate(configs)
            ]
            try:
                cited = check_answers(servers[1].port)
                for server in servers:
                    for connections in (32, 128):
                        run_load(server.port, connections, args.warmup, args.tool)
                for round_ in range(args.rounds):
                    for connections in (32, 128):
                        for server in servers:
                            result = run_load(server.port, connections, args.seconds, args.tool)
                            runs.setdefault((server.name, connections), []).append(result)
                            print(
                                f"{stack} round {round_ + 1} {server.name:24} c={connections:<4} "
                                f"{result.rps:9,.0f} req/s  p50 {result.p50_ms:6.2f} ms  p99 {result.p99_ms:6.2f} ms  "
                                f"errors {result.errors}",
                                flush=True,
                            )
            finally:
                for server in servers:
                    server.stop()
            for name, _, _ in configs:
                for connections in (32, 128):
                    results = sorted(runs[(name, connections)], key=lambda r: r.rps)
                    median = results[len(results) // 2]
                    median.errors = sum(r.errors for r in results)
                    rows.append((stack, name, connections, median))
    text = section(rows, tool, args, load, cited)
    print()
    print(text)
    if args.write:
        write_section(Path(args.write), text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
