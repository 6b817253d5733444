"""How stored rows become the bot's models, and how values are stored: facts and lists as JSON
text, times as UTC ISO text."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Sequence

from bot.core.models import Change, Delivery, Editor, Fact, Guess, Prediction, Show, Subscription
from bot.db.connection import Row
from bot.i18n.notices import Notice

log = logging.getLogger(__name__)


def now_iso() -> str:
    """The current UTC time as stored in the database."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def json_text(value: Sequence[object]) -> str:
    """A list (aliases, choices, a ranking) as stored."""
    return json.dumps(list(value), ensure_ascii=False)


def fact_text(fact: Fact | None) -> str | None:
    """A fact as stored (None: a removed entry)."""
    return None if fact is None else json.dumps(fact.to_json(), ensure_ascii=False, sort_keys=True)


def read_fact(text: str | None) -> Fact | None:
    """A stored fact."""
    return None if text is None else Fact.from_json(json.loads(text))


def read_show(row: Row) -> Show:
    """A `show` row."""
    return Show(
        id=row["id"],
        slug=row["slug"],
        title=row["title"],
        original_title=row["original_title"],
        network=row["network"],
        season=row["season"],
        aliases=tuple(json.loads(row["aliases"])),
        archived=bool(row["archived"]),
    )


def read_change(row: Row) -> Change:
    """A `change` row joined with its entry's show id, kind and key."""
    return Change(
        id=row["id"],
        entry_id=row["entry_id"],
        show_id=row["show_id"],
        kind=row["kind"],
        key=row["key"],
        version=row["version"],
        before=read_fact(row["before"]),
        after=read_fact(row["after"]),
        editor=Editor(row["editor_id"], row["editor_name"]),
        created_at=row["created_at"],
        reason=row["reason"],
        silent=bool(row["silent"]),
        correction_of=row["correction_of"],
    )


def read_prediction(row: Row) -> Prediction:
    """A `prediction` row."""
    return Prediction(
        id=row["id"], show_id=row["show_id"], question=row["question"], kind=row["kind"],
        choices=tuple(json.loads(row["choices"])), closes_at=row["closes_at"],
        entry_id=row["entry_id"], state=row["state"], closed_at=row["closed_at"],
        answer=row["answer"], opened_by=Editor(row["opened_by"], row["opened_by_name"]),
        resolved_by=row["resolved_by"], resolved_at=row["resolved_at"], created_at=row["created_at"],
    )


def read_guess(row: Row) -> Guess:
    """A `guess` row."""
    return Guess(
        id=row["id"], prediction_id=row["prediction_id"], user_id=row["user_id"],
        user_name=row["user_name"], guild_id=row["guild_id"], answer=row["answer"],
        guessed_at=row["guessed_at"], points=row["points"],
    )


def read_joined_guess(row: Row) -> Guess:
    """The guess in a `prediction` row joined with one, its columns named g_id, g_answer, …"""
    return Guess(row["g_id"], row["id"], row["user_id"], row["user_name"], row["guild_id"],
                 row["g_answer"], row["guessed_at"], row["points"])


def read_subscription(row: Row) -> Subscription:
    """A `subscription` row."""
    return Subscription(
        id=row["id"], guild_id=row["guild_id"], channel_id=row["channel_id"],
        show_id=row["show_id"], topics=tuple(t for t in row["topics"].split(",") if t),
        min_confidence=row["min_confidence"], role_id=row["role_id"],
        publish=bool(row["publish"]), state=row["state"], paused_reason=_notice(row["paused_reason"]),
        warning=_notice(row["warning"]), created_by=row["created_by"], created_at=row["created_at"],
        updated_at=row["updated_at"], language=row["language"], events=bool(row["events"]),
    )


def _notice(stored: str | None) -> Notice | None:
    return None if stored is None else Notice.load(stored)


def read_delivery(row: Row) -> Delivery:
    """A `delivery` row."""
    return Delivery(
        id=row["id"], change_id=row["change_id"], subscription_id=row["subscription_id"],
        channel_id=row["channel_id"], state=row["state"], batch=row["batch"],
        attempts=row["attempts"], next_attempt_at=row["next_attempt_at"],
        last_attempt_at=row["last_attempt_at"], message_id=row["message_id"],
        last_error=row["last_error"], created_at=row["created_at"], event_id=row["event_id"],
    )
