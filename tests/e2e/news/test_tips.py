"""/tip through the stand-in as a fan sends it: one link however it is written, the hourly limit
under concurrent tips, and an archived show (with /remind me) refused with nothing written."""

import asyncio

from tests.e2e.alerts.test_alerts import write
from tests.unit.core.test_facts import news_fact

SHOW = "all-of-us-are-dead"
THANKS = "Thanks! Your tip is in the editors' queue"
KNOWN = "Already known: that link is in the timeline or the editors' queue"


async def tips(bot):
    items, total = await bot.store.news.pending_items(None, limit=100)
    assert len(items) == total
    return items


async def tip(standin, who, channel, url, **options):
    return await standin.command(who, channel, "tip", url=url, **options)


async def test_one_article_written_with_another_scheme_port_or_host_dot_is_already_known(
        standin, scene, bot):
    first = await tip(standin, scene.fan, scene.home_general, "https://fans.example/story?id=7")
    assert first.ephemeral and first.content.startswith(THANKS), first.content
    variants = [
        (scene.fan, "http://fans.example/story?id=7"),
        (scene.fan, "https://fans.example:443/story?id=7"),
        (scene.fan, "https://FANS.example./story?id=7#top"),
        (scene.admin, "http://fans.example:80/story?id=7&utm_source=x"),
        (scene.admin, "HTTP://Fans.Example.:80/story?id=7"),
    ]
    for who, url in variants:
        reply = await tip(standin, who, scene.home_general, url)
        assert reply.ephemeral and reply.content.startswith(KNOWN), (url, reply.content)
    [queued] = await tips(bot)
    assert queued.url == "https://fans.example/story?id=7" and queued.tipper_name == "fan"
    # Another port, or another path, is another link.
    other = await tip(standin, scene.editor, scene.home_general, "https://fans.example:8443/story?id=7")
    assert other.content.startswith(THANKS), other.content


async def test_a_link_in_the_timeline_over_http_is_known_to_a_tip_over_https(standin, scene, bot):
    await write(bot, news_fact("Filming wraps"), kind="news", key="filming-wraps")
    # news_fact's url is https://a.com/: the timeline has it; a fan pastes it another way.
    reply = await tip(standin, scene.fan, scene.home_general, "http://A.com.:80/")
    assert reply.ephemeral and reply.content.startswith(KNOWN), reply.content
    assert await tips(bot) == []


async def test_five_tips_at_once_from_one_fan_queue_three_and_refuse_two(standin, scene, bot):
    replies = await asyncio.gather(*(
        tip(standin, scene.fan, scene.home_general, f"https://fans.example/at-once/{n}") for n in range(5)))
    assert all(r.ephemeral for r in replies)
    thanked = [r for r in replies if r.content.startswith(THANKS)]
    limited = [r for r in replies if "You can send 3 tips an hour; try again later." in r.content]
    assert (len(thanked), len(limited)) == (3, 2), [r.content for r in replies]
    queued = await tips(bot)
    assert len(queued) == 3 and {q.tipper_id for q in queued} == {scene.fan.user.id}
    # Another fan's tips are their own.
    other = await tip(standin, scene.admin, scene.home_general, "https://fans.example/at-once/other")
    assert other.content.startswith(THANKS), other.content


async def test_an_archived_show_takes_no_tips_and_no_reminders(standin, scene, bot):
    archived = await standin.command(scene.owner, scene.home_general, "shows archive", show=SHOW)
    assert archived.content.startswith("Archived"), archived.content
    refused = await tip(standin, scene.fan, scene.home_general, "https://fans.example/late", show=SHOW)
    assert refused.ephemeral, refused.content
    assert "All of Us Are Dead is archived" in refused.content and "tips" in refused.content, refused.content
    assert await tips(bot) == []
    refused = await standin.command(scene.fan, scene.home_general, "remind me", show=SHOW)
    assert refused.ephemeral, refused.content
    assert "All of Us Are Dead is archived and announces nothing more" in refused.content, refused.content
    assert await bot.store.reminders.of_user(scene.fan.user.id) == []
