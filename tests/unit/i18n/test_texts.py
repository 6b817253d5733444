"""Shared wording: counted nouns and when a question closes."""

from __future__ import annotations

from dataclasses import replace

from bot.core.models import Editor, Prediction
from bot.i18n.texts import closing_text, plural

QUESTION = Prediction(1, 1, "Episodes?", "number", (), "2030-01-02T03:04:00+00:00", None, "open",
                      None, None, Editor(1, "a"), None, None, "2029-01-01T00:00:00+00:00")


def test_counted_nouns_agree_with_their_number():
    assert plural(1, "entry") == "1 entry"
    assert plural(0, "entry") == "0 entries"
    assert plural(2, "subscription") == "2 subscriptions"
    assert plural(3, "day") == "3 days"
    assert plural(1200, "new show") == "1,200 new shows"
    assert plural(2, "person", "people") == "2 people"


def test_a_closing_time_reads_as_a_date_and_a_countdown():
    stamp = 1893553440  # 2030-01-02 03:04 UTC
    assert closing_text(QUESTION) == f"closes <t:{stamp}:f>, <t:{stamp}:R>"
    assert closing_text(replace(QUESTION, closes_at=None)) == "open until the answer is known"
    assert closing_text(replace(QUESTION, state="closed")) == "closed"
