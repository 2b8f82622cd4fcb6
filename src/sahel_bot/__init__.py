"""sahel-bot: grounded answers about CRS In Focus IF10172, "Al Qaeda in the Islamic Maghreb (AQIM) and Related Groups".

The public API (everything the REPL, the webhook, the CLI and the pytest
plugin use)::

    from sahel_bot import Bot
    bot = Bot.load()                      # the shipped knowledge, validated
    reply = bot.ask("who leads AQIM?")   # a Reply: answered, text, citations, ...
    chat = bot.conversation()            # follow-ups: chat.ask("where is he from?")

Names are imported on first use, so importing the package (as pytest does for
the FAQ plugin in every run) costs almost nothing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "About",
    "Bot",
    "Candidate",
    "Citation",
    "ConfigError",
    "Context",
    "Conversation",
    "Explanation",
    "Knowledge",
    "KnowledgeError",
    "KnowledgeErrors",
    "LinkedEntity",
    "Reply",
    "SahelBotError",
    "Settings",
    "default_knowledge_dir",
    "load_knowledge",
]

__version__ = "0.1.0"

_HOMES = {
    "About": "about",
    "Bot": "bot",
    "Conversation": "bot",
    "Settings": "config",
    "Context": "context",
    "ConfigError": "errors",
    "KnowledgeError": "errors",
    "KnowledgeErrors": "errors",
    "SahelBotError": "errors",
    "default_knowledge_dir": "knowledge.paths",
    "load_knowledge": "knowledge.loader",
    "Knowledge": "knowledge.schema",
    "Candidate": "reply",
    "Citation": "reply",
    "Explanation": "reply",
    "LinkedEntity": "reply",
    "Reply": "reply",
}

if TYPE_CHECKING:
    from .about import About
    from .bot import Bot, Conversation
    from .config import Settings
    from .context import Context
    from .errors import ConfigError, KnowledgeError, KnowledgeErrors, SahelBotError
    from .knowledge.loader import load_knowledge
    from .knowledge.paths import default_knowledge_dir
    from .knowledge.schema import Knowledge
    from .reply import Candidate, Citation, Explanation, LinkedEntity, Reply


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'sahel_bot' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
