"""Where the repository is: subprocesses (`python -m bot ...`) run from it, files are read in it."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
