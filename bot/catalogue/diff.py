"""One change to an entry as a structured difference, read by every renderer of "old → new".

`/history`, the `/undo` list, conflict messages, previews and announcements all word a change
from the same `Diff`, so they can never disagree about what changed or how a value reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bot.core.messages import N_
from bot.core.models import KIND_FIELDS, Basis, Change, Fact, Show
from bot.i18n import DEFAULT, t, term
from bot.i18n.dates import window_text

VALUE_CHARS = 200  # one value in a change line
STAGE_LABELS = {
    "announced": N_("Announced"),
    "in_development": N_("In development"),
    "pre_production": N_("Pre-production"),
    "filming": N_("Filming"),
    "post_production": N_("Post-production"),
    "release_date_set": N_("Release date set"),
    "released": N_("Released"),
    "cancelled": N_("Cancelled"),
}
# The field an entry is about, read with its confidence and source (episodes: see `_SOURCED`).
_MAIN_FIELD = {"status": "when", "release": "when", "cast": "character", "news": "published"}
_UNKNOWN = {"status": N_("date unknown"), "release": N_("date unknown"), "cast": N_("in the cast"),
            "news": N_("undated")}
# Fields that name the entry rather than describe it.
_NAMING_FIELD = {"status": "stage", "cast": "person", "news": "headline"}
# Episodes values each carry their own basis; the count's row is the entry's own.
_SOURCED = {"count": N_("Episodes"), "runtime": N_("Runtime"), "rating": N_("Rating")}
_NOTE = N_("{row} note")
# Other fields' rows, by field name.
_FIELD_LABELS = {"native_name": N_("Native name"), "note": N_("Note"), "billing": N_("Billing"),
                 "state": N_("State"),
                 "count": N_("Count"), "runtime": N_("Runtime"), "rating": N_("Rating"),
                 "when": N_("When"), "published": N_("Published"), "character": N_("Character")}
_STATES = {"new": N_("New: {line}"), "removed": N_("Removed: {line}")}


@dataclass(frozen=True)
class Side:
    """One side of a row: the value as read and, on sourced rows, its confidence and source."""

    value: str
    confidence: str | None = None
    source: str | None = None  # the source's name
    url: str | None = None  # compared, so a new link under the same name still shows

    lang: str = DEFAULT

    def text(self) -> str:
        """`March 2025 (confirmed · netflix.com)`, or just the value on an unsourced row."""
        if self.confidence is None:
            return self.value
        return f"{self.value} ({term(self.lang, self.confidence)} · {self.source})"


@dataclass(frozen=True)
class Row:
    """One line of a change: a label and what it said before and after (None: not there)."""

    label: str
    old: Side | None
    new: Side | None

    def text(self) -> str:
        """`Runtime: 50 minutes (speculation · FanSided) → 45 minutes (confirmed · Netflix)`."""
        if self.new is None:
            return f"{self.label}: {self.old.text() if self.old else '—'}"
        if self.old is None:
            return f"{self.label}: {self.new.text()}"
        return f"{self.label}: {self.old.text()} → {self.new.text()}"


@dataclass(frozen=True)
class Diff:
    """What one change did to one entry: new, changed or removed, and each row that moved."""

    kind: str
    name: str
    state: str  # new, changed, removed
    rows: tuple[Row, ...]
    correction_of: int | None = None
    lang: str = DEFAULT

    def lines(self) -> list[str]:
        """The rows as plain text, the first marked `New:` or `Removed:`; never empty."""
        lines = [row.text() for row in self.rows] or [t(self.lang, "Re-checked: nothing visible changed.")]
        if self.state in _STATES:
            lines[0] = t(self.lang, _STATES[self.state], line=lines[0])
        return lines

    def line(self) -> str:
        """The whole change on one plain line, for /history, the /undo list and messages."""
        return "; ".join(self.lines())


def stage_label(stage: str, show: Show | None, lang: str = DEFAULT) -> str:
    """How a production stage reads; a later season's announcement is its renewal."""
    if stage == "announced" and show is not None and show.season > 1:
        return t(lang, "Renewed")
    return t(lang, STAGE_LABELS[stage]) if stage in STAGE_LABELS else stage


_KIND_LABELS = {"release": N_("Release"), "episodes": N_("Episodes")}


def entry_label(kind: str, fields: Mapping[str, Any], show: Show | None = None, lang: str = DEFAULT) -> str:
    """How an entry is named: `Cast: Park Ji-hu`, `Status: Filming`, `Release`."""
    if kind == "cast":
        return t(lang, "Cast: {name}", name=person_name(fields, lang))
    if kind == "news":
        return t(lang, "News: {headline}", headline=_clip(str(fields.get("headline"))))
    if kind == "status":
        return t(lang, "Status: {stage}", stage=stage_label(str(fields.get("stage")), show, lang))
    return t(lang, _KIND_LABELS[kind]) if kind in _KIND_LABELS else kind.capitalize()


def person_name(fields: Mapping[str, Any], lang: str = DEFAULT) -> str:
    """A person as a reader of `lang` knows them: in Korean the Hangul name first, the
    romanised one beside it (`박지후 (Park Ji-hu)`); elsewhere the romanised name."""
    native = fields.get("native_name")
    if lang == "ko" and native:
        return f"{native} ({fields.get('person')})"
    return str(fields.get("person"))


def source_name(basis: Basis | Fact) -> str:
    """A source's name, else its link's host name."""
    return basis.source_name or urlsplit(basis.source_url).hostname or "source"


def _clip(text: str) -> str:
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def value_text(name: str, value: Any, lang: str = DEFAULT) -> str:
    """A field's value as read: dates in words, runtime in minutes, the character `as …`."""
    if value is None or value == "":
        return "—"
    if name in ("when", "published"):
        return window_text(str(value), lang)
    if name == "runtime":
        return t(lang, "{count} minutes", count=value)
    if name == "character":
        return t(lang, "as {character}", character=value)
    if name in ("billing", "state"):
        return term(lang, str(value))
    return _clip(str(value))


def main_text(kind: str, fields: Mapping[str, Any], lang: str = DEFAULT) -> str:
    """The value an entry is about as read, or what stands in for it when unknown: a news item
    without a published day is `undated` wherever it is shown, never dated by its as-of day."""
    main = _MAIN_FIELD.get(kind, "")
    value = fields.get(main)
    return value_text(main, value, lang) if value not in (None, "") else t(lang, _UNKNOWN.get(kind, "—"))


def _sourced(value: str, basis: Basis | Fact, lang: str) -> Side:
    return Side(value, basis.confidence, source_name(basis), basis.source_url, lang)


def _sides(kind: str, fact: Fact, label: str, lang: str) -> dict[str, Side]:
    """Every row an entry's fact has, by label, in display order (unknown values left out)."""
    sides: dict[str, Side] = {}
    if kind == "episodes":
        for name, row in _SOURCED.items():
            if fact.fields.get(name) is not None:
                basis = fact.basis(name)
                sides[t(lang, row)] = _sourced(value_text(name, fact.fields[name], lang), basis, lang)
                if basis.note:
                    sides[t(lang, _NOTE, row=row)] = Side(_clip(basis.note), lang=lang)
        return sides
    main = _MAIN_FIELD.get(kind, "")
    sides[label] = _sourced(main_text(kind, fact.fields, lang), fact, lang)
    for name in KIND_FIELDS.get(kind, ()):
        if name not in (main, _NAMING_FIELD.get(kind), "url") and fact.fields.get(name) not in (None, ""):
            row_label = t(lang, _FIELD_LABELS[name]) if name in _FIELD_LABELS else name.capitalize()
            sides[row_label] = Side(value_text(name, fact.fields[name], lang), lang=lang)
    return sides


def diff(kind: str, before: Fact | None, after: Fact | None, show: Show | None = None,
         correction_of: int | None = None, lang: str = DEFAULT) -> Diff:
    """The difference between two versions of an entry (None: it did not exist), worded in `lang`."""
    fact = after or before
    assert fact is not None, "a change has a before or an after"
    name = entry_label(kind, fact.fields, show, lang)
    old = _sides(kind, before, name, lang) if before else {}
    new = _sides(kind, after, name, lang) if after else {}
    if after is None:
        first = next(iter(old), name)
        return Diff(kind, name, "removed", (Row(first, old.get(first), None),), correction_of, lang)
    if before is None:
        return Diff(kind, name, "new", tuple(Row(label, None, side) for label, side in new.items()),
                    correction_of, lang)
    gone = Side("—", lang=lang)  # a row one side lacks reads `—` there
    labels = [*new, *(label for label in old if label not in new)]
    rows = tuple(Row(label, old.get(label, gone), new.get(label, gone)) for label in labels
                 if old.get(label) != new.get(label))
    return Diff(kind, name, "changed", rows, correction_of, lang)


def change_diff(change: Change, show: Show | None = None, lang: str = DEFAULT) -> Diff:
    """The difference a stored (or previewed) change makes."""
    return diff(change.kind, change.before, change.after, show, change.correction_of, lang)


def fact_text(kind: str, fact: Fact, show: Show | None = None, lang: str = DEFAULT) -> str:
    """What an entry says now, on one plain line: `Release: March 2025 (confirmed · Netflix)`."""
    return "; ".join(row.text() for row in diff(kind, None, fact, show, lang=lang).rows)
