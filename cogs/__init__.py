"""Command groups, each a cog loaded by the bot's setup_hook."""
