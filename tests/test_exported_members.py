from __future__ import annotations

import sahel_bot


def test_all_is_sorted_and_complete() -> None:
    assert sahel_bot.__all__ == sorted(sahel_bot.__all__)
    for name in sahel_bot.__all__:
        assert hasattr(sahel_bot, name), name
    public = {n for n in dir(sahel_bot) if n.isidentifier() and not n.startswith("_") and n != "annotations"}
    modules = {
        "about",
        "answering",
        "bot",
        "cache",
        "config",
        "context",
        "entities",
        "errors",
        "evaluation",
        "intents",
        "interfaces",
        "knowledge",
        "misses",
        "normalize",
        "question",
        "reply",
        "retrieval",
        "spelling",
        "state_codec",
    }
    helpers = {"TYPE_CHECKING", "Any", "importlib"}
    assert public - modules - helpers == set(sahel_bot.__all__)


def test_core_never_imports_interfaces() -> None:
    import subprocess
    import sys

    code = (
        "import sys, sahel_bot; b = sahel_bot.Bot.load(); b.ask('who leads aqim');"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('prompt_toolkit','starlette','uvicorn','slack_sdk',"
        "'pytest','click') or m.startswith('sahel_bot.interfaces')]; print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
