"""A small thread-safe key-value store whose entries expire: conversation contexts and seen Events API ids.

In memory and per process; anything with the same methods (``KeyValueStore``) can replace it.  The shared
stores on Redis (``state_store``) have the same roles with asynchronous methods, run by the event loop.
May import: the standard library only.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Protocol

__all__ = ["KeyValueStore", "TTLStore"]


class KeyValueStore(Protocol):
    def get(self, key: Hashable) -> Any | None: ...

    def set(self, key: Hashable, value: Any) -> None: ...

    def add(self, key: Hashable, value: Any = True) -> bool: ...

    def discard(self, key: Hashable) -> None: ...


class TTLStore:
    """A bounded mapping whose entries expire ``ttl`` seconds after they were last written.

    When full, the entry written longest ago is dropped first.  ``clock`` returns seconds (monotonic by default).
    """

    def __init__(self, ttl: float, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        if ttl <= 0 or max_entries < 1:
            raise ValueError(f"TTLStore needs ttl > 0 and max_entries >= 1, not {ttl!r} and {max_entries!r}.")
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock
        self._lock = threading.Lock()
        self._items: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()

    def __len__(self) -> int:
        with self._lock:
            self._expire(self._clock())
            return len(self._items)

    def get(self, key: Hashable) -> Any | None:
        """Return the value stored under ``key``, or ``None`` when there is none or it has expired."""
        now = self._clock()
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if item[0] <= now:
                del self._items[key]
                return None
            return item[1]

    def set(self, key: Hashable, value: Any) -> None:
        """Store ``value`` under ``key`` for ``ttl`` seconds from now."""
        now = self._clock()
        with self._lock:
            self._put(key, value, now)

    def add(self, key: Hashable, value: Any = True) -> bool:
        """Store ``value`` only if ``key`` is absent (or expired); return whether it was stored.

        Atomic, so two deliveries of one event racing each other cannot both win.
        """
        now = self._clock()
        with self._lock:
            item = self._items.get(key)
            if item is not None and item[0] > now:
                return False
            self._put(key, value, now)
            return True

    def discard(self, key: Hashable) -> None:
        """Forget ``key`` (no error when it is absent)."""
        with self._lock:
            self._items.pop(key, None)

    def _put(self, key: Hashable, value: Any, now: float) -> None:
        self._items.pop(key, None)
        self._items[key] = (now + self.ttl, value)
        self._expire(now)
        while len(self._items) > self.max_entries:
            self._items.popitem(last=False)

    def _expire(self, now: float) -> None:
        # Entries are in write order and share one ttl, so the expired ones are at the front.
        while self._items:
            key, (deadline, _) = next(iter(self._items.items()))
            if deadline > now:
                break
            del self._items[key]
