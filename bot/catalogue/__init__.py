"""The catalogue: shows, their entries and history through one write path (`store`, `shows`), the
in-memory view every read uses (`view`), files (import, export, backup, the packaged seed in
`data/`), embeds (`render`) and edit previews (`drafts`)."""
