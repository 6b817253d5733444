"""Sending in the background: the loop and worker pool every sender shares with their retry
policy (`dispatcher`), the global send budget (`budget`) and which shard sends what (`shards`)."""
