"""Local portal simulator on 127.0.0.1 (issue 4)."""
