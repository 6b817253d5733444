"""The domain: the catalogue's records, validating facts, dates and windows, search, and one
change as a structured difference. No Discord and no SQL here (it still words a few things through
`bot.i18n`; that is the next step of the layout)."""
