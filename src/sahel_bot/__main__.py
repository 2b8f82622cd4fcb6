from __future__ import annotations

import sys

from .interfaces.cli import main

sys.exit(main())
