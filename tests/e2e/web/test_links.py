"""With PUBLIC_URL set, /status, /about and announcements link the season page; an
announcement's link still carries its delivery marker, so a resend still finds it."""

from __future__ import annotations

import asyncio

import discord
import pytest

from bot.alerts.announcements import delivery_ids
from bot.core.models import Editor, Fact
from tests.support.web import SHOW, fetch, web_address

pytestmark = pytest.mark.sqlite_only


async def test_status_and_about_link_the_season_page(standin, scene, bot):
    base = await web_address(bot)
    status = await standin.command(scene.fan, scene.home_general, "status")
    assert status.embeds[0]["url"] == f"{base}/s/{SHOW}"
    scene.fan.user.locale = "ko"
    korean = await standin.command(scene.fan, scene.home_general, "status")
    scene.fan.user.locale = "en-US"
    assert korean.embeds[0]["url"] == f"{base}/s/{SHOW}?lang=ko"
    about = await standin.command(scene.fan, scene.home_general, "about")
    tracked = {f["name"]: f["value"] for f in about.embeds[0]["fields"]}["Tracked"]
    assert tracked == f"• [All of Us Are Dead season 2](<{base}/s/{SHOW}>)"
    assert (await fetch(status.embeds[0]["url"])).status == 200


async def test_an_announcement_links_the_page_with_its_delivery_marker(standin, scene, bot):
    base = await web_address(bot)
    home = scene.home_general
    reply = await standin.command(scene.admin, home, "alerts subscribe", channel=home)
    assert reply.ephemeral, reply.content
    show = bot.store.view.show_by_slug(SHOW)
    fact = Fact({"person": "Kim Newcomer", "character": "Transfer student", "billing": None, "state": "new",
                 "note": None}, "rumored", "Soompi", "https://www.soompi.com/a", "2024-05-01")
    change = await bot.store.catalogue.write(show.id, "cast", "kim newcomer", fact, expected_version=0,
                                             editor=Editor(1, "editor"))
    await standin.wait_for_messages(scene.home_general, 1, timeout=5)
    await asyncio.sleep(0.2)
    [message] = standin.messages(scene.home_general)
    [embed] = message.embeds
    [delivery] = await bot.store.alerts.deliveries(change_id=change.id)
    assert embed["url"] == f"{base}/s/{SHOW}#sw-delivery-{delivery.id}"
    assert delivery_ids(discord.Embed.from_dict(embed)) == [delivery.id]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "[Soompi](<https://www.soompi.com/a>)" in fields["Source"]  # the source keeps its link
