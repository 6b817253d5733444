"""Paging state lives in the button, so a list keeps paging after the bot restarts."""

import pytest

from bot.core.errors import UserError
from bot.store import Store
from cogs.fans import EXPIRED, Fans
from tests.e2e.catalogue.test_fans import big_catalogue
from tests.support.databases import database_of


async def test_paging_buttons_keep_working_after_a_restart(standin, scene, bot_env, bot_process):
    store = await Store.open(database_of(bot_env))
    await store.files.seed_if_empty()
    await store.files.import_data(big_catalogue(cast=40, news=0))
    await store.close()

    first = await bot_process()
    reply = await standin.command(scene.fan, scene.home_general, "cast", show="big")
    page_one = reply.embeds[0]["description"]
    await first.kill()

    await bot_process()
    second = await standin.click(scene.fan, reply, "Next")
    assert "Page 2 of" in second.embeds[0]["footer"]["text"]
    assert second.embeds[0]["description"] != page_one
    back = await standin.click(scene.fan, second, "Previous")
    assert back.embeds[0]["description"] == page_one


@pytest.mark.parametrize("state", ["garbage", "cast:999:all:1", "cast:1:everyone:0", "x:1:-:0"])
async def test_a_button_whose_list_is_gone_says_it_expired(tmp_path, state):
    store = await Store.open(tmp_path / "db.sqlite")
    try:
        await store.files.seed_if_empty()
        with pytest.raises(UserError, match=EXPIRED):
            await Fans(store).turn_page(state)
    finally:
        await store.close()
