"""Document → canonical report (metadata, cells, issues); pure functions only."""

from xxgk.parse.report import parse_document

__all__ = ["parse_document"]
