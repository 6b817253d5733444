"""User text that lands in message *content* pings nobody, as the stand-in computes pings.

Embeds never ping, so these put mentions where the bot writes content: /alerts replies that
name a channel and a role, error replies quoting input, /predict replies quoting a question, an
entry's name and guessers' display names. `would_ping` ignores that an ephemeral reply notifies
nobody: what must stop the ping is the reply's allowed_mentions (and escaping), not the flag.
Every message's allowed_mentions itself is checked by the `standin` fixture at teardown.
"""

from bot.core.models import Editor, Fact

SHOW = "all-of-us-are-dead"


def hostile(scene, role):
    return f"@everyone @here <@{scene.fan.id}> <@&{role.id}>"


def assert_pings_nobody(reply):
    pings = reply.message.would_ping
    assert pings is not None and not pings.anyone, (reply.content, pings)


def assert_inert(content):
    assert "@\u200beveryone" in content and "@\u200bhere" in content, content
    assert "<@&\u200b" in content or "<@&" not in content, content


async def test_the_subscribe_reply_names_its_channel_and_role_without_pinging(standin, scene, bot):
    watchers = scene.home.add_role("Watchers", mentionable=True)
    await standin.update_role(watchers, mentionable=True)
    reply = await standin.command(scene.admin, scene.home_general, "alerts subscribe",
                                  channel=scene.home_general, mention_role=watchers)
    # Real mentions in content, on purpose: only allowed_mentions keeps them silent.
    assert f"<#{scene.home_general.id}>" in reply.content and watchers.mention in reply.content
    assert_pings_nobody(reply)
    listed = await standin.command(scene.admin, scene.home_general, "alerts list")
    assert_pings_nobody(listed)


async def test_an_error_quoting_hostile_topics_pings_nobody_and_writes_nothing(standin, scene,
                                                                              bot):
    reply = await standin.command(scene.admin, scene.home_general, "alerts subscribe",
                                  channel=scene.home_general,
                                  topics=hostile(scene, scene.editors).replace(" ", ","))
    assert reply.ephemeral and "unknown topic" in reply.content
    assert_inert(reply.content)
    assert_pings_nobody(reply)
    assert await bot.store.alerts.subscriptions(scene.home.id) == []


async def test_a_hostile_question_and_entry_name_in_predict_replies_ping_nobody(standin, scene,
                                                                              bot):
    show = bot.store.view.show_by_slug(SHOW)
    name = f"Troll {hostile(scene, scene.editors)}"
    fact = Fact(fields={"person": name, "character": None, "billing": None, "state": "new",
                        "note": None},
                confidence="rumored", source_name="Soompi", source_url="https://www.soompi.com/a",
                as_of="2024-05-01")
    await bot.store.catalogue.write(show.id, "cast", "troll", fact, expected_version=0,
                          editor=Editor(1, "editor"), silent=True)
    entry = bot.store.view.entry(show.id, "cast", "troll")
    opened = await standin.command(scene.editor, scene.home_general, "predict open",
                                   question=f"Will {hostile(scene, scene.editors)} return?",
                                   kind="number", entry=str(entry.id))
    assert opened.content.startswith("Opened question"), opened.content
    assert opened.content.count("@\u200beveryone") == 2  # the question and the entry's name
    assert_inert(opened.content)
    assert_pings_nobody(opened)


async def test_a_hostile_display_name_in_the_resolve_reply_pings_nobody(standin, scene, bot):
    troll = scene.home.add_member(f"troll {hostile(scene, scene.editors)}")
    opened = await standin.command(scene.editor, scene.home_general, "predict open",
                                   question="How many episodes?", kind="number")
    prediction = (await bot.store.predictions.predictions(show_id=bot.store.view.show_by_slug(SHOW).id))[0]
    assert opened.content.startswith("Opened question")
    guessed = await standin.command(troll, scene.home_general, "predict make",
                                    question=str(prediction.id), answer="8")
    assert_pings_nobody(guessed)
    resolved = await standin.command(scene.editor, scene.home_general, "predict resolve",
                                     question=str(prediction.id), answer="8")
    assert "1. troll" in resolved.content, resolved.content
    assert_inert(resolved.content)
    assert_pings_nobody(resolved)
