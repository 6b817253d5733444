"""Listings: shows, seasons and cast from a public listings database (TVmaze), imported by an
owner's choice and watched for changes that editors accept (DESIGN.md § Listings)."""
