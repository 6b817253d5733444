"""Words fans and admins read: /about, the /cast filters, counted nouns, closing times."""

from __future__ import annotations

import datetime as dt
import re

from bot.i18n.texts import CAST_FILTER_HELP

# Two days ahead: a closing day of "tomorrow" turns into the past when a run passes midnight UTC.
IN_TWO_DAYS = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).date().isoformat()


async def test_about_says_what_changing_a_guess_does_and_who_does_what(standin, scene, bot):
    about = await standin.command(scene.fan, scene.home_general, "about")
    fields = {f["name"]: f["value"] for f in about.embeds[0]["fields"]}
    assert "changing a guess makes it a new guess" in fields["Predictions"]
    edit = bot.tree.get_command("edit")
    names = [c.name for c in edit.commands]
    assert f"`/edit {'|'.join(names)}`" in fields["Who does what"]
    assert "`/shows add|edit|import|archive`" in fields["Who does what"]
    assert "`/sources add|list|remove` and settle `/queue`; anyone can `/tip`" in fields["Who does what"]
    # Discord cannot run /edit by itself: its description is where its subcommands are named.
    assert all(name in edit.description for name in names)
    assert fields["/cast filters"] == "\n".join(CAST_FILTER_HELP.values())


async def test_each_cast_filter_choice_says_what_it_lists(standin, scene, bot):
    [cast] = [c for c in standin.commands[None] if c["name"] == "cast"]
    [option] = [o for o in cast["options"] if o["name"] == "filter"]
    shown = {c["value"]: c["name"] for c in option["choices"]}
    assert shown == CAST_FILTER_HELP
    assert "speculation" in shown["rumored"]
    # ...and the filter does what its choice says: rumored lists speculation too (Lomon is
    # speculation in the seed, Roh Yoon-seo rumored, Park Ji-hu reported).
    rumored = await standin.command(scene.fan, scene.home_general, "cast", filter="rumored")
    assert "Lomon" in rumored.text and "Roh Yoon-seo" in rumored.text
    assert "Park Ji-hu" not in rumored.text


async def test_counts_read_as_words_not_subscription_s(standin, scene, bot):
    admin, general = scene.admin, scene.home_general
    await standin.command(admin, general, "alerts subscribe", channel=general)
    listed = await standin.command(admin, general, "alerts list")
    assert listed.embeds[0]["footer"]["text"] == "1 subscription"
    removed = await standin.command(admin, general, "alerts unsubscribe", channel=general)
    assert removed.content == f"Removed 1 subscription from <#{general.id}>."
    assert "(s)" not in listed.text + removed.content


async def test_a_closing_time_reads_the_same_in_the_reply_and_the_announcement(standin, scene, bot):
    general = scene.home_general
    await standin.command(scene.admin, general, "alerts subscribe", channel=general,
                          topics="predictions")
    opened = await standin.command(scene.editor, general, "predict open", question="Episodes?",
                                   kind="number", closes=IN_TWO_DAYS)
    [announcement] = await standin.wait_for_messages(general, 1)
    closing = re.search(r"\(closes (<t:\d+:f>, <t:\d+:R>)\)", opened.content)
    assert closing, opened.content
    assert f"Closes {closing[1]}. Guess with" in announcement.embeds[0]["description"]
    untimed = await standin.command(scene.editor, general, "predict open", question="Who wins?",
                                    kind="choice", choices="a, b")
    assert "(open until the answer is known)" in untimed.content
