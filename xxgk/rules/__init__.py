"""Consistency rules (勾稽关系) R01–R21 of spec §3."""
