"""PostgreSQL going away while the bot runs, through the stand-in: the editor's Publish is
refused in one clear ephemeral line, and nothing the bot logs about it shows a password, not
even one given as DATABASE_URL's `?password=` query parameter.

The bot reaches the test server through a local TCP relay; closing the relay (its listener and
every connection through it) is the server going away, without touching the shared server.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.support.pg_relay import Relay, through

pytestmark = pytest.mark.postgresql_only

SECRET = "hunter2-query-secret"
SOURCE = "https://www.example.com/report"


async def until_logged(proc, text: str) -> str:
    deadline = time.monotonic() + 10
    while text not in proc.log_text():
        assert time.monotonic() < deadline, f"never logged {text!r}:\n{proc.log_text()[-3000:]}"
        await asyncio.sleep(0.1)
    return proc.log_text()


async def test_a_write_after_postgresql_went_away_is_refused_and_logged_without_the_password(
        standin, scene, bot_env, bot_process):
    relay = Relay(bot_env["DATABASE_URL"])
    url = through(bot_env["DATABASE_URL"], await relay.start(), SECRET)
    proc = await bot_process(DATABASE_URL=url)
    preview = await standin.command(scene.editor, scene.home_general, "edit cast", person="Kim Newcomer",
                                    confidence="rumored", source_url=SOURCE)
    await relay.cut()

    refused = await standin.click(scene.editor, preview, "Publish")
    assert refused.ephemeral
    assert "could not be written" in refused.content and "nothing was saved" in refused.content
    assert SECRET not in refused.content
    log = await until_logged(proc, "a write failed")
    [line] = [ln for ln in log.splitlines() if "a write failed" in ln]
    assert "ERROR" in line and "bot.db.postgres" in line
    assert "DATABASE_URL=postgresql://" in line and "?password=***" in line, line
    assert SECRET not in log
