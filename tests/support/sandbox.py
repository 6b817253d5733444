"""Running `seasonwatch sandbox` as a user would: a subprocess with a script or piped lines."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.paths import REPO


def run_sandbox(*args: str, tmp_path: Path, stdin: str | None = None,
                timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """`python -m bot sandbox *args` in `tmp_path`, without a DISCORD_TOKEN; its output."""
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "bot", "sandbox", *args], input=stdin,
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout, env=env,
                          cwd=tmp_path, check=False)
