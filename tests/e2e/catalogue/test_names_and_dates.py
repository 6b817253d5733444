"""A person by either of their names, and no date a source did not give (issue #23, items 1, 2, 4).

Through the stand-in as an editor and a fan: /edit cast, /cast, /news, /history and /status.
"""

from bot.i18n.dates import date_text
from tests.e2e.catalogue.test_editors import publish

SHOW = "all-of-us-are-dead"
SOURCE = "https://www.example.com/report"


def cast(bot):
    return bot.store.view.entries(bot.store.view.show_by_slug(SHOW).id, "cast")


# -- item 1: a Hangul name edits the person it names ---------------------------------------------

async def test_edit_cast_by_a_hangul_name_updates_that_person(standin, scene, bot):
    before = len(cast(bot))
    preview = await standin.command(scene.editor, scene.home_general, "edit cast", person="노윤서",
                                    confidence="reported", source_url=SOURCE)
    description = preview.embeds[0]["description"]
    assert "New:" not in description and "Cast: Roh Yoon-seo" in description, description
    await standin.click(scene.editor, preview, "Publish")

    assert len(cast(bot)) == before
    roh = next(e for e in cast(bot) if e.key == "roh yoon-seo")
    assert roh.fact.confidence == "reported"
    assert roh.fact.fields["person"] == "Roh Yoon-seo"  # the listed name stays
    assert roh.fact.fields["native_name"] == "노윤서"
    card = await standin.command(scene.fan, scene.home_general, "cast", person="노윤서")
    fields = {f["name"]: f["value"] for f in card.embeds[0]["fields"]}
    assert fields["Confidence and source"].startswith("📰 reported · [www.example.com]"), fields


# -- item 2: a news item the source gave no day for is undated everywhere ------------------------

TEEN_VOGUE = "Park Ji-hu tells Teen Vogue that season 2 has not started filming"


async def test_news_and_history_both_call_an_item_without_a_day_undated(standin, scene, bot):
    news = await standin.command(scene.fan, scene.home_general, "news")
    [line] = [x for x in news.embeds[0]["description"].splitlines() if TEEN_VOGUE in x]
    assert line.startswith(f"undated · [{TEEN_VOGUE}]"), line
    assert "2023" not in line  # its as-of day (31 March 2023) files it, nothing more
    dated = [x for x in news.embeds[0]["description"].splitlines() if "BH Entertainment" in x]
    assert dated[0].startswith("17 January 2024 · ")

    choices = await standin.autocomplete(scene.fan, scene.home_general, "history", "entry", "Teen Vogue")
    history = await standin.command(scene.fan, scene.home_general, "history", entry=choices[0]["value"])
    assert f"News: {TEEN_VOGUE}: undated (reported · Teen Vogue)" in history.embeds[0]["description"]


async def test_a_korean_reader_sees_an_undated_item_as_undated_too(standin, scene, bot):
    scene.fan.user.locale = "ko"
    news = await standin.command(scene.fan, scene.home_general, "news")
    [line] = [x for x in news.embeds[0]["description"].splitlines() if TEEN_VOGUE in x]
    assert line.startswith("날짜 없음 · "), line


# -- item 4: /status dates the latest fact, not the moment the bundled data was loaded ----------

async def test_status_on_a_fresh_database_gives_the_latest_facts_own_date(standin, scene, bot):
    status = await standin.command(scene.fan, scene.home_general, "status")
    description = status.embeds[0]["description"]
    assert "Last change 31 January 2024" in description and "<t:" not in description, description
    scene.fan.user.locale = "ko"
    korean = await standin.command(scene.fan, scene.home_general, "status")
    assert "마지막 변경 2024년 1월 31일" in korean.embeds[0]["description"]


async def test_status_after_a_published_edit_gives_that_facts_date(standin, scene, bot):
    await publish(standin, scene.editor, scene.home_general, "edit release", when="2025-Q3",
                  confidence="reported", source_url=SOURCE)
    release = bot.store.view.entry(bot.store.view.show_by_slug(SHOW).id, "release", "release")
    status = await standin.command(scene.fan, scene.home_general, "status")
    day = date_text(release.fact.as_of)
    assert f"Last change {day}" in status.embeds[0]["description"]
