"""Where a knowledge directory's files are: the one place that lists them, cheap to import.

The start-up cache keys the built engine by these files' bytes, so listing them must not import the
YAML loader: with a warm cache nothing is parsed.  May import: the standard library only.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["default_knowledge_dir", "knowledge_files"]


def default_knowledge_dir() -> Path:
    """Return the knowledge shipped with the package (wheel), else the source checkout's."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "_knowledge"
    if (packaged / "facts").is_dir():
        return packaged
    return here.parent.parent


def knowledge_files(root: Path) -> list[Path]:
    """Return every file that makes up the knowledge in ``root``, in load order."""
    files = sorted((root / "brief").glob("*.txt"))
    files += sorted((root / "facts").glob("*.yaml"))
    files += sorted((root / "intents").glob("*.yaml"))
    return files
