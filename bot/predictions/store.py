"""The prediction game's storage: questions, one guess per person each, resolving with scores,
and the events (opened, resolved) that are announced like changes.

Like alerts, every method takes the lock, reads included (one shared connection).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from bot.alerts.store import Alerts
from bot.catalogue.view import View
from bot.core.errors import InvalidInput, UserError
from bot.core.facts import check_line
from bot.core.models import ANSWER_FIELD, Change, Editor, Guess, Prediction, PredictionEvent, Show, Standing
from bot.db.connection import Database
from bot.db.rows import (
    json_text,
    now_iso,
    read_guess,
    read_joined_guess,
    read_prediction,
)
from bot.predictions.rules import PREDICTION_KINDS, check_choices, parse_answer

log = logging.getLogger(__name__)

# The guess columns of a prediction row joined with a guess, named apart from the prediction's.
_GUESS_COLUMNS = ("g.id AS g_id, g.user_id, g.user_name, g.guild_id, g.answer AS g_answer, "
                  "g.guessed_at, g.points")


class Predictions:
    """Questions, guesses, scores and prediction events."""

    def __init__(self, db: Database, view: View, alerts: Alerts) -> None:
        self._db = db
        self._view = view
        self._alerts = alerts
        # What time it is for predictions' closing times (tests move it forward).
        self.clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)

    def _now(self) -> str:
        return self.clock().astimezone(dt.UTC).isoformat(timespec="seconds")

    # -- closing, inside the caller's lock or transaction ------------------------------------------

    async def _close_due(self) -> None:
        """Questions whose closing time has passed stop taking guesses (checked before use)."""
        await self._db.execute(
            "UPDATE prediction SET state = 'closed', closed_at = closes_at "
            "WHERE state = 'open' AND closes_at <= ?", (self._now(),))

    async def change_written(self, change: Change, show: Show | None) -> None:
        """A confirmed answer closes the questions it answers, in the change's transaction."""
        fact = change.after
        if fact is not None and fact.basis(ANSWER_FIELD.get(change.kind, "")).confidence == "confirmed":
            await self.close_answered(change.entry_id, change.created_at)

    def change_committed(self, change: Change) -> None:
        """Nothing to wake: scores are announced when a question is resolved."""

    async def close_show(self, show_id: int) -> None:
        """An archived show's open questions close (inside the caller's transaction)."""
        await self._db.execute(
            "UPDATE prediction SET state = 'closed', closed_at = ? WHERE show_id = ? AND state = 'open'",
            (self._now(), show_id))

    async def close_answered(self, entry_id: int, stamp: str) -> None:
        """Questions tied to an entry close the moment the value answering them is confirmed
        (inside the caller's transaction)."""
        await self._db.execute(
            "UPDATE prediction SET state = 'closed', closed_at = ? "
            "WHERE entry_id = ? AND state = 'open'", (stamp, entry_id))

    # -- asking and guessing ---------------------------------------------------------------------

    async def open_prediction(self, show_id: int, question: str, kind: str, *,
                              choices: Sequence[str] = (), closes_at: str | None = None,
                              entry_id: int | None = None, editor: Editor) -> Prediction:
        """Open a question; its opening is announced under `predictions` (same transaction)."""
        question = check_line(question, "question", limit=200)
        if kind not in PREDICTION_KINDS:
            raise InvalidInput("kind", "one of {kinds}.", kinds=", ".join(PREDICTION_KINDS))
        if (kind == "choice") != bool(choices):
            raise InvalidInput("choices", "give 2 to 10 choices for kind `choice`, and none otherwise.")
        choices = check_choices(choices) if choices else ()
        show = self._view.show(show_id)
        if show is None or show.archived:
            raise InvalidInput("show", "pick a tracked show (archived shows take no new questions).")
        if closes_at is not None and closes_at <= self._now():
            raise InvalidInput("closes", "that time has passed; pick one in the future.")
        if entry_id is not None and not any(e.id == entry_id for e in self._view.entries(show_id)):
            raise InvalidInput("entry", "pick an entry of this show from the list.")
        stamp = now_iso()
        async with self._db.lock, self._db.transaction():
            prediction_id = await self._db.insert(
                "INSERT INTO prediction (show_id, question, kind, choices, closes_at, entry_id, "
                "opened_by, opened_by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (show_id, question, kind, json_text(choices), closes_at, entry_id, editor.id,
                 editor.name, stamp))
            await self._add_event(prediction_id, show_id, "opened", None, [], 0, False, editor, stamp)
        self._alerts.deliveries_queued.set()
        found = await self.prediction(prediction_id)
        assert found is not None
        return found

    async def _add_event(self, prediction_id: int, show_id: int, kind: str, answer: str | None,
                         top: list[list[Any]], guesses: int, correction: bool, editor: Editor,
                         stamp: str) -> int:
        """Write a prediction event and queue its deliveries, in the caller's transaction."""
        event_id = await self._db.insert(
            "INSERT INTO prediction_event (prediction_id, kind, answer, top, guesses, correction, "
            "editor_id, editor_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (prediction_id, kind, answer, json_text(top), guesses, int(correction), editor.id,
             editor.name, stamp))
        show = self._view.show(show_id)
        if show is not None and not show.archived:
            await self._alerts.queue("event_id", event_id, stamp, show_id, "predictions", "confirmed")
        return event_id

    async def guess(self, prediction_id: int, *, user_id: int, user_name: str,
                    guild_id: int | None, answer: str) -> tuple[Prediction, Guess, Guess | None]:
        """Make or replace a guess on an open question: (question, the guess, the one replaced)."""
        async with self._db.lock, self._db.transaction():
            await self._close_due()
            prediction = await self._fetch(prediction_id)
            if prediction is None:
                raise InvalidInput("question", "no such question; pick an open one from the list.")
            if not prediction.open:
                raise UserError("Question #{id} is closed: guesses are no longer taken. "
                                "`/predict list` shows the open ones.", id=prediction.id)
            value = parse_answer(prediction.kind, answer, prediction.choices)
            old = await self._db.fetchone("SELECT * FROM guess WHERE prediction_id = ? AND user_id = ?",
                                          (prediction_id, user_id))
            new = await self._db.fetchone(
                "INSERT INTO guess (prediction_id, user_id, user_name, guild_id, answer, guessed_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (prediction_id, user_id) DO UPDATE SET "
                "user_name = excluded.user_name, guild_id = excluded.guild_id, "
                "answer = excluded.answer, guessed_at = excluded.guessed_at RETURNING *",
                (prediction_id, user_id, user_name[:100], guild_id, value,
                 dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")))
            assert new is not None
        return prediction, read_guess(new), read_guess(old) if old else None

    async def add_guesses(self, prediction_id: int,
                          guesses: Iterable[tuple[int, str, int | None, str]]) -> None:
        """Insert many guesses at once, unchecked: (user id, name, guild id, answer). For benchmarks."""
        stamp = dt.datetime.now(dt.UTC)
        rows = [(prediction_id, user_id, name, guild_id, answer,
                 (stamp + dt.timedelta(microseconds=i)).isoformat(timespec="microseconds"))
                for i, (user_id, name, guild_id, answer) in enumerate(guesses)]
        async with self._db.lock, self._db.transaction():
            await self._db.executemany(
                "INSERT INTO guess (prediction_id, user_id, user_name, guild_id, answer, guessed_at) "
                "VALUES (?, ?, ?, ?, ?, ?)", rows)

    async def resolve_prediction(self, prediction_id: int, answer: str, *,
                                 editor: Editor) -> PredictionEvent:
        """Set the answer and score every guess in one transaction; again to correct it."""
        async with self._db.lock, self._db.transaction():
            await self._close_due()
            prediction = await self._fetch(prediction_id)
            if prediction is None:
                raise InvalidInput("question", "no such question; pick one from the list.")
            value = parse_answer(prediction.kind, answer, prediction.choices)
            if prediction.answer == value:
                raise UserError("Question #{id} is already resolved as `{value}`.", id=prediction.id,
                                value=value)
            await self._db.execute(
                f"UPDATE guess SET points = {self._db.dialect.score} WHERE prediction_id = ?",
                (prediction.kind, value, prediction_id))
            stamp = now_iso()
            await self._db.execute(
                "UPDATE prediction SET state = 'resolved', answer = ?, resolved_by = ?, "
                "resolved_at = ?, closed_at = coalesce(closed_at, ?) WHERE id = ?",
                (value, editor.id, stamp, stamp, prediction_id))
            best, total = await self._ranking(prediction_id, 3)
            top = [[g.user_name, g.answer, g.points] for g in best]
            event_id = await self._add_event(prediction_id, prediction.show_id, "resolved", value,
                                             top, total, prediction.state == "resolved", editor, stamp)
        self._alerts.deliveries_queued.set()
        event = await self.prediction_event(event_id)
        assert event is not None
        return event

    # -- reading -----------------------------------------------------------------------------------

    async def prediction(self, prediction_id: int) -> Prediction | None:
        """One question by its number (a passed closing time shows it closed)."""
        async with self._db.lock:
            await self._close_due()
            return await self._fetch(prediction_id)

    async def _fetch(self, prediction_id: int) -> Prediction | None:
        row = await self._db.fetchone("SELECT * FROM prediction WHERE id = ?", (prediction_id,))
        return read_prediction(row) if row else None

    async def predictions(self, *, show_id: int | None = None, states: Sequence[str] = ("open",),
                          limit: int = 25) -> list[Prediction]:
        """Questions in some states, of one show or all, newest first (resolved: last resolved)."""
        sql = (f"SELECT * FROM prediction WHERE state IN ({self._db.dialect.marks(len(states))}) "
               "AND (CAST(? AS BIGINT) IS NULL OR show_id = ?) "
               "ORDER BY coalesce(resolved_at, created_at) DESC, id DESC LIMIT ?")
        async with self._db.lock:
            await self._close_due()
            rows = await self._db.fetchall(sql, (*states, show_id, show_id, limit))
        return [read_prediction(row) for row in rows]

    async def answer_counts(self, prediction_ids: Sequence[int]) -> dict[int, list[tuple[str, int]]]:
        """Per question: each answer given and how many gave it."""
        if not prediction_ids:
            return {}
        sql = ("SELECT prediction_id, answer, count(*) FROM guess WHERE prediction_id IN "
               f"({self._db.dialect.marks(len(prediction_ids))}) GROUP BY 1, 2")
        counts: dict[int, list[tuple[str, int]]] = {p: [] for p in prediction_ids}
        async with self._db.lock:
            for prediction_id, answer, count in await self._db.fetchall(sql, list(prediction_ids)):
                counts[prediction_id].append((answer, count))
        return counts

    async def user_guesses(self, user_id: int, limit: int = 20) -> tuple[list[tuple[Prediction, Guess]], int]:
        """A person's guesses, newest question first, and how many they have in all."""
        sql = (f"SELECT p.*, {_GUESS_COLUMNS}, count(*) OVER () AS total FROM guess g "
               "JOIN prediction p ON p.id = g.prediction_id WHERE g.user_id = ? "
               "ORDER BY p.id DESC LIMIT ?")
        async with self._db.lock:
            await self._close_due()
            rows = await self._db.fetchall(sql, (user_id, limit))
        found = [(read_prediction(r), read_joined_guess(r)) for r in rows]
        return found, int(rows[0]["total"]) if rows else 0

    async def ranking(self, prediction_id: int, limit: int = 3) -> tuple[list[Guess], int]:
        """A question's best guesses (points, then the earlier guess) and how many there are."""
        async with self._db.lock:
            return await self._ranking(prediction_id, limit)

    async def _ranking(self, prediction_id: int, limit: int) -> tuple[list[Guess], int]:
        rows = await self._db.fetchall(
            "SELECT *, count(*) OVER () AS total FROM guess WHERE prediction_id = ? "
            "ORDER BY points DESC, guessed_at, id LIMIT ?", (prediction_id, limit))
        return [read_guess(r) for r in rows], int(rows[0]["total"]) if rows else 0

    async def prediction_event(self, event_id: int) -> PredictionEvent | None:
        """One prediction event (what its announcement shows)."""
        sql = ("SELECT p.*, e.id AS e_id, e.kind AS e_kind, e.answer AS e_answer, e.top, e.guesses, "
               "e.correction, e.editor_id, e.editor_name, e.created_at AS e_created_at "
               "FROM prediction_event e JOIN prediction p ON p.id = e.prediction_id WHERE e.id = ?")
        async with self._db.lock:
            row = await self._db.fetchone(sql, (event_id,))
        if row is None:
            return None
        top = tuple((str(name), str(answer), int(points)) for name, answer, points in json.loads(row["top"]))
        return PredictionEvent(row["e_id"], read_prediction(row), row["e_kind"], row["e_answer"], top,
                               row["guesses"], bool(row["correction"]),
                               Editor(row["editor_id"], row["editor_name"]), row["e_created_at"])

    async def last_resolved(self, show_id: int, limit: int = 5) -> list[tuple[Prediction, Guess | None, int]]:
        """The last resolved questions of a show, each with who was closest and how many guessed."""
        sql = (f"SELECT p.*, {_GUESS_COLUMNS}, "
               "(SELECT count(*) FROM guess WHERE prediction_id = p.id) AS n "
               "FROM prediction p LEFT JOIN guess g ON g.id = (SELECT id FROM guess "
               "WHERE prediction_id = p.id ORDER BY points DESC, guessed_at, id LIMIT 1) "
               "WHERE p.show_id = ? AND p.state = 'resolved' ORDER BY p.resolved_at DESC, p.id DESC "
               "LIMIT ?")
        async with self._db.lock:
            rows = await self._db.fetchall(sql, (show_id, limit))
        return [(read_prediction(r), read_joined_guess(r) if r["g_id"] is not None else None, int(r["n"]))
                for r in rows]

    async def leaderboard(self, show_id: int, *, guild_id: int | None = None, offset: int = 0,
                          limit: int = 20, user_id: int | None = None) -> tuple[list[Standing], int]:
        """Points per person over resolved questions: ranks after `offset` + `user_id`; how many."""
        sql = ("WITH totals AS (SELECT g.user_id, max(g.user_name) AS user_name, "
               "sum(g.points) AS points, count(*) AS questions, min(g.guessed_at) AS first "
               "FROM guess g JOIN prediction p ON p.id = g.prediction_id "
               "WHERE p.show_id = ? AND p.state = 'resolved' "
               "AND (CAST(? AS BIGINT) IS NULL OR g.guild_id = ?) "
               "GROUP BY g.user_id), ranked AS (SELECT *, row_number() OVER "
               "(ORDER BY points DESC, first, user_id) AS rank, count(*) OVER () AS total FROM totals) "
               "SELECT * FROM ranked WHERE (rank > ? AND rank <= ?) OR user_id = ? ORDER BY rank")
        async with self._db.lock:
            rows = await self._db.fetchall(
                sql, (show_id, guild_id, guild_id, offset, offset + limit, user_id))
        standings = [Standing(r["rank"], r["user_id"], r["user_name"], r["points"], r["questions"])
                     for r in rows]
        return standings, int(rows[0]["total"]) if rows else 0
