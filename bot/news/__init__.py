"""News intake: feeds editors watch and fans' tips, queued for editors to settle.

- `fetch`   getting a feed's bytes safely (addresses, size, time, redirects)
- `parse`   feedparser on those bytes; items, canonical links, plain-text summaries
- `match`   which shows an item is about, which cast members it names
- `poller`  the task that fetches every source in turn, with backoff and pausing
- `review`  the review posts' outbox sender (REVIEW_CHANNEL_ID)
- `views`   the review message, its buttons and the Add-as-news modal
"""
