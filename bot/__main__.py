"""`python -m bot` is the `seasonwatch` command."""

from bot.cli import main

raise SystemExit(main())
