"""`seasonwatch import` while the bot runs: the bot picks the change up by itself."""

import asyncio
import json
import os
import subprocess
import sys

import pytest


@pytest.fixture
def quick_db_watch(monkeypatch):
    monkeypatch.setattr("bot.app.DB_WATCH_SECONDS", 0.2)


def seasonwatch(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
        check=True,
    )


async def test_an_import_while_the_bot_runs_reaches_fans(
    quick_db_watch, standin, scene, bot, bot_env, tmp_path
):
    data = json.loads(seasonwatch("export", env=bot_env).stdout)
    data["shows"][0]["entries"].append(
        {
            "kind": "cast",
            "key": "kim imported",
            "confidence": "rumored",
            "source_name": None,
            "source_url": "https://example.com/",
            "as_of": "2025-01-01",
            "fields": {
                "person": "Kim Imported",
                "character": None,
                "billing": None,
                "state": "new",
                "note": None,
            },
        }
    )
    catalogue = tmp_path / "more.json"
    catalogue.write_text(json.dumps(data))
    await asyncio.to_thread(seasonwatch, "import", str(catalogue), env=bot_env)
    show = bot.store.show_by_slug("all-of-us-are-dead")
    for _ in range(50):
        if bot.store.entry(show.id, "cast", "kim imported"):
            break
        await asyncio.sleep(0.1)
    reply = await standin.command(scene.fan, scene.home_general, "cast", filter="new")
    assert "Kim Imported" in reply.embeds[0]["description"]
