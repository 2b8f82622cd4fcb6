"""Engine benchmark (run by hand, not a test): per-question latency, knowledge load time, whole-process time.

    python benchmarks/engine.py [--rounds N]

Questions: every question of the FAQ files under tests/faq/ (several hundred, in-scope, not-in-the-brief and
off-topic) plus a set of generated off-topic and noisy inputs.  Prints p50/p99 per question in-process, the
cold (no cache) and warm (cached) load time, and the median wall time of `sahel-bot ask "..."` as a whole
process (with a warm cache), so the figures can be pasted into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from sahel_bot import Bot, Context  # noqa: E402
from sahel_bot.knowledge.loader import load_knowledge  # noqa: E402

NOISE = [
    "what's the weather in paris",
    "how do I bake bread",
    "who won the world cup in 2018",
    "who leads hezbollah",
    "asdf qwer zxcv",
    "\U0001f600" * 20,
    "a" * 5000,
    "who leads aqim " * 200,
    "<script>alert(1)</script>",
    "'; drop table facts; --",
]


def questions() -> list[str]:
    out: list[str] = []
    for path in sorted((ROOT / "tests" / "faq").glob("faq_*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if "turns" in item:
                out.extend(t["q"] for t in item["turns"])
            elif "q" in item:
                out.append(item["q"])
    return out + NOISE


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    qs = questions()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"
    )

    t = time.perf_counter()
    load_knowledge(ROOT)
    load_cold = time.perf_counter() - t
    cache = tempfile.mkdtemp()
    os.environ["SAHEL_BOT_CACHE"] = cache
    t = time.perf_counter()
    bot = Bot.load(ROOT)
    build = time.perf_counter() - t
    t = time.perf_counter()
    bot = Bot.load(ROOT)
    load_warm = time.perf_counter() - t
    print(
        f"knowledge: parse+validate {load_cold * 1e3:.0f} ms; engine build (uncached) {build * 1e3:.0f} ms; "
        f"cached load {load_warm * 1e3:.1f} ms"
    )

    empty = Context()
    times: list[float] = []
    warm: list[float] = []
    for _ in range(args.rounds):
        # a freshly loaded bot each round: nothing from an earlier round is remembered (the engine keeps a
        # small cache of template scores per question shape, which each round fills as it goes)
        fresh = Bot.load(ROOT)
        for q in qs:
            t = time.perf_counter()
            fresh.answer(q, empty)  # the uncached path: Bot.ask also keeps an LRU cache of replies
            times.append(time.perf_counter() - t)
        for q in qs:
            t = time.perf_counter()
            fresh.answer(q, empty)
            warm.append(time.perf_counter() - t)
    print(
        f"per question, first time ({len(qs)} questions x {args.rounds} fresh bots): "
        f"p50 {percentile(times, 50) * 1e3:.3f} ms, p99 {percentile(times, 99) * 1e3:.3f} ms, "
        f"max {max(times) * 1e3:.3f} ms"
    )
    print(
        "per question, asked again (template scores cached, the reply recomputed): "
        f"p50 {percentile(warm, 50) * 1e3:.3f} ms, p99 {percentile(warm, 99) * 1e3:.3f} ms"
    )
    cached: list[float] = []
    for q in qs:
        bot.ask(q)
        t = time.perf_counter()
        bot.ask(q)
        cached.append(time.perf_counter() - t)
    print(f"per question, repeated (LRU cache hit): p50 {percentile(cached, 50) * 1e6:.1f} us")

    exe = shutil.which("sahel-bot", path=str(Path(sys.executable).parent)) or "sahel-bot"
    env = dict(os.environ, SAHEL_BOT_CACHE=cache, SAHEL_BOT_MISS_LOG="off")
    # as installed: byte-compiled once (pip does it at install time), not compiled again at every start
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    import sahel_bot

    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(Path(sahel_bot.__file__).parent)], env=env, check=True
    )
    subprocess.run([exe, "ask", "warm up"], env=env, capture_output=True, check=True)
    walls = []
    for _ in range(15):
        t = time.perf_counter()
        subprocess.run([exe, "ask", "who leads aqim?"], env=env, capture_output=True, check=True)
        walls.append(time.perf_counter() - t)
    bare = []
    for _ in range(15):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], env=env, capture_output=True, check=True)
        bare.append(time.perf_counter() - t)
    ratio = statistics.median(walls) / statistics.median(bare)
    print(
        f'whole process `sahel-bot ask "who leads aqim?"`: median {statistics.median(walls) * 1e3:.0f} ms, '
        f"min {min(walls) * 1e3:.0f} ms (15 runs, warm cache); bare `python -c pass` median "
        f"{statistics.median(bare) * 1e3:.0f} ms: {ratio:.1f}x"
    )
    shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
