"""What editors do: /edit with a preview before anything is written, and /undo."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot.alerts.announcements import render_announcement
from bot.app import SeasonwatchBot
from bot.catalogue.diff import change_diff, fact_text
from bot.catalogue.drafts import EXPIRED, DraftButton
from bot.catalogue.previews import Previews, carried, today
from bot.catalogue.render import escape
from bot.catalogue.search import fold, resolve_person
from bot.core.errors import ConflictError, InvalidInput
from bot.core.facts import (
    cast_key,
    check_name,
    check_text,
    parse_id,
    quote,
    same_name,
)
from bot.core.messages import N_
from bot.core.models import (
    BILLINGS,
    CAST_STATES,
    CONFIDENCES,
    RATINGS,
    STAGES,
    Basis,
    Fact,
    Show,
)
from bot.i18n import DEFAULT, lang_of, t
from bot.i18n.texts import UNDO_REASON
from bot.interactions.access import EDITORS
from bot.store import Store
from cogs.base import CatalogueCog

log = logging.getLogger(__name__)

def _choices(values: tuple[str, ...], *, verbatim: bool = False) -> list[app_commands.Choice[str]]:
    """Choices named by their values; `verbatim` ones (age-rating codes) read alike in every
    language, so the Translator leaves them be."""
    return [app_commands.Choice(name=app_commands.locale_str(v, verbatim=verbatim), value=v) for v in values]


def _episodes_fact(old: Fact | None, given: dict[str, Any], basis: Basis) -> Fact:
    """The episodes fact after an edit: the given values take the edit's basis, the rest keep theirs."""
    fields = {**(old.fields if old else {}), **given}
    bases = dict(old.bases) if old else {}
    for name in given:
        before = old.basis(name) if old and old.fields.get(name) is not None else None
        source_name, note = carried(before, basis.source_url, basis.source_name, basis.note)
        bases[name] = Basis(basis.confidence, source_name, basis.source_url, basis.as_of, note)
    first = bases[next(iter(given))]
    return Fact(fields, first.confidence, first.source_name, first.source_url, first.as_of, bases)


class Editors(CatalogueCog):
    """/edit and /undo: only editors get past the cog's check."""

    rule = EDITORS
    # Discord cannot run /edit by itself, so its description names the subcommands (so does /about).
    edit = app_commands.Group(name="edit", description="Post or correct what is known (editors): status, "
                                                 "release, cast, cast-remove, episodes, news")

    def __init__(self, store: Store, previews: Previews) -> None:
        super().__init__(store)
        self.previews = previews  # shared with the news queue's Add as news

    # -- publish --

    async def settle(self, interaction: discord.Interaction[Any], token: str, action: str,
                     lang: str = DEFAULT) -> tuple[str, discord.Embed | None]:
        """Publish or cancel a draft; returns what the preview message becomes, in `lang`."""
        # The button's editors-only check ran before this, so a refusal never takes the draft.
        draft = self.previews.drafts.take(token)
        if draft is None:
            return t(lang, EXPIRED), None
        if action == "cancel":
            return t(lang, "Cancelled. Nothing was written."), None
        show = self.store.view.show(draft.show_id)
        assert show is not None
        silent = action == "silent"
        try:
            if draft.news_item is not None and draft.fact is not None:
                change, _ = await self.store.news.publish_item(
                    draft.news_item, draft.key, draft.fact, expected_version=draft.expected_version,
                    editor=draft.editor, silent=silent, kind=draft.kind)
            elif draft.undo_of is not None:
                change = await self.store.catalogue.undo(draft.undo_of,
                                                         expected_version=draft.expected_version,
                                               editor=draft.editor, reason=draft.reason, silent=silent)
            else:
                change = await self.store.catalogue.write(show.id, draft.kind, draft.key, draft.fact,
                                                expected_version=draft.expected_version,
                                                editor=draft.editor, reason=draft.reason, silent=silent)
        except ConflictError as exc:
            return self._conflict(exc, show, lang), None
        done = (N_("Published as change **#{id}** silently (no announcements).") if silent
                else N_("Published as change **#{id}** and announced to subscribed channels."))
        return t(lang, done, id=change.id), render_announcement(show, change, lang=lang)

    @staticmethod
    def _conflict(exc: ConflictError, show: Show, lang: str) -> str:
        """What an editor whose preview went stale is told, with what the entry says now."""
        newer = exc.current
        if newer is None:
            return t(lang, "**Not published: conflict.** Someone changed this entry after your preview. "
                           "Run the command again to edit the newer value.")
        return t(lang, "**Not published: conflict.** Someone changed this entry after your preview. "
                       "It now says: {now}. Run the command again to edit the newer value.",
                 now=escape(fact_text(newer.kind, newer.fact, show, lang)))

    # -- /edit --

    async def _start(self, interaction: discord.Interaction[Any], show: str | None) -> Show:
        return self.show_for(show)  # the cog's check already let only editors in

    @edit.command(name="status", description="Set what is known about one production stage")
    @app_commands.describe(stage="The production stage", confidence="How sure this is",
                           source_url="Where it comes from (http/https)",
                           when="The stage's date or window, as for /edit release (left out: unchanged)",
                           source_name="The outlet's name",
                           note="Anything to add (up to 1,000 characters)", show="Which show")
    @app_commands.choices(stage=_choices(STAGES), confidence=_choices(CONFIDENCES))
    @app_commands.autocomplete(show=CatalogueCog.show_autocomplete)
    async def edit_status(self, interaction: discord.Interaction[SeasonwatchBot], stage: str,
                          confidence: str, source_url: str, when: str | None = None,
                          source_name: str | None = None, note: str | None = None,
                          show: str | None = None) -> None:
        chosen = await self._start(interaction, show)
        if when is None:
            current = self.store.view.entry(chosen.id, "status", stage)
            when = current.fact.fields.get("when") if current else None
        fields = {"stage": stage, "when": when, "note": note}
        fact = self.previews.fact(chosen, "status", stage, fields, confidence, source_url, source_name)
        await self.previews.open(interaction, chosen, "status", stage, fact)

    @edit.command(name="release", description="Set the release date or window")
    @app_commands.describe(when="2025-03-14, 2025-03, 2025-Q1, 2025-H2, 2025, or a range: 2024-H2..2025-H1",
                           confidence="How sure this is", source_url="Where it comes from (http/https)",
                           source_name="The outlet's name", note="Anything to add", show="Which show")
    @app_commands.choices(confidence=_choices(CONFIDENCES))
    @app_commands.autocomplete(show=CatalogueCog.show_autocomplete)
    async def edit_release(self, interaction: discord.Interaction[SeasonwatchBot], when: str,
                           confidence: str, source_url: str, source_name: str | None = None,
                           note: str | None = None, show: str | None = None) -> None:
        chosen = await self._start(interaction, show)
        fields = {"when": when, "note": note}
        fact = self.previews.fact(chosen, "release", "release", fields, confidence, source_url, source_name)
        await self.previews.open(interaction, chosen, "release", "release", fact)

    @edit.command(name="cast", description="Add or update one person in the cast")
    @app_commands.describe(person="Their name (one entry per person, case ignored)",
                           confidence="How sure this is", source_url="Where it comes from (http/https)",
                           character="Who they play", billing="main, supporting or cameo",
                           native_name="Their name in Hangul, e.g. 박지후 (found by search in either script)",
                           state="returning, new or departed", source_name="The outlet's name",
                           note="Anything to add", show="Which show")
    @app_commands.choices(confidence=_choices(CONFIDENCES), billing=_choices(BILLINGS),
                          state=_choices(CAST_STATES))
    @app_commands.autocomplete(show=CatalogueCog.show_autocomplete, person=CatalogueCog.person_autocomplete)
    async def edit_cast(self, interaction: discord.Interaction[SeasonwatchBot], person: str,
                        confidence: str, source_url: str, character: str | None = None,
                        billing: str | None = None, state: str | None = None,
                        source_name: str | None = None, note: str | None = None,
                        show: str | None = None, native_name: str | None = None) -> None:
        chosen = await self._start(interaction, show)
        person = check_name(person, "person")
        # The same person typed another way (accents, case, width, or their Hangul name) edits
        # their entry; a Hangul name keeps the romanised one listed.
        current = self.store.view.person_entry(chosen.id, person)
        key = current.key if current else cast_key(person)
        old: dict[str, Any] = dict(current.fact.fields) if current else {}
        if current and not same_name(str(old["person"]), person):
            person = str(old["person"])
        given = {"native_name": native_name, "character": character, "billing": billing, "state": state}
        fields = {"person": person, **{k: v if v is not None else old.get(k) for k, v in given.items()},
                  "note": note}
        fact = self.previews.fact(chosen, "cast", key, fields, confidence, source_url, source_name)
        await self.previews.open(interaction, chosen, "cast", key, fact)

    @edit.command(name="cast-remove", description="Remove one person from the cast")
    @app_commands.describe(person="Who to remove", reason="Why (shown in /history)", show="Which show")
    @app_commands.autocomplete(show=CatalogueCog.show_autocomplete, person=CatalogueCog.person_autocomplete)
    async def edit_cast_remove(self, interaction: discord.Interaction[SeasonwatchBot], person: str,
                               reason: str, show: str | None = None) -> None:
        chosen = await self._start(interaction, show)
        reason = check_text(reason, "reason", limit=1000)
        # Exactly a listed name (from autocomplete) removes that entry, even one stored before
        # invisible characters were refused; anything else is checked as a name first: search
        # ignores a zero-width space, so `Park Ji\u200b-hu` would find the real Park Ji-hu.
        listed = [e for e in self.store.view.entries(chosen.id, "cast") if e.fact.fields["person"] == person]
        entry = listed[0] if listed else resolve_person(self.cast_names(chosen.id),
                                                        check_name(person, "person"))
        await self.previews.open(interaction, chosen, "cast", entry.key, None, reason=reason)

    @edit.command(name="episodes", description="Set the episode count, runtime and rating")
    @app_commands.describe(confidence="How sure this is", source_url="Where it comes from (http/https)",
                           count="Number of episodes (1-100)", runtime="Minutes per episode (1-300)",
                           rating="Age rating", source_name="The outlet's name", note="Anything to add",
                           show="Which show")
    @app_commands.choices(confidence=_choices(CONFIDENCES), rating=_choices(RATINGS, verbatim=True))
    @app_commands.autocomplete(show=CatalogueCog.show_autocomplete)
    async def edit_episodes(self, interaction: discord.Interaction[SeasonwatchBot], confidence: str,
                            source_url: str, count: int | None = None, runtime: int | None = None,
                            rating: str | None = None, source_name: str | None = None,
                            note: str | None = None, show: str | None = None) -> None:
        chosen = await self._start(interaction, show)
        given = {k: v for k, v in {"count": count, "runtime": runtime, "rating": rating}.items()
                 if v is not None}
        if not given:
            raise InvalidInput("count", "give at least one of `count`, `runtime` or `rating`: the "
                                        "confidence and source apply to the values given.")
        current = self.store.view.entry(chosen.id, "episodes", "episodes")
        fact = _episodes_fact(current.fact if current else None, given,
                              Basis(confidence, source_name, source_url, today(), note))
        await self.previews.open(interaction, chosen, "episodes", "episodes", fact)

    @edit.command(name="news", description="Post a news item to the timeline")
    @app_commands.describe(headline="The headline (up to 200 characters)", url="Link to the article",
                           confidence="How sure the news is", published="YYYY-MM-DD",
                           note="Anything to add", show="Which show")
    @app_commands.choices(confidence=_choices(CONFIDENCES))
    @app_commands.autocomplete(show=CatalogueCog.show_autocomplete)
    async def edit_news(self, interaction: discord.Interaction[SeasonwatchBot], headline: str, url: str,
                        confidence: str, published: str | None = None, note: str | None = None,
                        show: str | None = None) -> None:
        chosen = await self._start(interaction, show)
        await self.previews.news(interaction, chosen, headline, url, confidence, published, note)

    # -- /undo --

    async def change_autocomplete(self, interaction: discord.Interaction[Any],
                                  current: str) -> list[app_commands.Choice[str]]:
        if not await EDITORS.allows(interaction):
            return []
        wanted, lang = fold(current), lang_of(interaction)
        choices = []
        for change in await self.store.catalogue.recent_changes(100):
            show = self.store.view.show(change.show_id)
            if show is None:
                continue
            label = f"#{change.id} {change_diff(change, show, lang).line()} ({change.editor.name})"[:100]
            if wanted in fold(label):
                choices.append(app_commands.Choice(name=label, value=str(change.id)))
        return choices[:25]

    @app_commands.command(name="undo", description="Restore what a change replaced (editors)")
    @app_commands.describe(change="The change number, as #N in /history")
    @app_commands.autocomplete(change=change_autocomplete)
    async def undo(self, interaction: discord.Interaction[SeasonwatchBot], change: str) -> None:
        target = await self.store.catalogue.change(parse_id(change, "change"))
        if target is None:
            raise InvalidInput("change", "there is no change `{text}`; pick one from the list.",
                               text=quote(change))
        show = self.store.view.show(target.show_id)
        assert show is not None
        await self.previews.open(interaction, show, target.kind, target.key, target.before,
                           reason=UNDO_REASON.format(id=target.id), undo_of=target.id)


async def setup(client: SeasonwatchBot) -> None:
    services = client.services
    client.add_dynamic_items(DraftButton)
    await client.add_cog(Editors(services.store, services.previews))
