"""The catalogue: shows, their entries and history through one write path (`store`, `shows`; the
features that follow a change register as its listeners), the in-memory view every read uses
(`view`), finding shows, people and entries from what someone typed (`search`), one change as a
structured difference (`diff`), files (import, export, backup, the packaged seed in `data/`),
embeds (`render`) and edit previews (`previews`, `drafts`)."""
