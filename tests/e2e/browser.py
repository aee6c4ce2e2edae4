"""What the browser tests need, imported so that a machine without Playwright still collects them.

Without Playwright (or Chromium) the tests are skipped locally and fail under
CI; see `missing()` and the `chromium` fixture in conftest.py.
"""
import os
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
#: CI must run the browser tests: there a missing browser is a failure, not a skip.
UNDER_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError as error:
    expect = sync_playwright = None
    _PLAYWRIGHT_ERROR = error
else:
    _PLAYWRIGHT_ERROR = None


def missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if _PLAYWRIGHT_ERROR is not None:
        return (f"Playwright is not installed ({_PLAYWRIGHT_ERROR}): "
                "run `.venv/bin/pip install -r requirements-dev.txt` to run the browser tests")
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: install Debian's chromium package to run the browser tests"
    return None
