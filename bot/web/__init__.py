"""The web: season pages, their Atom feeds, and the operator's /healthz and /metrics."""
