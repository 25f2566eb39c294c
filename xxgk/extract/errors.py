"""The ways extraction ends without a Document, each with a short code for the warehouse.

:class:`Unreadable` (exit 1 of ``xxgk parse``): the bytes cannot be read, e.g. a corrupt PDF or
an image-only PDF that ``needs_ocr``. :class:`TooLarge`: readable perhaps, but asking for more
work or memory than one document may have (:mod:`xxgk.extract.limits`); recorded as the
outcome ``too_large``. :class:`NotAReport` (exit 2): readable, but plainly not a report
already at this stage, e.g. an anti-bot challenge page.
"""

from __future__ import annotations


class Unreadable(Exception):
    def __init__(self, message: str, code: str = "unreadable") -> None:
        super().__init__(message)
        self.code = code


class TooLarge(Unreadable):
    """A document past an input limit. A subclass of :class:`Unreadable` because it is not read
    either; callers that tell outcomes apart catch it first."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "too_large")


class NotAReport(Exception):
    def __init__(self, message: str, code: str = "not_a_report") -> None:
        super().__init__(message)
        self.code = code
