"""Settings of the webhook server: defaults, then environment variables, then explicit overrides (flags).

Kept apart from ``webhook.py`` so ``sahel-bot serve`` can read and check its settings before
starlette or uvicorn are imported.  May import: the standard library and ``sahel_bot.errors``.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from ..errors import ConfigError

__all__ = [
    "ACCESS_LOG",
    "ENVIRONMENT",
    "NOTHING_TO_SERVE",
    "WebhookConfigError",
    "WebhookSettings",
    "redact_url",
    "secret_setting",
]

#: the logger of the webhook's access lines (here, not in webhook.py, so that `sahel-bot serve` can name it
#: without importing Starlette)
ACCESS_LOG = "sahel_bot.webhook.access"
SLACK_API_URL = "https://slack.com/api/"
#: Slack drops a slash command whose reply takes more than 3 s; leave room for the network.
MAX_ANSWER_BUDGET = 2.9
#: the longest Redis connect or command timeout a state URL may ask for: with a retry and two commands per
#: request, a store that hangs must still leave Slack's 3 s
MAX_STATE_TIMEOUT = 1.0
STATE_SCHEMES = ("redis", "rediss", "unix")
NOTHING_TO_SERVE = (
    "Nothing to serve: set SLACK_SIGNING_SECRET or --slack-signing-secret-file (and SLACK_BOT_TOKEN or "
    "--slack-bot-token-file) for a Slack app, or SAHEL_BOT_WEBHOOK_TOKEN or --webhook-token-file for outgoing "
    "webhooks (Mattermost, Rocket.Chat, Zulip) and POST /ask."
)


class WebhookConfigError(ConfigError, ValueError):
    """A webhook setting cannot be used.  A ``ValueError`` too, so a bad ``create_app`` call reads as one."""


#: setting name -> environment variable (the flags of ``sahel-bot serve`` mirror these).
ENVIRONMENT: dict[str, str] = {
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
    "slack_bot_token": "SLACK_BOT_TOKEN",
    "slack_api_url": "SLACK_API_URL",
    "slack_bot_user_id": "SLACK_BOT_USER_ID",
    "slack_commands": "SAHEL_BOT_SLACK_COMMANDS",
    "webhook_token": "SAHEL_BOT_WEBHOOK_TOKEN",
    "response_type": "SAHEL_BOT_RESPONSE_TYPE",
    "answer_budget": "SAHEL_BOT_ANSWER_BUDGET",
    "max_body_bytes": "SAHEL_BOT_MAX_BODY_BYTES",
    "max_question_chars": "SAHEL_BOT_MAX_QUESTION_CHARS",
    "context_ttl": "SAHEL_BOT_CONTEXT_TTL",
    "event_ttl": "SAHEL_BOT_EVENT_TTL",
    "answer_cache": "SAHEL_BOT_ANSWER_CACHE",
    "background_threads": "SAHEL_BOT_BACKGROUND_THREADS",
    "state_url": "SAHEL_BOT_STATE_URL",
}

#: the settings that are secrets: never printed, never logged, never taken from the command line.
SECRETS = ("slack_signing_secret", "slack_bot_token", "webhook_token")


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    """How the webhook server behaves.  ``None`` for a secret means "not configured": its routes are off.

    Parameters
    ----------
    slack_signing_secret:
        The Slack app's signing secret; turns on ``/slack/commands`` and ``/slack/events``.
    slack_bot_token:
        The bot token (``xoxb-...``) used to post Events API answers with ``chat.postMessage``.
    slack_api_url:
        The Web API base URL (Slack's by default; tests point it at a loopback stand-in).
    slack_bot_user_id:
        The bot's own user id, so it never answers itself (it also learns it from each event's ``authorizations``).
    slack_commands:
        The slash commands answered on ``/slack/commands``; any other command gets a polite "unknown command".
    webhook_token:
        The shared token of ``/slack/outgoing`` (Slack legacy, Mattermost, Rocket.Chat, Zulip) and ``POST /ask``;
        several may be given, comma-separated (Mattermost makes one per webhook and per slash command).
    response_type:
        ``ephemeral`` (only the asker sees the answer) or ``in_channel``.
    answer_budget:
        Seconds a slash command waits for the answer before replying "Looking that up…" and posting the answer
        to ``response_url`` later.
    max_body_bytes:
        Larger request bodies get 413 before any signature work.
    max_question_chars:
        Longer questions get a polite reply instead of an answer.
    context_ttl, event_ttl:
        Seconds a thread's conversation context, and a seen Events API ``event_id``, are kept.
    answer_cache:
        How many (question, context) answers are kept; the bot is pure, so a repeated question is not recomputed.
    background_threads:
        Threads answering Events API deliveries and slow slash commands.
    state_url:
        Where seen event ids and conversation contexts are shared between workers and hosts:
        ``redis://[:PASSWORD@]HOST:PORT/DB``, ``rediss://`` (TLS) or ``unix:///PATH``; Redis or Valkey.
        ``None`` keeps them in each process's memory.
    """

    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_bot_token: str | None = field(default=None, repr=False)
    slack_api_url: str = SLACK_API_URL
    slack_bot_user_id: str | None = None
    slack_commands: tuple[str, ...] = ("/ask",)
    webhook_token: str | None = field(default=None, repr=False)
    response_type: str = "ephemeral"
    answer_budget: float = 2.5
    max_body_bytes: int = 1024 * 1024
    max_question_chars: int = 500
    context_ttl: float = 3600.0
    event_ttl: float = 25 * 3600.0
    answer_cache: int = 1024
    background_threads: int = 8
    state_url: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, sources: Mapping[str, str] | None = None, **overrides: Any
    ) -> WebhookSettings:
        """Return settings from defaults, the environment (see ``ENVIRONMENT``), then non-``None`` ``overrides``.

        An empty environment variable counts as unset.  ``sources`` names where an override came from (the
        flag the user typed; default ``--name-with-dashes``).  Raises ``WebhookConfigError`` naming the
        variable or the flag a bad value came from.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        names: dict[str, str] = {}
        for f in fields(cls):
            key = ENVIRONMENT[f.name]
            raw = env.get(key)
            if raw is None or raw.strip() == "":
                continue
            values[f.name] = _cast(f"{key}={raw.strip()!r}", raw, f.name)
        for name, value in overrides.items():
            if value is not None:
                names[name] = (sources or {}).get(name) or f"--{name.replace('_', '-')}"
                if isinstance(value, str):
                    value = _cast(f"{names[name]} {value.strip()!r}", value, name)
                values[name] = value
        return replace(cls(), **values).checked(names)

    @property
    def slack_enabled(self) -> bool:
        return self.slack_signing_secret is not None

    @property
    def token_enabled(self) -> bool:
        return self.webhook_token is not None

    @property
    def is_configured(self) -> bool:
        """Return whether at least one authenticated route is on."""
        return self.slack_enabled or self.token_enabled

    def checked(self, names: Mapping[str, str] | None = None) -> WebhookSettings:
        """Return ``self`` when every value can be used; raise ``WebhookConfigError`` otherwise.

        The message names the setting as ``names`` gives it (the flag it came from), else its variable.
        """

        def label(name: str) -> str:
            return (names or {}).get(name) or ENVIRONMENT[name]

        for name in SECRETS:
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise WebhookConfigError(f"{label(name)} must not be blank; leave it unset to turn it off.")
        if self.response_type not in ("ephemeral", "in_channel"):
            raise WebhookConfigError(
                f"{label('response_type')} must be 'ephemeral' or 'in_channel', not {self.response_type!r}."
            )
        if not self.slack_api_url.startswith(("http://", "https://")):
            raise WebhookConfigError(f"{label('slack_api_url')} must be an http(s) URL, not {self.slack_api_url!r}.")
        bad = [c for c in self.slack_commands if not c.startswith("/") or len(c) < 2 or " " in c]
        if bad or not self.slack_commands:
            raise WebhookConfigError(
                f"{label('slack_commands')} must list slash commands such as '/ask', not {bad or 'nothing'!r}."
            )
        if not 0 < self.answer_budget <= MAX_ANSWER_BUDGET:
            raise WebhookConfigError(
                f"{label('answer_budget')} must be above 0 and at most {MAX_ANSWER_BUDGET} seconds, "
                f"not {self.answer_budget!r}."
            )
        for name in ("max_body_bytes", "max_question_chars", "background_threads"):
            if getattr(self, name) < 1:
                raise WebhookConfigError(f"{label(name)} must be at least 1, not {getattr(self, name)!r}.")
        for name in ("context_ttl", "event_ttl"):
            if getattr(self, name) <= 0:
                raise WebhookConfigError(f"{label(name)} must be above 0 seconds, not {getattr(self, name)!r}.")
        if self.state_url is not None:
            _check_state_url(self.state_url, label("state_url"))
        if self.answer_cache < 0:
            raise WebhookConfigError(f"{label('answer_cache')} must be 0 (off) or more, not {self.answer_cache!r}.")
        return self

    def to_env(self) -> dict[str, str]:
        """Return the environment variables that reproduce these settings (for uvicorn's worker processes)."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            out[ENVIRONMENT[f.name]] = ",".join(value) if isinstance(value, tuple) else str(value)
        return out


def secret_setting(name: str) -> str:
    """Return how to set the secret ``name``: its variable, or the ``sahel-bot serve`` flag of a file holding it."""
    return f"{ENVIRONMENT[name]} (or sahel-bot serve --{name.replace('_', '-')}-file FILE)"


def redact_url(url: str) -> str:
    """Return ``url`` with its password (if any) replaced by ``***``, fit for a log line."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return "(an unreadable URL)"
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def _check_state_url(url: str, name: str) -> None:
    """Raise ``WebhookConfigError`` naming ``name`` when ``url`` is not a usable Redis URL."""
    shown = redact_url(url)
    usage = "redis://HOST:PORT/DB, rediss://HOST:PORT/DB (TLS) or unix:///PATH"
    try:
        parts = urllib.parse.urlsplit(url.strip())
        _ = parts.port  # a port that is not a number raises here
    except ValueError:
        raise WebhookConfigError(f"{name} must be a URL such as {usage}, not {shown!r}.") from None
    scheme = parts.scheme.lower()
    if scheme not in STATE_SCHEMES or "://" not in url:
        raise WebhookConfigError(f"{name} must be a URL such as {usage}, not {shown!r}.")
    if scheme != "unix":
        if not parts.hostname:
            raise WebhookConfigError(f"{name} names no host: {shown!r} (expected {usage}).")
        db = parts.path.lstrip("/")
        if db and not db.isdigit():
            raise WebhookConfigError(f"{name} must end in a database number (/0), not {parts.path!r}.")
    elif not parts.path:
        raise WebhookConfigError(f"{name} names no socket path: {shown!r} (expected unix:///PATH).")
    for key, values in urllib.parse.parse_qs(parts.query).items():
        if key in ("socket_timeout", "socket_connect_timeout"):
            try:
                seconds = float(values[0])
            except ValueError:
                raise WebhookConfigError(f"{name}: {key}={values[0]!r} is not a number.") from None
            if not 0 < seconds <= MAX_STATE_TIMEOUT:
                raise WebhookConfigError(
                    f"{name}: {key} must be above 0 and at most {MAX_STATE_TIMEOUT:g} second "
                    f"(Slack waits 3 s for an answer), not {seconds:g}."
                )


def _cast(key: str, raw: str, name: str) -> Any:
    kind = {f.name: str(f.type) for f in fields(WebhookSettings)}[name]
    raw = raw.strip()
    try:
        if "tuple" in kind:
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        if "float" in kind:
            return float(raw)
        if "int" in kind:
            return int(raw)
    except ValueError:
        raise WebhookConfigError(f"{key} is not a number.") from None
    return raw
