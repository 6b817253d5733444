"""Loopback stand-in for Discord (REST API v10 + gateway) for tests; see standin/driver.py."""

from .commands import CommandUsageError
from .driver import NoReply, Reply, StandIn
from .world import Overwrite

__all__ = ["CommandUsageError", "NoReply", "Overwrite", "Reply", "StandIn"]
