"""A tip's review post as an editor reads it: headed by its link, the fan's note as the note only
(issue #23, item 3)."""

import pytest

from tests.e2e.news import test_news
from tests.e2e.news.test_news import settled

# The news tests' review channel and the settings that post there, as fixtures here too.
review, bot_env = test_news.review, test_news.bot_env

pytestmark = pytest.mark.sqlite_only  # the store's own tests cover PostgreSQL

NOTE = "Netflix says filming starts in May"


async def test_a_tips_review_post_is_headed_by_its_link_and_keeps_the_note_as_the_note(
        standin, scene, bot, review):
    url = "https://Fans.Example./2025/story/?utm_source=x"
    tip = await standin.command(scene.fan, scene.home_general, "tip", url=url, note=NOTE)
    assert tip.ephemeral and tip.content.startswith("Thanks!"), tip.content
    [post] = await settled(standin, review, 1)
    embed = post.embeds[0]
    assert embed["description"] == f"**[fans.example/2025/story](<{url}>)**", embed["description"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Note"] == NOTE and fields["From"] == "tip from fan", fields

    modal = await standin.click(scene.editor, post, "Add as news")
    rows = modal.modal["components"]
    defaults = {i["custom_id"]: i.get("value") for row in rows for i in row["components"]}
    assert defaults["headline"] == "fans.example/2025/story" and defaults["note"] == NOTE, defaults
    [item], _ = await bot.store.news.pending_items(None)
    assert (item.headline, item.summary, item.note) == ("fans.example/2025/story", "", NOTE)
