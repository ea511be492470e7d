"""Internal, loosely typed partial results passed between the stages.

Rules build :class:`Num` (a number mention) and :class:`Candidate` (a would-be fact);
only :mod:`quantities.resolve` turns candidates into the public pydantic models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

__all__ = ["Candidate", "Num", "Rejected", "Value"]

Value = int | Decimal


@dataclass(slots=True)
class Num:
    """A number mention: digits, words, a multiplier or a vague quantity word.

    ``value`` is exact. For vague words ("dozens") ``vague`` is set and ``low``/``high``
    give the documented conventional bounds (``high`` None = open).
    """

    start: int
    end: int
    value: Value
    rule: str
    words: bool = False  # spelled out ("ten", "чотирьох")
    vague: bool = False
    low: Value | None = None
    high: Value | None = None
    integer_digits: bool = False  # plain digit run without separators, decimals or words
    factor: int = 1  # the multiplier written after the digits ("5 million": 1_000_000)


@dataclass(slots=True)
class Candidate:
    """A would-be fact. ``extra`` holds kind-specific fields (outcome, grain, ...)."""

    kind: str
    start: int
    end: int
    value: Value | str | None
    low: Value | str | None = None
    high: Value | str | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True
    qualifier: str = "exact"
    unit: str | None = None
    rules: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    priority: int = 0  # breaks ties between overlapping candidates of equal span


@dataclass(slots=True, frozen=True)
class Rejected:
    """A span that looked like a fact and was turned down, with the rule that said no."""

    start: int
    end: int
    rule: str
    reason: str


@dataclass(slots=True)
class Mention:
    """A number with what measures it: a unit, a currency, a percent sign, or nothing.

    ``start``/``end`` cover the number and its unit surface ("$3.6bn", "10 km",
    "35%", "чотирьох діб"). ``kind`` is ``bare`` when nothing measures the number.
    """

    num: Num
    start: int
    end: int
    kind: str = "bare"  # bare | quantity | duration | money | percent
    unit: str | None = None  # pint unit name, or ISO 4217 code for money
    dimensionality: str | None = None
    iso_duration: str | None = None
    rules: list[str] = field(default_factory=list)
