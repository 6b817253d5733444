"""Reminders: a fan's own DM whenever an entry changes: the reminders and their DM outbox
(`store`) and the sender that drains it (`sender`)."""
