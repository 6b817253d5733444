"""The anti-spam limit: its window, its reply, and that it forgets idle people."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from discord import app_commands

from bot.interactions.cooldown import RateLimit, fan_cooldown
from bot.interactions.replies import error_message


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_five_calls_pass_the_sixth_waits_until_the_window_ends() -> None:
    clock = Clock()
    limit = RateLimit(5, 10.0, clock)
    assert [limit.hit("fan") for _ in range(5)] == [0.0] * 5
    clock.now += 4.0
    assert limit.hit("fan") == pytest.approx(6.0)
    assert limit.hit("fan") == pytest.approx(6.0)  # refused calls do not extend the window
    clock.now += 5.9
    assert limit.hit("fan") == pytest.approx(0.1)
    clock.now += 0.1
    assert limit.hit("fan") == 0.0  # a new window opens: four more pass, then it is full again
    assert [limit.hit("fan") for _ in range(4)] == [0.0] * 4
    assert limit.hit("fan") == pytest.approx(10.0)


def test_each_key_has_its_own_window() -> None:
    clock = Clock()
    limit = RateLimit(1, 10.0, clock)
    assert limit.hit("a") == 0.0
    assert limit.hit("a") > 0
    assert limit.hit("b") == 0.0


def test_a_window_survives_the_rotation_of_generations() -> None:
    clock = Clock()
    limit = RateLimit(2, 10.0, clock)
    clock.now += 9.0
    limit.hit("fan")
    limit.hit("fan")
    clock.now += 1.5  # a rotation happens now: the key is in the older generation
    limit.hit("other")
    clock.now += 0.5
    assert limit.hit("fan") == pytest.approx(8.0)  # still the window opened at +9 s


def test_idle_keys_are_forgotten_so_memory_stays_bounded() -> None:
    clock = Clock()
    limit = RateLimit(5, 10.0, clock)
    for step in range(10_000):
        clock.now += 0.01  # 100 new people a second, each calling once
        limit.hit(step)
    # Only people seen in the last two periods (2,000 at this pace) can still be held.
    assert len(limit) <= 2_000
    clock.now += 25.0
    limit.hit("late")
    clock.now += 10.0
    limit.hit("last")
    assert len(limit) <= 2


def test_a_refusal_reads_slow_down_with_whole_seconds() -> None:
    check = fan_cooldown(1, 10.0)(lambda: None)
    predicate = check.__discord_app_commands_checks__[0]  # type: ignore[attr-defined]
    interaction = SimpleNamespace(user=SimpleNamespace(id=7))
    assert predicate(interaction) is True
    with pytest.raises(app_commands.CommandOnCooldown) as refused:
        predicate(interaction)
    assert error_message(refused.value) == "Slow down: try again in 10 s."
    assert predicate(SimpleNamespace(user=SimpleNamespace(id=8))) is True
