"""Benchmarks: scripts that run the real bot against the stand-in and print figures."""
