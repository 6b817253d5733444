"""`seasonwatch sandbox` serves the season pages on a free port, says where, and links them."""

from __future__ import annotations

import asyncio
import os
import re
import sys

from tests.support.paths import REPO
from tests.support.web import SHOW, fetch


async def test_the_sandbox_serves_the_pages_and_prints_their_address(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "WEB_PORT", "PUBLIC_URL")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "sandbox", stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env, cwd=tmp_path)
    try:
        assert proc.stderr is not None and proc.stdin is not None
        line = (await asyncio.wait_for(proc.stderr.readline(), 30)).decode()
        found = re.fullmatch(r"Season pages: (http://127\.0\.0\.1:\d+)/ \(while the sandbox runs\)\.\n", line)
        assert found, line
        base = found.group(1)
        page = await fetch(f"{base}/s/{SHOW}")
        assert page.status == 200 and "All of Us Are Dead season 2" in page.text
        proc.stdin.write(b"/status\n")
        proc.stdin.close()
        out, err = await asyncio.wait_for(proc.communicate(), 30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0, err.decode()
    assert f"where it stands <{base}/s/{SHOW}>" in out.decode()
