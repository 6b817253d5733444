"""What the pages themselves say (headings, labels, the language switch), each a catalogue
message so the Korean page reads as the Korean replies do. The facts are worded by the bot's
own renderers (bot/catalogue/render.py, diff.py), never here."""

from __future__ import annotations

from bot.core.messages import N_, Msg
from bot.i18n import t

LABELS: dict[str, Msg] = {
    "shows": N_("Tracked shows"),
    "no_shows": N_("No shows are tracked yet."),
    "archived": N_("archived"),
    "archived_note": N_("This show is archived: it is no longer followed, and what was known is kept here."),
    "original_title": N_("Original title"),
    "network": N_("Network"),
    "production": N_("Production"),
    "release": N_("Release"),
    "cast": N_("Cast"),
    "episodes": N_("Episodes"),
    "news": N_("News"),
    "changes": N_("Latest changes"),
    "no_changes": N_("No changes yet."),
    "no_cast": N_("No cast known yet."),
    "no_news": N_("No news yet."),
    "no_release": N_("No date or window known yet."),
    "no_episodes": N_("Nothing is known about the episodes yet."),
    "current": N_("current stage"),
    # Said to screen readers, where the timeline's dots cannot be seen.
    "reached": N_("stage reached"),
    "rumored": N_("stage rumored, not confirmed"),
    "ahead": N_("stage not reached yet"),
    "feed": N_("Atom feed of the changes"),
    "home": N_("All shows"),
    "nav": N_("Site navigation"),
    "legend": N_("Every fact shows how sure it is, where it comes from and when it was last checked."),
    "credit": N_("Served by seasonwatch, the bot behind these facts."),
}
# The switch names the other language in that language, whatever the page is in.
SWITCH = {"en": ("ko", "한국어"), "ko": ("en", "English")}
ERRORS: dict[int, Msg] = {
    400: N_("That request could not be read."),
    404: N_("There is no page here. The show may have a different address: see all shows."),
    405: N_("Only reading is possible here (GET and HEAD)."),
    414: N_("That address is too long."),
    500: N_("Something went wrong on our side; try again in a moment."),
}
ERROR_TITLES: dict[int, Msg] = {
    400: N_("Bad request"), 404: N_("Page not found"), 405: N_("Method not allowed"),
    414: N_("Address too long"), 500: N_("Server error"),
}


def labels(lang: str) -> dict[str, str]:
    """Every label in `lang`."""
    return {name: t(lang, message) for name, message in LABELS.items()}
