"""sahel-bot: grounded answers about CRS In Focus IF10172, "Al Qaeda in the Islamic Maghreb (AQIM) and Related Groups".

The public API (everything the REPL, the webhook, the CLI and the pytest
plugin use)::

    from sahel_bot import Bot
    bot = Bot.load()                      # the shipped knowledge, validated
    reply = bot.ask("who leads AQIM?")   # a Reply: answered, text, citations, ...
    chat = bot.conversation()            # follow-ups: chat.ask("where is he from?")
"""

from __future__ import annotations

from .bot import Bot, Conversation
from .config import Settings
from .context import Context
from .errors import ConfigError, KnowledgeError, KnowledgeErrors, SahelBotError
from .knowledge.loader import default_knowledge_dir, load_knowledge
from .knowledge.schema import Knowledge
from .reply import Candidate, Citation, Explanation, LinkedEntity, Reply

__all__ = [
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
