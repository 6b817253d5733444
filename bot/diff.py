"""One change to an entry as a structured difference, read by every renderer of "old → new".

`/history`, the `/undo` list, conflict messages, previews and announcements all word a change
from the same `Diff`, so they can never disagree about what changed or how a value reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bot.facts import render_window
from bot.models import KIND_FIELDS, Basis, Change, Fact, Show

VALUE_CHARS = 200  # one value in a change line
STAGE_LABELS = {
    "announced": "Announced",
    "in_development": "In development",
    "pre_production": "Pre-production",
    "filming": "Filming",
    "post_production": "Post-production",
    "release_date_set": "Release date set",
    "released": "Released",
    "cancelled": "Cancelled",
}
# The field an entry is about, read with its confidence and source (episodes: see `_SOURCED`).
_MAIN_FIELD = {"status": "when", "release": "when", "cast": "character", "news": "published"}
_UNKNOWN = {"status": "date unknown", "release": "date unknown", "cast": "in the cast",
            "news": "undated"}
# Fields that name the entry rather than describe it.
_NAMING_FIELD = {"status": "stage", "cast": "person", "news": "headline"}
# Episodes values each carry their own basis; the count's row is the entry's own.
_SOURCED = {"count": "Episodes", "runtime": "Runtime", "rating": "Rating"}


@dataclass(frozen=True)
class Side:
    """One side of a row: the value as read and, on sourced rows, its confidence and source."""

    value: str
    confidence: str | None = None
    source: str | None = None  # the source's name
    url: str | None = None  # compared, so a new link under the same name still shows

    def text(self) -> str:
        """`March 2025 (confirmed · netflix.com)`, or just the value on an unsourced row."""
        if self.confidence is None:
            return self.value
        return f"{self.value} ({self.confidence} · {self.source})"


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

    def lines(self) -> list[str]:
        """The rows as plain text, the first marked `New:` or `Removed:`; never empty."""
        lines = [row.text() for row in self.rows] or ["Re-checked: nothing visible changed."]
        if self.state != "changed":
            lines[0] = f"{self.state.capitalize()}: {lines[0]}"
        return lines

    def line(self) -> str:
        """The whole change on one plain line, for /history, the /undo list and messages."""
        return "; ".join(self.lines())


def stage_label(stage: str, show: Show | None) -> str:
    """How a production stage reads; a later season's announcement is its renewal."""
    if stage == "announced" and show is not None and show.season > 1:
        return "Renewed"
    return STAGE_LABELS.get(stage, stage)


def entry_label(kind: str, fields: Mapping[str, Any], show: Show | None = None) -> str:
    """How an entry is named: `Cast: Park Ji-hu`, `Status: Filming`, `Release`."""
    if kind == "cast":
        return f"Cast: {fields.get('person')}"
    if kind == "news":
        return f"News: {_clip(str(fields.get('headline')))}"
    if kind == "status":
        return f"Status: {stage_label(str(fields.get('stage')), show)}"
    return kind.capitalize()


def source_name(basis: Basis | Fact) -> str:
    """A source's name, else its link's host name."""
    return basis.source_name or urlsplit(basis.source_url).hostname or "source"


def _clip(text: str) -> str:
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def value_text(name: str, value: Any) -> str:
    """A field's value as read: dates in words, runtime in minutes, the character `as …`."""
    if value is None or value == "":
        return "—"
    if name in ("when", "published"):
        return render_window(str(value))
    if name == "runtime":
        return f"{value} minutes"
    if name == "character":
        return f"as {value}"
    return _clip(str(value))


def _sourced(value: str, basis: Basis | Fact) -> Side:
    return Side(value, basis.confidence, source_name(basis), basis.source_url)


def _sides(kind: str, fact: Fact, label: str) -> dict[str, Side]:
    """Every row an entry's fact has, by label, in display order (unknown values left out)."""
    sides: dict[str, Side] = {}
    if kind == "episodes":
        for name, row in _SOURCED.items():
            if fact.fields.get(name) is not None:
                basis = fact.basis(name)
                sides[row] = _sourced(value_text(name, fact.fields[name]), basis)
                if basis.note:
                    sides[f"{row} note"] = Side(_clip(basis.note))
        return sides
    main = _MAIN_FIELD.get(kind, "")
    value = fact.fields.get(main)
    shown = value_text(main, value) if value not in (None, "") else _UNKNOWN.get(kind, "—")
    sides[label] = _sourced(shown, fact)
    for name in KIND_FIELDS.get(kind, ()):
        if name not in (main, _NAMING_FIELD.get(kind), "url") and fact.fields.get(name) not in (None, ""):
            sides[name.capitalize()] = Side(value_text(name, fact.fields[name]))
    return sides


def diff(kind: str, before: Fact | None, after: Fact | None, show: Show | None = None,
         correction_of: int | None = None) -> Diff:
    """The difference between two versions of an entry (None: it did not exist)."""
    fact = after or before
    assert fact is not None, "a change has a before or an after"
    name = entry_label(kind, fact.fields, show)
    old = _sides(kind, before, name) if before else {}
    new = _sides(kind, after, name) if after else {}
    if after is None:
        first = next(iter(old), name)
        return Diff(kind, name, "removed", (Row(first, old.get(first), None),), correction_of)
    if before is None:
        return Diff(kind, name, "new", tuple(Row(label, None, side) for label, side in new.items()),
                    correction_of)
    gone = Side("—")  # a row one side lacks reads `—` there
    labels = [*new, *(label for label in old if label not in new)]
    rows = tuple(Row(label, old.get(label, gone), new.get(label, gone)) for label in labels
                 if old.get(label) != new.get(label))
    return Diff(kind, name, "changed", rows, correction_of)


def change_diff(change: Change, show: Show | None = None) -> Diff:
    """The difference a stored (or previewed) change makes."""
    return diff(change.kind, change.before, change.after, show, change.correction_of)


def fact_text(kind: str, fact: Fact, show: Show | None = None) -> str:
    """What an entry says now, on one plain line: `Release: March 2025 (confirmed · Netflix)`."""
    return "; ".join(row.text() for row in diff(kind, None, fact, show).rows)
