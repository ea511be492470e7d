"""The one module that touches pint: canonical unit names, dimensionality, ISO durations.

pint is imported, and its single :class:`pint.UnitRegistry` built, on the first call of
:func:`unit_info` (about a tenth of a second), never at package import time: texts with
only counts, dates and money never load it. Results are cached per expression.

Which surface means which unit is language data (``lang/<code>/units.toml``, read by
:mod:`quantities.measures`); this module only turns a pint expression written in that
data, or composed from it ("kilometer / hour"), into pint's canonical spelling.

Durations need no pint at all: the calendar units and their ISO 8601 designators are a
fixed table here (a test checks that pint calls each of them a ``[time]``).

>>> iso_duration(10, "day"), iso_duration(3, "hour"), iso_duration(2, "fortnight")
('P10D', 'PT3H', 'P4W')
>>> from decimal import Decimal
>>> iso_duration(Decimal("1.5"), "day"), iso_duration(90, "minute")
('P1.5D', 'PT90M')
"""

from __future__ import annotations

import tokenize
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

__all__ = [
    "DURATION_UNITS",
    "TIME_DIMENSION",
    "UnitInfo",
    "iso_composite",
    "iso_duration",
    "unit_info",
]

TIME_DIMENSION = "[time]"

# unit -> (time part?, ISO designator, multiplier). A fortnight is written in weeks and a
# decade, century or millennium in years, so every ISO value stays exact.
_ISO: dict[str, tuple[bool, str, int]] = {
    "second": (True, "S", 1),
    "minute": (True, "M", 1),
    "hour": (True, "H", 1),
    "day": (False, "D", 1),
    "week": (False, "W", 1),
    "fortnight": (False, "W", 2),
    "month": (False, "M", 1),
    "year": (False, "Y", 1),
    "decade": (False, "Y", 10),
    "century": (False, "Y", 100),
    "millennium": (False, "Y", 1000),
}

#: Units a duration may have (kind ``duration``); any other ``[time]`` unit such as
#: ``millisecond`` or ``gigayear`` is an ordinary quantity.
DURATION_UNITS: frozenset[str] = frozenset(_ISO)

# Units that pint calls dimensionless but that still measure something physical: angles,
# information, levels. Any other dimensionless unit (percent, ppm, dozen) is no quantity.
_DIMENSIONLESS_MEASURES: frozenset[str] = frozenset(
    [
        "radian", "degree", "arcminute", "arcsecond", "turn", "steradian",
        "bit", "byte", "decibel", "bel", "neper",
    ]
)


@dataclass(frozen=True, slots=True)
class UnitInfo:
    """pint's view of a unit expression.

    ``name`` is pint's canonical spelling (``"kilometer / hour"``), ``dimensionality``
    pint's dimensionality string (``"[length] / [time]"``), and ``physical`` says whether
    it can be a quantity: not dimensionless, or an angle, information or level unit.
    """

    name: str
    dimensionality: str
    physical: bool


@lru_cache(maxsize=1)
def _registry() -> Any:
    import pint  # deliberately lazy: only a unit actually seen loads pint

    return pint.UnitRegistry()


@lru_cache(maxsize=1)
def _parse_errors() -> tuple[type[BaseException], ...]:
    import pint

    return (
        pint.errors.PintError,
        ValueError,
        AttributeError,
        TypeError,
        SyntaxError,
        ArithmeticError,
        tokenize.TokenError,
    )


@lru_cache(maxsize=4096)
def unit_info(expr: str) -> UnitInfo | None:
    """pint's canonical name and dimensionality of ``expr``, or None if pint rejects it.

    None is a documented answer, not a swallowed error: the caller then treats the
    number as bare. Every expression in the shipped data is checked by a test.

    >>> unit_info("km / h")
    UnitInfo(name='kilometer / hour', dimensionality='[length] / [time]', physical=True)
    >>> unit_info("(kilometer) ** 2").name
    'kilometer ** 2'
    >>> unit_info("megabyte").physical, unit_info("percent").physical
    (True, False)
    >>> unit_info("no_such_unit") is None
    True
    """
    if not expr.strip():
        return None
    ureg = _registry()
    try:
        units = ureg.parse_units(expr)
        dimensionality = str(units.dimensionality)
        names = list(units._units)  # pint has no public iterator over a unit's names
        roots = {parsed[1] for name in names for parsed in ureg.parse_unit_name(name)}
    except _parse_errors():
        return None
    if not names:
        return None
    physical = dimensionality != "dimensionless" or roots <= _DIMENSIONLESS_MEASURES
    return UnitInfo(str(units), dimensionality, physical)


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def iso_duration(value: int | Decimal, unit: str) -> str:
    """ISO 8601 duration of ``value`` ``unit`` (a name in :data:`DURATION_UNITS`).

    Decimal fractions stay in the smallest written designator ("P1.5D", which ISO 8601
    allows); a negative amount gets the leading minus of ISO 8601-2 ("-P3D").

    >>> iso_duration(-3, "day"), iso_duration(2, "decade"), iso_duration(6, "month")
    ('-P3D', 'P20Y', 'P6M')
    """
    try:
        time_part, designator, factor = _ISO[unit]
    except KeyError:
        raise ValueError(f"{unit!r} is not a duration unit") from None
    amount = Decimal(value) * factor
    sign = "-" if amount < 0 else ""
    body = _plain(abs(amount)) + designator
    return f"{sign}PT{body}" if time_part else f"{sign}P{body}"


#: Seconds in each duration unit on the calendar Duckling uses to add mixed parts
#: (month 30 days, year 365 days); parts of the same calendar family convert exactly.
CALENDAR_SECONDS: dict[str, int] = {
    "second": 1, "minute": 60, "hour": 3600, "day": 86_400, "week": 604_800,
    "fortnight": 1_209_600, "month": 2_592_000, "year": 31_536_000,
}


def iso_composite(parts: list[tuple[int | Decimal, str]]) -> str:
    """ISO 8601 duration of several parts: [(2, "year"), (3, "month")] -> "P2Y3M".

    >>> iso_composite([(1, "hour"), (55, "minute")])
    'PT1H55M'
    """
    date_part: dict[str, Decimal] = {}
    time_part: dict[str, Decimal] = {}
    for value, unit in parts:
        is_time, designator, factor = _ISO[unit]
        bucket = time_part if is_time else date_part
        bucket[designator] = bucket.get(designator, Decimal(0)) + Decimal(value) * factor
    body = "".join(_plain(date_part[d]) + d for d in "YMWD" if d in date_part)
    if time_part:
        body += "T" + "".join(_plain(time_part[d]) + d for d in "HMS" if d in time_part)
    return "P" + body
