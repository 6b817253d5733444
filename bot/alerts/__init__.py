"""Alerts: subscriptions and the delivery outbox (`store`), the announcer that drains it, the
announcement embeds, the `Notify me` button and its role rule (`notify`, `grants`), and premiere
events (`premieres`, `premieres_store`)."""
