"""Load in CI: 10,000 distinct fans call commands, and every one is answered within 3 s.

The bot runs as its own process (`python -m bot run`, as in production), so that it does not
share a core with the stand-in driving it. Each fan sends one command (/status, /cast, /news,
/episodes, /about in turn), at up to `RATE` a second (10,000 in ten seconds) with at most
`IN_FLIGHT` unanswered at once, and must get its public answer within Discord's 3 s.

How long the 10,000 take is printed as a figure, never judged here: it measures the machine as
much as the bot (on a 2-core machine shared with the rest of the suite it took 12.8-22.7 s). The
ten-second goal is asserted only with SEASONWATCH_LOAD_STRICT=1, and judged by
`benchmarks/load.py`, which measures latencies, CPU and memory over 100,000 interactions.
"""

from __future__ import annotations

import os

from benchmarks.load import FAN_COMMANDS, Tally, add_fans, burst

FANS = int(os.environ.get("SEASONWATCH_LOAD_FANS", "10000"))
STRICT = os.environ.get("SEASONWATCH_LOAD_STRICT") == "1"
RATE = 1000.0
IN_FLIGHT = 300


def process_cpu(pid: int) -> float:
    """User plus system CPU seconds of process `pid` (Linux /proc)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def test_ten_thousand_distinct_fans_are_all_answered_in_time(standin, scene, bot_process,
                                                                   record_property):
    proc = await bot_process(LOG_LEVEL="WARNING")
    standin.validate_schema = False  # the fuzz checks every request; this one times the bot
    fans = add_fans(scene.home, FANS)
    tally = Tally()
    cpu_before = process_cpu(proc.proc.pid)
    wall = await burst(standin, scene.home_general, fans, tally, rate=RATE, in_flight=IN_FLIGHT,
                       commands=FAN_COMMANDS)
    cpu = (process_cpu(proc.proc.pid) - cpu_before) / FANS
    goal = FANS / RATE
    # Figures only: how long the burst took says as much about the machine as about the bot, so
    # it is judged against the goal in benchmarks/load.py (and here only with STRICT).
    summary = (
        f"load: {FANS} distinct fans in {wall:.1f}s ({FANS / wall:.0f} a second, offered at up "
        f"to {RATE:.0f}): {tally.answered} answered, {tally.unanswered} unanswered, "
        f"{len(tally.wrong) - tally.unanswered} wrong; bot CPU {cpu * 1000:.2f} ms per interaction"
    )
    record_property("proof", summary)
    print(summary)
    assert tally.wrong == [], summary + "\n" + "\n".join(tally.wrong[:10])
    assert tally.answered == FANS
    if STRICT:
        assert wall <= goal * 1.1, summary
    await proc.stop()
    assert "Traceback" not in proc.log_text(), proc.log_text()[-3000:]
