"""What the browser tests share: Debian's Chromium driven by Playwright, and a folder for screenshots.

Chromium is the system one (`/usr/bin/chromium`, installed by `.ci/run` with apt); Playwright's own
browser download is never used. The flags keep Chromium from calling home: on this machine's closed
network its background connections would be refused and reported as errors.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium; fails (never skips) with the fix when it is not installed."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium` (.ci/run does this)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def screenshot_path(folder: str, name: str) -> Path:
    """``test-artifacts/<folder>/<name>.png`` (git-ignored), its folder created."""
    path = ARTIFACTS / folder / (re.sub(r"[^\w.-]+", "_", name) + ".png")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
