"""The catalogue's vocabulary and the frozen records the store hands out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.i18n.notices import Notice

KINDS = ("status", "release", "cast", "episodes", "news")
CONFIDENCES = ("confirmed", "reported", "rumored", "speculation", "denied")
STAGES = (
    "announced",
    "in_development",
    "pre_production",
    "filming",
    "post_production",
    "release_date_set",
    "released",
    "cancelled",
)
BILLINGS = ("main", "supporting", "cameo")
CAST_STATES = ("returning", "new", "departed")
RATINGS = ("TV-Y", "TV-Y7", "TV-G", "TV-PG", "TV-14", "TV-MA", "ALL", "7+", "12+", "15+", "19+")

# Fields each kind of entry carries, in display order.
KIND_FIELDS: Mapping[str, tuple[str, ...]] = {
    "status": ("stage", "when", "note"),
    "release": ("when", "note"),
    # native_name: the name in the person's own script (박지후), optional and kept only when set.
    "cast": ("person", "native_name", "character", "billing", "state", "note"),
    # Each episodes value has its own basis (confidence, source, note): see `Fact.bases`.
    "episodes": ("count", "runtime", "rating"),
    "news": ("headline", "url", "published", "note"),
}
# The field of an entry that answers a question tied to it (`/predict open entry:`).
ANSWER_FIELD: Mapping[str, str] = {"release": "when", "status": "when", "episodes": "count",
                                   "cast": "person", "news": "published"}


@dataclass(frozen=True)
class Editor:
    """Who made a change: a Discord user, or a tool such as the importer (id 0)."""

    id: int
    name: str


@dataclass(frozen=True)
class Show:
    """A tracked show and the season being followed."""

    id: int
    slug: str
    title: str
    original_title: str | None
    network: str | None
    season: int
    aliases: tuple[str, ...]
    archived: bool


@dataclass(frozen=True)
class Basis:
    """Where one value comes from: how sure it is, its source, when it was checked, a note."""

    confidence: str
    source_name: str | None
    source_url: str
    as_of: str
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The basis as plain JSON-ready data."""
        return {"confidence": self.confidence, "source_name": self.source_name,
                "source_url": self.source_url, "as_of": self.as_of, "note": self.note}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Basis:
        """Rebuild a basis from `to_json` output."""
        return cls(data["confidence"], data.get("source_name"), data["source_url"], data["as_of"],
                   data.get("note"))


@dataclass(frozen=True)
class Fact:
    """What an entry says: its fields, how sure we are and where it comes from.

    An episodes fact's values are sourced one by one: `bases` gives each known value its own
    basis, and the fact's own confidence and source are those of the edit that wrote it.
    """

    fields: Mapping[str, Any]
    confidence: str
    source_name: str | None
    source_url: str
    as_of: str
    bases: Mapping[str, Basis] = field(default_factory=dict)

    def basis(self, name: str = "") -> Basis:
        """Where the value of field `name` comes from: its own basis, else (or unnamed) the fact's."""
        own = self.bases.get(name)
        if own is not None:
            return own
        return Basis(self.confidence, self.source_name, self.source_url, self.as_of,
                     self.fields.get("note"))

    def to_json(self) -> dict[str, Any]:
        """The fact as plain JSON-ready data."""
        data = {
            "fields": dict(self.fields),
            "confidence": self.confidence,
            "source_name": self.source_name,
            "source_url": self.source_url,
            "as_of": self.as_of,
        }
        if self.bases:
            data["bases"] = {name: b.to_json() for name, b in self.bases.items()}
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Fact:
        """Rebuild a fact from `to_json` output."""
        return cls(
            fields=dict(data["fields"]),
            confidence=data["confidence"],
            source_name=data.get("source_name"),
            source_url=data["source_url"],
            as_of=data["as_of"],
            bases={name: Basis.from_json(b) for name, b in (data.get("bases") or {}).items()},
        )


def sourced_apart(fact: Fact) -> Fact:
    """An episodes fact whose every known value has its own basis.

    The older shape (one confidence, source and note for all three values, as exports before
    per-value sources have it) gives each value the fact's own.
    """
    fields = dict(fact.fields)
    note = fields.pop("note", None)
    legacy = Basis(fact.confidence, fact.source_name, fact.source_url, fact.as_of, note)
    bases = {name: fact.bases.get(name, legacy) for name in KIND_FIELDS["episodes"]
             if fields.get(name) is not None}
    return Fact(fields, fact.confidence, fact.source_name, fact.source_url, fact.as_of, bases)


@dataclass(frozen=True)
class Entry:
    """One live fact about a show's season, at its current version."""

    id: int
    show_id: int
    kind: str
    key: str
    version: int
    fact: Fact
    updated_at: str


@dataclass(frozen=True)
class Change:
    """One write to an entry: what it was before and after, who, when and why."""

    id: int
    entry_id: int
    show_id: int
    kind: str
    key: str
    version: int
    before: Fact | None
    after: Fact | None
    editor: Editor
    created_at: str
    reason: str | None
    silent: bool
    correction_of: int | None


# -- alerts ------------------------------------------------------------------------------

TOPICS = (*KINDS, "predictions")
# `min_confidence` choices, weakest first; `denied` ranks as `reported`.
MIN_CONFIDENCES = ("speculation", "rumored", "reported", "confirmed")
CONFIDENCE_RANK: Mapping[str, int] = {
    "speculation": 0,
    "rumored": 1,
    "reported": 2,
    "denied": 2,
    "confirmed": 3,
}


@dataclass(frozen=True)
class Subscription:
    """A channel of a server that gets announcements: for which show, topics and confidence."""

    id: int
    guild_id: int
    channel_id: int
    show_id: int | None  # None: every show
    topics: tuple[str, ...]
    min_confidence: str
    role_id: int | None
    publish: bool
    state: str  # "active" or "paused"
    paused_reason: Notice | None  # why it is paused, in the reader's language when shown
    warning: Notice | None
    created_by: int
    created_at: str
    updated_at: str
    language: str = "en"  # what its announcements are written in: en or ko
    events: bool = False  # the show's premiere as a scheduled event in the server

    @property
    def active(self) -> bool:
        """Whether announcements go out to it."""
        return self.state == "active"


@dataclass(frozen=True)
class Delivery:
    """One announcement of one change (or prediction event) to one channel, and how sending went."""

    id: int
    change_id: int | None  # exactly one of change_id and event_id is set
    subscription_id: int
    channel_id: int
    state: str  # pending, sending, delivered, failed, skipped
    batch: int | None
    attempts: int
    next_attempt_at: float
    last_attempt_at: float | None
    message_id: int | None
    last_error: str | None
    created_at: str
    event_id: int | None = None


# -- predictions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Prediction:
    """An open question about a show that fans guess at, and its resolution."""

    id: int
    show_id: int
    question: str
    kind: str  # date, number, choice
    choices: tuple[str, ...]
    closes_at: str | None
    entry_id: int | None  # closes when this entry becomes confirmed
    state: str  # open, closed, resolved
    closed_at: str | None
    answer: str | None
    opened_by: Editor
    resolved_by: int | None
    resolved_at: str | None
    created_at: str

    @property
    def open(self) -> bool:
        """Whether guesses are still taken."""
        return self.state == "open"


@dataclass(frozen=True)
class Guess:
    """One person's answer to one question, where they made it, and its points once resolved."""

    id: int
    prediction_id: int
    user_id: int
    user_name: str
    guild_id: int | None  # None: made in DMs
    answer: str
    guessed_at: str
    points: int | None


@dataclass(frozen=True)
class Standing:
    """One person on a leaderboard: their rank, total points and how many questions counted."""

    rank: int
    user_id: int
    user_name: str
    points: int
    questions: int


@dataclass(frozen=True)
class PredictionEvent:
    """A question opened or (re)resolved: what an announcement under `predictions` shows."""

    id: int
    prediction: Prediction
    kind: str  # opened, resolved
    answer: str | None
    top: tuple[tuple[str, str, int], ...]  # resolved: (name, answer, points), best first
    guesses: int
    correction: bool
    editor: Editor
    created_at: str


# -- fans' own alerts --------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    """One person's wish for a DM whenever one entry (by kind and key) of a show changes."""

    id: int
    user_id: int
    show_id: int
    kind: str
    key: str
    language: str
    state: str  # "active" or "paused"
    paused_reason: str | None
    created_at: str

    @property
    def active(self) -> bool:
        """Whether changes are sent to it."""
        return self.state == "active"


@dataclass(frozen=True)
class DirectMessage:
    """One reminder's DM about one change, and how sending it went (the DM outbox)."""

    id: int
    reminder_id: int
    change_id: int
    user_id: int
    state: str  # pending, sending, delivered, failed, skipped
    attempts: int
    next_attempt_at: float
    last_attempt_at: float | None
    message_id: int | None
    last_error: str | None
    created_at: str


@dataclass(frozen=True)
class Premiere:
    """A server's scheduled event for a season's premiere: what Discord has, and whether the
    bot must look at it again (`pending`)."""

    id: int
    guild_id: int
    show_id: int
    season: int
    event_id: int | None
    event_day: str | None
    state: str  # pending, sending, done, blocked, failed
    attempts: int
    next_attempt_at: float
    last_error: str | None
