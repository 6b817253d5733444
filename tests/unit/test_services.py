"""The composition root: one send budget, the `Notify me` buttons given to the announcer, and the
shard-0 duties started only in the process holding shard 0 (all stopped together)."""

from __future__ import annotations

import asyncio
import socket

import pytest

from bot.alerts.notify import notify_view
from bot.config import settings_from
from bot.services import Services

pytestmark = pytest.mark.sqlite_only  # the wiring does not depend on the backend


class Client:
    """Never ready: the senders wait for it, so starting them sends nothing."""

    async def wait_until_ready(self) -> None:
        await asyncio.Event().wait()


def services_for(store, shard_ids: str | None) -> Services:
    env = {"DISCORD_TOKEN": "x", "REVIEW_CHANNEL_ID": "5"}
    if shard_ids is not None:
        env |= {"SHARD_COUNT": "2", "SHARD_IDS": shard_ids}
    return Services(settings_from(env), store, Client())  # type: ignore[arg-type]


def duties(services: Services) -> list:
    return [services.dm_sender, services.event_sender, services.poller, services.reviews]


@pytest.mark.parametrize(("shard_ids", "duty"), [(None, True), ("0", True), ("1", False), ("1,0", True)])
async def test_shard_zero_s_duties_start_only_in_the_process_holding_it(store, shard_ids, duty):
    services = services_for(store, shard_ids)
    services.start()
    try:
        assert services.announcer.running  # every process announces to its own shards
        assert [task.running for task in duties(services)] == [duty] * 4
    finally:
        await services.stop()
    assert not any(task.running for task in [services.announcer, *duties(services)])


async def test_every_sender_spends_one_budget_and_announcements_carry_notify_me(store):
    services = services_for(store, None)
    assert services.reviews is not None
    senders = [services.announcer, services.dm_sender, services.event_sender, services.reviews]
    assert all(sender.budget is services.budget for sender in senders)
    assert services.announcer.buttons is notify_view
    await services.stop()  # never started: stopping closes the poller's connections all the same


async def test_the_web_server_runs_only_with_a_port_and_stops_with_the_rest(store):
    assert services_for(store, None).web is None  # no WEB_PORT: no server
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {"DISCORD_TOKEN": "x", "WEB_PORT": str(port)}
    services = Services(settings_from(env), store, Client())  # type: ignore[arg-type]
    assert services.web is not None and services.web in services.everywhere()
    services.start()
    try:
        await asyncio.wait_for(services.web.started.wait(), 5)
        assert services.web.address == f"http://127.0.0.1:{port}"
    finally:
        await services.stop()
    assert not services.web.running
