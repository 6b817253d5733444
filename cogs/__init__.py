"""Command groups, each a cog; the bot loads those listed in `bot.app.EXTENSIONS`."""
