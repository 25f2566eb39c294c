"""Nightly crawler of government portals (issue 4)."""
