"""Every command exactly as `tree.sync()` would register it, translations included."""

from __future__ import annotations

from typing import Any

from bot.app import EXTENSIONS, SeasonwatchBot
from bot.config import settings_from
from bot.i18n import CatalogueTranslator


async def registered_payload(store: Any) -> list[dict[str, Any]]:
    """The payload the bot's sync sends (get_translated_payload through our Translator)."""
    bot = SeasonwatchBot(settings_from({"DISCORD_TOKEN": "x"}), store, EXTENSIONS)
    for name in EXTENSIONS:
        await bot.load_extension(name)
    await bot.tree.set_translator(CatalogueTranslator())
    translator = bot.tree.translator
    assert translator is not None
    return [await c.get_translated_payload(bot.tree, translator) for c in bot.tree.get_commands()]
