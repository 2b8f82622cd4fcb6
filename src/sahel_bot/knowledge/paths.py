"""Where the knowledge is, which files make it up, and how their paths are shown in messages.

May import: the standard library.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["default_knowledge_dir", "display_path", "knowledge_files"]


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


def display_path(path: Path, root: Path) -> str:
    """Return ``path`` as it opens from the current directory, for messages: relative to the current
    directory when it is inside it, else as the knowledge directory was given (relative or absolute).

    ``root`` is the knowledge directory ``path`` lies in, as the user gave it: ``check --knowledge kb``
    reports ``kb/facts/x.yaml``, never a bare ``facts/x.yaml`` that is another file from where the user stands.
    """
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)  # found under ``root`` as given, so it opens from here too
