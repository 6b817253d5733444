"""bot/web/ops.py: the gauges /metrics reads at scrape time come from one health look, and what
that look could not read is left out rather than shown stale."""

import time

from bot import metrics
from bot.outbox.backlog import Queue
from bot.web.health import Gateway, Report, Shard
from bot.web.ops import record_scrape


def sample(name, **labels):
    return metrics.REGISTRY.get_sample_value(name, labels)


def test_a_scrape_sets_the_gauges_from_the_health_look():
    now = time.time()
    record_scrape(Report(Gateway([Shard(0, True, 0.05), Shard(1, False, None)], guilds=7), True,
                         queues=[Queue("announcement", 3, now - 90), Queue("dm", 0, None)],
                         failing=[], checked_at=now))
    assert sample("seasonwatch_guilds") == 7 and sample("seasonwatch_database_up") == 1
    assert sample("seasonwatch_gateway_up", shard="0") == 1
    assert sample("seasonwatch_gateway_up", shard="1") == 0
    assert sample("seasonwatch_gateway_latency_seconds", shard="0") == 0.05
    assert sample("seasonwatch_gateway_latency_seconds", shard="1") is None  # no heartbeat yet
    assert sample("seasonwatch_outbox_backlog", kind="announcement") == 3
    assert sample("seasonwatch_outbox_oldest_pending_seconds", kind="announcement") == 90
    assert sample("seasonwatch_outbox_oldest_pending_seconds", kind="dm") is None


def test_a_database_down_leaves_out_the_backlog_rather_than_show_it_stale():
    record_scrape(Report(Gateway([Shard(0, True)]), True, queues=[Queue("announcement", 3, time.time())]))
    record_scrape(Report(Gateway([Shard(0, True)]), False))
    assert sample("seasonwatch_database_up") == 0
    assert sample("seasonwatch_outbox_backlog", kind="announcement") is None
