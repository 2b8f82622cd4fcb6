"""A cache of the built engine, keyed by a hash of the knowledge files, so start-up stays fast.

Loading and validating the YAML and expanding templates is the costly part
of start-up; the result depends only on the knowledge files and the code's
version, so it is pickled once and reused until either changes.  A cache that
cannot be read or written is simply skipped.  May import: ``config``,
``knowledge.loader``.
"""

from __future__ import annotations

import gc
import os
import pickle
import zlib
from pathlib import Path
from typing import Any

from .knowledge.paths import knowledge_files

__all__ = ["cache_dir", "knowledge_digest", "load_cached", "store_cached"]

#: Bump when the shape of what is pickled changes.
CACHE_VERSION = "1"


def cache_dir() -> Path | None:
    """Return the cache directory, or ``None`` when caching is turned off (SAHEL_BOT_CACHE=off)."""
    setting = os.environ.get("SAHEL_BOT_CACHE", "")
    if setting.lower() in ("off", "0", "no", "false"):
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sahel-bot"


def knowledge_digest(root: Path, extra: str = "") -> str:
    """Return a hash of every knowledge file under ``root`` (names and bytes), the code version and ``extra``."""
    from . import __version__

    # two 32-bit checksums over everything the engine is built from: a key for a local cache, where a
    # changed file must change the key; hashlib would cost more to import than the whole digest takes
    parts = [f"{CACHE_VERSION}:{__version__}:{extra}".encode()]
    code = Path(__file__).resolve().parent
    for path in sorted(code.rglob("*.py")) + sorted(code.rglob("*.yaml")):
        stat = path.stat()
        parts.append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    for path in knowledge_files(root):
        parts.append(path.name.encode())
        parts.append(path.read_bytes())
    data = b"\0".join(parts)
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}{len(data):016x}"


def load_cached(key: str) -> Any | None:
    """Return the object cached under ``key``, or ``None`` when there is none (or it is unreadable)."""
    directory = cache_dir()
    if directory is None:
        return None
    enabled = gc.isenabled()
    gc.disable()  # the load allocates thousands of containers: collecting among them would only cost time
    try:
        with open(directory / f"engine-{key[:32]}.pickle", "rb") as handle:
            return pickle.load(handle)
    except Exception:  # a stale or partial cache is only a miss
        return None
    finally:
        if enabled:
            gc.enable()


def store_cached(key: str, value: Any) -> None:
    """Write ``value`` under ``key`` atomically; silently skip when the cache is not writable."""
    directory = cache_dir()
    if directory is None:
        return
    import tempfile  # only when writing, which a warm start never does

    tmp = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, directory / f"engine-{key[:32]}.pickle")
        tmp = None
        for old in directory.glob("engine-*.pickle"):
            if old.name != f"engine-{key[:32]}.pickle":
                old.unlink(missing_ok=True)
    except Exception:
        return
    finally:
        if tmp is not None:  # a write that failed half-way leaves nothing behind
            Path(tmp).unlink(missing_ok=True)
