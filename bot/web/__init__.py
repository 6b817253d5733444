"""The web: a read-only page per tracked season, an Atom feed of its published changes, and the
server they are served from (aiohttp.web, in the bot's own process). Operators' routes
(`/healthz`, `/metrics`) are handed to the server by the composition root."""
