"""Sending in the background: the loop and worker pool every background task shares, with the
one backoff (`dispatcher`), the one exactly-once send the four senders run (`sender`), the
global send budget (`budget`) and which shard sends what (`shards`)."""
