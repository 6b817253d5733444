"""The bot as a process: `python -m bot run` against the stand-in, stopped by a signal."""


async def test_the_bot_process_answers_and_stops_cleanly_on_sigterm(standin, scene, bot_process):
    proc = await bot_process()
    reply = await standin.command(scene.fan, scene.home_general, "about")
    assert "seasonwatch" in reply.embeds[0]["title"]
    assert await proc.stop() == 0
    log = proc.log_text()
    assert "shutting down" in log
    assert standin.token not in log


async def test_a_refused_token_stops_the_process_with_an_error(standin, bot_process):
    proc = await bot_process(wait=False, DISCORD_TOKEN="not-the-token")
    assert await proc.proc.wait() == 1
    assert "Discord refused the token in DISCORD_TOKEN" in proc.log_text()
    assert "not-the-token" not in proc.log_text()
    standin.violations.clear()  # the refused login was the point of this test

