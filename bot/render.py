"""Turning catalogue records into Discord embeds that always fit Discord's limits."""

from __future__ import annotations

import discord

from bot.models import Show

BADGES = {
    "confirmed": "✅ confirmed",
    "reported": "📰 reported",
    "rumored": "💬 rumored",
    "speculation": "🔮 speculation",
    "denied": "❌ denied",
}
LEGEND = " · ".join(BADGES.values())
COLOUR = discord.Colour(0x8B1E3F)


def escape(text: str) -> str:
    """User text made inert: no markdown, no links, no mentions."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def about_embed(shows: list[Show], version: str) -> discord.Embed:
    """The /about card."""
    tracked = "\n".join(f"• {escape(s.title)} season {s.season}" for s in shows) or "none yet"
    embed = discord.Embed(
        title="seasonwatch",
        colour=COLOUR,
        description=(
            "What is known about upcoming seasons of the shows this server follows: "
            "production status, release window, cast, episodes and the news behind them. "
            "Most of it is rumour until it isn't, so every fact carries how sure it is and "
            "where it comes from."
        ),
    )
    embed.add_field(name="Confidence", value="\n".join(BADGES.values()), inline=False)
    embed.add_field(
        name="Where facts come from",
        value="Trusted editors post each fact with its source link; /history shows every change.",
        inline=False,
    )
    embed.add_field(name="Tracked", value=tracked[:1024], inline=False)
    embed.set_footer(text=f"seasonwatch {version}")
    return embed
