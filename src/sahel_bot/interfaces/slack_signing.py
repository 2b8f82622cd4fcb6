"""Slack request signing: HMAC-SHA256 over the raw body with a five-minute window both ways (slack_sdk).

May import: slack_sdk and the standard library.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from slack_sdk.signature import Clock, SignatureVerifier

__all__ = ["SlackVerifier"]


class SlackVerifier:
    """Slack request signing (HMAC-SHA256 over the raw body, 5-minute window both ways) via slack_sdk.

    ``check`` returns ``"ok"``, ``"bad"``, or ``"undecodable"`` (correctly signed, but the body is not UTF-8);
    it never raises.  Raises ``ValueError`` at construction when the secret is blank.
    """

    def __init__(self, signing_secret: str, clock: Clock | None = None) -> None:
        self._verifier = SignatureVerifier(signing_secret, clock=clock or Clock())
        self._key = signing_secret.encode()

    def check(self, body: bytes, headers: Mapping[str, str]) -> str:
        """Return the verdict on ``body`` and its ``X-Slack-*`` headers (looked up case-insensitively)."""
        timestamp = headers.get("x-slack-request-timestamp")
        signature = headers.get("x-slack-signature")
        if timestamp is None or signature is None:
            return "bad"
        try:
            return "ok" if self._verifier.is_valid(body, timestamp, signature) else "bad"
        except UnicodeDecodeError:
            # slack_sdk decodes the body before hashing it; Slack signs the raw bytes.  Check those, so a
            # correctly signed undecodable body is told apart (400) from a forged one (401).
            return "undecodable" if self._is_valid_raw(body, timestamp, signature) else "bad"
        except Exception:  # a non-integer timestamp, a non-ASCII signature: forged or broken, never a 500
            return "bad"

    def _is_valid_raw(self, body: bytes, timestamp: str, signature: str) -> bool:
        try:
            if abs(self._verifier.clock.now() - int(timestamp)) > 60 * 5:
                return False
            base = b"v0:" + timestamp.encode() + b":" + body
            expected = b"v0=" + hmac.new(self._key, base, hashlib.sha256).hexdigest().encode()
            return hmac.compare_digest(expected, signature.encode())
        except Exception:
            return False
