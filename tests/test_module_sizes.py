"""House style: small modules named for what they hold, none over 400 lines (STYLE.md)."""

from __future__ import annotations

from pathlib import Path

import sahel_bot

LIMIT = 400


def test_no_module_is_over_400_lines() -> None:
    root = Path(sahel_bot.__file__).parent
    sizes = {p.relative_to(root): len(p.read_text(encoding="utf-8").splitlines()) for p in root.rglob("*.py")}
    assert sizes, "the package's modules were found"
    over = {str(p): n for p, n in sizes.items() if n > LIMIT}
    assert not over, f"modules over {LIMIT} lines (split them by concept): {over}"
