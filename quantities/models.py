"""The public output models: one fact per kind, a discriminated union on ``kind``.

Field names are part of the JSON contract: fields may be added, never renamed.

Numbers are exact in Python (``int`` for counts, ``int`` or ``Decimal`` otherwise) and
become JSON numbers on output (integral values as integers). Spans are half-open
code-point offsets into the original text and ``text == input[start:end]`` always.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

__all__ = [
    "COUNT_KINDS",
    "KINDS",
    "SCHEMA_VERSION",
    "BatchError",
    "BatchRecord",
    "CasualtyFact",
    "CountFact",
    "DateFact",
    "DurationFact",
    "Extraction",
    "Fact",
    "MoneyFact",
    "NumberFact",
    "PercentFact",
    "QuantityFact",
    "Rejection",
]

SCHEMA_VERSION = "1.0"

Qualifier = Literal[
    "exact", "approximately", "at_least", "more_than", "at_most", "less_than", "range", "vague"
]
Lang = Literal["en", "uk", "ru"]
CountKind = Literal["personnel", "aircraft", "flights", "equipment", "people", "count"]
COUNT_KINDS: frozenset[str] = frozenset(
    ["personnel", "aircraft", "flights", "equipment", "people", "count", "casualties"]
)
KINDS: tuple[str, ...] = (
    "personnel", "casualties", "aircraft", "flights", "equipment", "people", "count",
    "date", "duration", "quantity", "money", "percent", "number",
)


def _number_to_json(value: int | Decimal) -> int | float:
    if isinstance(value, int):
        return value
    if value == value.to_integral_value():
        return int(value)
    return float(value)


#: An exact number in Python; a JSON number on output.
Exact = Annotated[
    int | Decimal,
    PlainSerializer(_number_to_json, when_used="json"),
    WithJsonSchema({"type": "number"}),
]
Count = Annotated[int, Field(ge=0)]


class _Model(BaseModel):
    # defer_build: a model's validator and serializer are built on its first use, not at
    # import, so that the bases, never used alone, are never built, nor Rejection,
    # Extraction or BatchRecord in a process that only calls extract(). The facts are
    # built at import (``defer_build=False``): extract() needs them all (one TypeAdapter
    # of the ``Fact`` union) and the models holding facts then reuse them.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class _FactBase(_Model):
    start: int = Field(ge=0, description="Half-open start offset (code points) into the input.")
    end: int = Field(ge=0, description="Half-open end offset; input[start:end] == text.")
    text: str = Field(description="The surface: exactly input[start:end].")
    qualifier: Qualifier = "exact"
    low_inclusive: bool = True
    high_inclusive: bool = True
    unit: str | None = None
    lang: Lang
    rules: list[str] = Field(description="Names of the rules that produced the fact.")


class _NumericBase(_FactBase):
    value: Exact
    low: Exact | None = Field(default=None, description="Lower bound; null = open.")
    high: Exact | None = Field(default=None, description="Upper bound; null = open.")


class _CountBase(_FactBase):
    value: Count
    low: Count | None = Field(default=None, description="Lower bound; null = open.")
    high: Count | None = Field(default=None, description="Upper bound; null = open.")
    counted: str | None = Field(default=None, description="The counted noun phrase.")


class CountFact(_CountBase, defer_build=False):
    """A count of something: troops, aircraft, flights, equipment, people or other nouns."""

    kind: CountKind
    models: list[str] = Field(
        default_factory=list, description="Aircraft or equipment model designations named."
    )


class CasualtyFact(_CountBase, defer_build=False):
    """People killed, injured, arrested, missing, ..."""

    kind: Literal["casualties"] = "casualties"
    outcome: str


class DateFact(_FactBase, defer_build=False):
    """A calendar date, month, season or year (or an interval of them), ISO 8601."""

    kind: Literal["date"] = "date"
    value: str = Field(description="ISO 8601 date, interval 'A/B', or partial '--MM-DD'.")
    low: str | None = None
    high: str | None = None
    grain: Literal["day", "month", "season", "year"]
    anchor: Literal["reference_date", "dateline", "explicit", "none"] = Field(
        default="explicit",
        description="What completed the date: the text itself, the reference date, "
        "the article's own dateline, or nothing (partial value).",
    )


class DurationFact(_NumericBase, defer_build=False):
    """A length of time; ``unit`` is a pint unit name, ``iso_duration`` ISO 8601."""

    kind: Literal["duration"] = "duration"
    iso_duration: str


class QuantityFact(_NumericBase, defer_build=False):
    """A physical quantity; ``unit`` is pint's canonical name, dimension-checked."""

    kind: Literal["quantity"] = "quantity"
    dimensionality: str = Field(description="pint dimensionality, e.g. '[length]'.")


class MoneyFact(_NumericBase, defer_build=False):
    """An amount of money; ``unit`` is an ISO 4217 code (null if unknown)."""

    kind: Literal["money"] = "money"


class PercentFact(_NumericBase, defer_build=False):
    """A percentage: ``value`` 35 for "35%"."""

    kind: Literal["percent"] = "percent"


class NumberFact(_NumericBase, defer_build=False):
    """A bare number with nothing counted or measured (returned only on request)."""

    kind: Literal["number"] = "number"


Fact = Annotated[
    CountFact | CasualtyFact | DateFact | DurationFact | QuantityFact | MoneyFact | PercentFact | NumberFact,
    Field(discriminator="kind"),
]


class Rejection(_Model):
    """A candidate that was not returned, with the rule that built it and the reason."""

    start: int
    end: int
    text: str
    rule: str
    reason: str


class Extraction(_Model):
    """The facts of one text plus diagnostics."""

    lang: Lang
    reference_date: str | None
    facts: list[Fact]
    rejected: list[Rejection]


class BatchError(_Model):
    type: str
    message: str


class BatchRecord(_Model):
    """One output line of ``quantities batch``."""

    id: str | int | None
    facts: list[Fact]
    error: BatchError | None = None
