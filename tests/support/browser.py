"""Debian's Chromium, headless, driven by Playwright's sync API on one thread of its own.

The tests run in asyncio (the bot is in-process); Playwright's sync API refuses to run inside a
running loop, and an async browser would be bound to one test's loop. So one browser, started
once for the whole web suite, lives on a worker thread, and a test hands it a job:
`await browser.run(job)`, where `job(chromium)` is plain synchronous Playwright code."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

CHROMIUM = "/usr/bin/chromium"
# Headless and offline: no sandbox (CI runs as root), nothing fetched in the background.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    """Debian's Chromium, if installed (`.ci/run` installs it); never Playwright's download."""
    return CHROMIUM if shutil.which(CHROMIUM) else shutil.which("chromium")


def ensure_chromium() -> str | None:
    """Debian's Chromium, installed first when missing and this is root on Debian (as pgserver
    brings PostgreSQL, so the README's test command works verbatim on a fresh machine)."""
    found = chromium_path()
    if found is not None or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return found
    print("\nInstalling Debian's Chromium for the browser tests (apt-get install chromium) ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "chromium"]
    if subprocess.run(install, env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True)
        subprocess.run(install, env=env, capture_output=True)
    return chromium_path()


class Browser:
    """One Chromium for many tests; `run` executes a job on the browser's own thread."""

    def __init__(self, executable: str) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="chromium")
        self._playwright: Any = None
        self.chromium: Any = None
        self._pool.submit(self._start, executable).result(timeout=60)

    def _start(self, executable: str) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self.chromium = self._playwright.chromium.launch(executable_path=executable, headless=True, args=ARGS)

    async def run(self, job: Callable[[Any], T]) -> T:
        """`job(chromium)` on the browser's thread, awaited without blocking the bot's loop."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, job, self.chromium)

    def close(self) -> None:
        def stop() -> None:
            if self.chromium is not None:
                self.chromium.close()
            if self._playwright is not None:
                self._playwright.stop()

        self._pool.submit(stop).result(timeout=30)
        self._pool.shutdown()
