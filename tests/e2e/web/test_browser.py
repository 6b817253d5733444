"""The season page in a real browser (Debian's Chromium, headless, through Playwright): what a
reader sees, the language switch, no console errors, and an editor's `<script>` headline and a
`javascript:` source shown as text, never run or linked. A screenshot is kept as an artefact."""

from __future__ import annotations

import pytest

from bot.core.models import Editor, Fact
from tests.support.web import SHOW, artefact, web_address

pytestmark = pytest.mark.sqlite_only

ATTACK = "Season 2 <script>window.sw_pwned = 1; console.error('ran')</script> news"
EVIL_SOURCE = "javascript:window.sw_pwned=2"


def read_season_page(chromium, url: str, shot: str) -> dict:
    """Open the page as a reader would, read what it shows, follow the language switch."""
    context = chromium.new_context(locale="en-GB", viewport={"width": 420, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    try:
        answer = page.goto(url)
        park = page.locator("ul.cast li", has_text="Park Ji-hu")
        seen = {
            "status": answer.status if answer else None,
            "title": page.title(),
            "lang": page.get_attribute("html", "lang"),
            "now": page.locator(".now").inner_text(),
            "current": page.locator("ol.timeline li[aria-current=step]").inner_text(),
            "release": page.locator("p.release").inner_text(),
            "park": park.inner_text(),
            "park_source": park.locator("a.source").get_attribute("href"),
            "headline": page.locator("ol.news li", has_text="Season 2").first.inner_text(),
            "scripts": page.locator("script").count(),
            "evil_links": page.locator("a[href^='javascript:' i]").count(),
            "evil": page.locator("ul.cast li", has_text="Evil Source").inner_text(),
            "pwned": page.evaluate("() => window.sw_pwned === undefined ? null : window.sw_pwned"),
            "og": page.get_attribute("meta[property='og:description']", "content"),
        }
        page.screenshot(path=shot, full_page=True)
        page.get_by_role("link", name="한국어").click()
        page.wait_for_load_state()
        seen |= {
            "ko_url": page.url,
            "ko_lang": page.get_attribute("html", "lang"),
            "ko_title": page.locator("h1").inner_text(),
            "ko_now": page.locator(".now").inner_text(),
            "ko_park": page.locator("ul.cast li", has_text="Park Ji-hu").inner_text(),
            "ko_pwned": page.evaluate("() => window.sw_pwned === undefined ? null : window.sw_pwned"),
        }
        seen["problems"] = problems
        return seen
    finally:
        context.close()


async def test_a_reader_sees_the_season_in_a_browser_and_user_text_never_runs(standin, scene, bot, browser):
    base = await web_address(bot)
    preview = await standin.command(scene.editor, scene.home_general, "edit news", headline=ATTACK,
                                    url="https://www.example.com/s2", confidence="reported")
    published = await standin.click(scene.editor, preview, "Publish")
    assert "Published as change" in published.content
    refused = await standin.command(scene.editor, scene.home_general, "edit cast", person="Evil Source",
                                    confidence="rumored", source_url=EVIL_SOURCE)
    assert refused.ephemeral and "Preview" not in refused.text  # /edit takes http(s) only...
    # ...but a row an older version or a hand-edited import left must still never become a link.
    show = bot.store.view.show_by_slug(SHOW)
    fact = Fact({"person": "Evil Source", "character": "<img src=x onerror=alert(1)>", "billing": "cameo",
                 "state": "new", "note": None}, "rumored", "Shady <b>site</b>", EVIL_SOURCE, "2024-02-01")
    await bot.store.catalogue.write(show.id, "cast", "evil source", fact, expected_version=0,
                                    editor=Editor(1, "import"))

    shot = artefact("season-page.png")
    seen = await browser.run(lambda chromium: read_season_page(chromium, f"{base}/s/{SHOW}", str(shot)))
    print(f"screenshot: {shot}")

    assert seen["problems"] == []
    assert seen["status"] == 200 and seen["lang"] == "en"
    assert seen["title"] == "All of Us Are Dead season 2"
    assert seen["now"] == "Now: Pre-production"
    assert seen["current"].startswith("Pre-production current stage September 2023\n📰 reported · OSEN")
    assert seen["release"] == ("second half of 2024 – first half of 2025 🔮 speculation · FanSided · "
                               "as of 31 January 2024")
    assert seen["park"] == ("Park Ji-hu as Nam On-jo main returning 📰 reported · "
                            "BH Entertainment (Instagram) · as of 17 January 2024")
    assert seen["park_source"] == "https://www.instagram.com/"
    assert "<script>window.sw_pwned = 1; console.error('ran')</script>" in seen["headline"]
    assert seen["scripts"] == 0 and seen["pwned"] is None and seen["ko_pwned"] is None
    assert seen["evil_links"] == 0
    assert seen["evil"] == ("Evil Source as <img src=x onerror=alert(1)> cameo new 💬 rumored · "
                            "Shady <b>site</b> · as of 1 February 2024")
    assert seen["og"] == "Now: Pre-production · Release: second half of 2024 – first half of 2025"

    assert seen["ko_url"] == f"{base}/s/{SHOW}?lang=ko" and seen["ko_lang"] == "ko"
    assert seen["ko_title"] == "지금 우리 학교는 시즌 2"
    assert seen["ko_now"].startswith("현재: ")
    assert "박지후 (Park Ji-hu)" in seen["ko_park"] and "📰 보도" in seen["ko_park"]
    assert shot.stat().st_size > 10_000
