"""`seasonwatch sandbox`: the bot against the local stand-in, driven from a prompt (`main`), one
session (`session`), its input (`lines`, `commands`) and output (`render`, `clock`). The only part
of `bot/` that imports `standin`."""
