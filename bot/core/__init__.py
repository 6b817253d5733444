"""The domain: the catalogue's records (`models`), validating what an entry may hold (`facts`),
errors meant for the person who caused them (`errors`) and catalogue messages as values
(`messages`). No Discord, no SQL and no wording: `bot.i18n` words what this marks."""
