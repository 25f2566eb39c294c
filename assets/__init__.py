"""Dagster assets, one module per pipeline stage; each asset calls one library function."""
