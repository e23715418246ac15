"""Counts in words: ``count(1, "paper")`` is "1 paper", ``count(3, "paper")`` "3 papers"."""

from __future__ import annotations


def count(n: int, noun: str, plural: str | None = None, *, sep: bool = True) -> str:
    """``n`` (with thousands separators unless ``sep`` is False) and the noun in the right
    number."""
    number = f"{n:,}" if sep else str(n)
    return f"{number} {noun if n == 1 else plural or noun + 's'}"
