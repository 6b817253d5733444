"""Why a reminder is paused, worded for its reader: a stored notice is a catalogue message
translated when shown; a row from before notices reads as itself."""

from bot.core.messages import N_
from bot.core.models import Reminder
from bot.i18n.notices import Notice
from bot.reminders.store import DMS_CLOSED
from cogs.remind import pause_text


def paused(reason: str | None) -> Reminder:
    return Reminder(1, 2, 3, "release", "release", "ko", "paused", reason, "2025-01-01T00:00:00Z")


def test_a_stored_notice_is_worded_in_the_readers_language():
    reason = Notice.of(N_("the role no longer exists")).dump()
    assert "그 역할은 더 이상 없습니다" in pause_text(paused(reason), "ko")
    assert "(the role no longer exists)" in pause_text(paused(reason), "en")


def test_plain_text_reads_as_itself_and_closed_dms_say_what_to_do():
    plain = "Discord refused it: Missing Access"
    assert f"({plain})" in pause_text(paused(plain), "en")
    assert "Privacy Settings" in pause_text(paused(DMS_CLOSED), "en")
