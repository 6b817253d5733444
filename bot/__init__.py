"""seasonwatch: what is known about an upcoming TV season, for Discord fan servers."""

__version__ = "0.1.0"
