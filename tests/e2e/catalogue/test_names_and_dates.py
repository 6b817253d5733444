"""A person by either of their names, and no date a source did not give (issue #23, items 1, 2, 4).

Through the stand-in as an editor and a fan: /edit cast, /cast, /news, /history and /status.
"""

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
