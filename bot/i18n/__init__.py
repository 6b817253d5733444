"""Languages: the message catalogues, `t()` for replies, and the command tree's Translator.

English is the source language: each message's id is its English text (with `{name}`
placeholders), so English needs no catalogue and code reads as what the user sees. Every other
language is one gettext catalogue, `bot/i18n/locales/<lang>/LC_MESSAGES/seasonwatch.po`, read with
Babel when first needed (no compile step a build could skip). Command, option and choice
names are looked up under a context (`command`, `option`, `choice`) because the same English
word can be a name in one place and a phrase elsewhere; descriptions and replies have none.
A translation may follow a placeholder with a particle pair (`{name}을(를)`): `t()` keeps the
form that fits the value filled in (`bot.i18n.particles`), and quotes a title that ends in a
particle before another is glued to it.
"""

from __future__ import annotations

import functools
import string
from pathlib import Path
from typing import Any

import discord
from babel.messages.pofile import read_po
from discord import app_commands

from bot.core.messages import Msg
from bot.i18n import particles

LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "seasonwatch"
DEFAULT = "en"
# Discord locales (`ko`, `en-US`, `en-GB`) reduced to the languages with a catalogue.
LANGUAGES = ("en", "ko")
# Where each kind of name lives in the catalogue (msgctxt); descriptions have no context.
NAME_CONTEXTS = {
    app_commands.TranslationContextLocation.command_name: "command",
    app_commands.TranslationContextLocation.group_name: "command",
    app_commands.TranslationContextLocation.parameter_name: "option",
    app_commands.TranslationContextLocation.choice_name: "choice",
}


def catalogue_path(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def catalogue(lang: str) -> dict[tuple[str | None, str], str]:
    """(context, English) -> translation for one language; English itself has none."""
    if lang == DEFAULT:
        return {}
    with catalogue_path(lang).open("rb") as f:
        po = read_po(f, locale=lang, domain=DOMAIN)
    return {(m.context, str(m.id)): str(m.string) for m in po if m.id and m.string}


def language(locale: discord.Locale | str | None) -> str:
    """The catalogue language for a Discord locale: `ko` for Korean, English for anything else."""
    code = str(locale.value if isinstance(locale, discord.Locale) else locale or "").lower()
    lang = code.split("-")[0]
    return lang if lang in LANGUAGES else DEFAULT


def lang_of(interaction: discord.Interaction[Any]) -> str:
    """The language to answer this person in: their own client's locale."""
    return language(interaction.locale)


def t(lang: str, message: str, /, **values: Any) -> str:
    """`message` (English) in `lang`, with `{placeholders}` filled from `values`."""
    if lang == DEFAULT:
        return message.format(**values) if values else str(message)
    text = catalogue(lang).get((None, message), message)
    if not values:
        return text
    filled = {k: t(lang, v) if isinstance(v, Msg) else v for k, v in values.items()}
    return _fill(text, filled) if _has_particles(text) else text.format(**filled)


_FORMATTER = string.Formatter()


@functools.cache
def _has_particles(text: str) -> bool:
    return particles.after_placeholder(text)


def _fill(text: str, values: dict[str, Any]) -> str:
    """`text.format(**values)`, with each particle pair after a placeholder chosen by the value
    it follows (`bot.i18n.particles`): only the catalogue's own particles, never the user's text.
    A title that ends in a particle is quoted before another is glued to it."""
    parts = list(_FORMATTER.parse(text))
    out: list[str] = []
    previous: str | None = None
    for index, (literal, field, spec, conversion) in enumerate(parts):
        out.append(particles.after(previous, literal) if previous is not None else literal)
        previous = None
        if field is not None:
            value = _FORMATTER.convert_field(_FORMATTER.get_field(field, (), values)[0], conversion)
            previous = _FORMATTER.format_field(value, spec or "")
            if field in particles.TITLE_FIELDS:
                following = parts[index + 1][0] if index + 1 < len(parts) else ""
                previous = particles.title(previous, following)
            out.append(previous)
    return "".join(out)


def term(lang: str, word: str) -> str:
    """A confidence, stage, billing or state word (`confirmed`) in `lang`: the same word as its
    choice in the command list, so replies and commands agree."""
    return catalogue(lang).get(("choice", word), word) if lang != DEFAULT else word


def placeholders(text: str) -> set[str]:
    """The `{names}` a message fills in: a translation must fill the same ones."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


class CatalogueTranslator(app_commands.Translator):
    """Gives discord.py each command, option and choice name and description in a language,
    so `tree.sync()` registers them as `name_localizations` / `description_localizations`.

    A string made with `locale_str(..., verbatim=True)` (age-rating codes such as `TV-MA`)
    reads the same in every language and is not looked up."""

    async def translate(self, string: app_commands.locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContextTypes) -> str | None:
        lang = language(locale)
        if lang == DEFAULT or string.extras.get("verbatim"):
            return None
        return catalogue(lang).get((NAME_CONTEXTS.get(context.location), string.message))
