"""Helpers tests share that are not fixtures."""
