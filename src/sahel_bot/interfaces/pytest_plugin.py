"""pytest plugin: run FAQ files (``faq_*.yaml``) as tests.  Work in progress (issue 6)."""

from __future__ import annotations

from typing import Any


def pytest_addoption(parser: Any) -> None:
    parser.addini("sahel_faq_glob", "glob of FAQ files run as tests", default="faq_*.yaml")
