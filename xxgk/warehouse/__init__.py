"""DuckDB warehouse I/O: schema, idempotent loads, marts, publication."""
